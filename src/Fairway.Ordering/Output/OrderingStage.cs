using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Output;
using Fairway.Core.Validators;
using Fairway.Ordering.Fair;

namespace Fairway.Ordering.Output;

/// <summary>What the ordering stage carries from one height to the next: the height and hash of the last output.</summary>
public readonly record struct OrderingState(ulong Height, Hash OutputHash)
{
    public static readonly OrderingState Genesis = new(0, Hash.Zero);
}

/// <summary>
/// Stage 7 of the pipeline, the one place that orders transactions: (committed block, its batches, previous ordering
/// state) -> the block's ordered output. The block's transactions are taken in block order (batches as listed, each in
/// batch order), a transaction already taken earlier in the block is dropped, the rest are grouped by namespace in
/// ascending order and each namespace is handed to its policy. The output's order is therefore namespace by namespace,
/// which is also the leaf order of the output's namespaced Merkle tree: every position is provable.
/// <para>Fair namespaces are the exception: their transactions come from the block's candidate lists
/// (<see cref="FairInclusion"/>), their payloads from any of the block's batches (its own and its payload batches), and
/// a transaction already output within the <see cref="IncludedWindow"/> is not output again. That window is the stage's
/// only state beyond <see cref="OrderingState"/>; it is a function of the outputs, rebuilt by <see cref="Restore"/>.</para>
/// A function of its inputs: the node, the simulator and the tests run this same code and get the same outputs.
/// </summary>
public sealed class OrderingStage
{
    private readonly Hash _chainId;
    private readonly NamespaceRegistry _registry;
    private readonly ValidatorSet? _validators;
    private readonly IncludedWindow _included = new();

    public OrderingStage(Hash chainId, NamespaceRegistry registry, ValidatorSet? validators = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (registry.HasFair && validators is null)
        {
            throw new ArgumentException("a chain with fair namespaces needs the validator set to weigh candidate lists", nameof(validators));
        }

        _chainId = chainId;
        _registry = registry;
        _validators = validators;
    }

    public NamespaceRegistry Registry => _registry;

    /// <summary>Fair-lane transactions output recently: a validator stops listing them, the API reports them included.</summary>
    public bool WasIncluded(Hash transaction) => _included.Contains(transaction);

    /// <summary>After a restart: the stored outputs of up to the last <see cref="IncludedWindow.HeightsKept"/> heights, oldest first.</summary>
    public void Restore(IEnumerable<BlockOutput> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        foreach (var output in outputs)
        {
            if (_registry.HasFair)
            {
                _included.Add(output.Height, [.. output.SubmittedTransactions().Where(IsFair).Select(t => t.Hash)]);
            }
        }
    }

    public (BlockOutput Output, OrderingState Next) Order(Block block, IReadOnlyList<Batch> batchesInBlockOrder, OrderingState previous)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(batchesInBlockOrder);
        if (block.Height != previous.Height + 1)
        {
            throw new ArgumentException($"ordering height {block.Height} after height {previous.Height}", nameof(block));
        }

        var digests = block.AllBatchDigests;
        if (batchesInBlockOrder.Count != digests.Count)
        {
            throw new ArgumentException($"the block names {digests.Count} batches, got {batchesInBlockOrder.Count}", nameof(batchesInBlockOrder));
        }

        var byNamespace = new SortedDictionary<ulong, List<OrderingCandidate>>();
        var seen = new HashSet<Hash>();
        var fairPayloads = _registry.HasFair ? new Dictionary<Hash, OrderingCandidate>() : null;
        var total = 0;
        for (var b = 0; b < batchesInBlockOrder.Count; b++)
        {
            var batch = batchesInBlockOrder[b];
            if (batch is null || batch.Digest != digests[b])
            {
                throw new ArgumentException($"batch {b} is not the block's batch {digests[b].ToHex()[..8]}", nameof(batchesInBlockOrder));
            }

            var payloadOnly = b >= block.BatchDigests.Count;
            for (var i = 0; i < batch.Transactions.Count; i++)
            {
                var tx = batch.Transactions[i];
                if (fairPayloads is not null && IsFair(tx))
                {
                    fairPayloads.TryAdd(tx.Hash, new OrderingCandidate(tx, new OutputSource(b, i)));
                    continue;
                }

                if (payloadOnly || !seen.Add(tx.Hash))
                {
                    continue;
                }

                if (!byNamespace.TryGetValue(tx.Namespace, out var list))
                {
                    byNamespace[tx.Namespace] = list = [];
                }

                list.Add(new OrderingCandidate(tx, new OutputSource(b, i)));
                total++;
            }
        }

        var fair = fairPayloads is null ? null : IncludeFair(block, fairPayloads);
        var transactions = new List<Transaction>(total + (fair?.Count ?? 0));
        var sources = new List<OutputSource>(transactions.Capacity);
        foreach (var ns in byNamespace.Keys.Concat(fair is null ? [] : fair.Keys).Distinct().Order())
        {
            if (fair is not null && fair.TryGetValue(ns, out var fairOrdered))
            {
                foreach (var c in fairOrdered)
                {
                    transactions.Add(c.Transaction);
                    sources.Add(c.Source);
                }

                continue;
            }

            var candidates = byNamespace[ns];
            var ordered = _registry.PolicyOf(ns).Order(ns, candidates);
            CheckPermutation(ns, candidates, ordered);
            foreach (var c in ordered)
            {
                transactions.Add(c.Transaction);
                sources.Add(c.Source);
            }
        }

        var header = OutputHeader.Over(_chainId, block.Height, block.Hash, previous.OutputHash, transactions);
        return (new BlockOutput(header, transactions, sources), new OrderingState(block.Height, header.Hash));
    }

    private bool IsFair(Transaction tx) => _registry.IsFairOrdered(tx.Namespace);

    /// <summary>
    /// The fair namespaces' output: what the block's lists include and its batches carry, each namespace in fair order.
    /// A transaction the lists include without a payload in the block is left out and stays eligible: voters refuse such
    /// a block, so only a faulty quorum could commit one.
    /// </summary>
    private SortedDictionary<ulong, List<OrderingCandidate>> IncludeFair(Block block, Dictionary<Hash, OrderingCandidate> payloads)
    {
        var result = new SortedDictionary<ulong, List<OrderingCandidate>>();
        var output = new List<Hash>();
        if (block.CandidateLists.Count > 0 && HasQuorum(block))
        {
            var inclusion = FairInclusion.Include(block.CandidateLists, _validators!, _included.Contains, 0, TieBreakSeed(block));
            foreach (var included in inclusion.Included)
            {
                if (!payloads.TryGetValue(included.Transaction, out var candidate))
                {
                    continue;
                }

                if (!result.TryGetValue(candidate.Transaction.Namespace, out var list))
                {
                    result[candidate.Transaction.Namespace] = list = [];
                }

                list.Add(candidate);
                output.Add(included.Transaction);
            }
        }

        _included.Add(block.Height, output);
        return result;
    }

    // Voters refuse a block whose lists lack a quorum, so only a faulty quorum commits one: it then includes nothing fair.
    private bool HasQuorum(Block block)
    {
        try
        {
            FairInclusion.CheckQuorum(block.CandidateLists, _validators!);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Ties in fair time are broken by a hash over the block's parent certificate: fixed before the lists were chosen.</summary>
    public static Hash TieBreakSeed(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        return Hash.Compute(Core.Encoding.Canonical.Encode(block.Justify));
    }

    // A policy reorders; it may not add, drop or move a transaction to another namespace. Checked on every block
    // because a policy bug here would be certified and served as the truth.
    private static void CheckPermutation(ulong ns, IReadOnlyList<OrderingCandidate> given, IReadOnlyList<OrderingCandidate> ordered)
    {
        if (ordered.Count != given.Count)
        {
            throw new InvalidOperationException($"namespace {ns}: the policy returned {ordered.Count} of {given.Count} transactions");
        }

        if (ReferenceEquals(given, ordered))
        {
            return;
        }

        var expected = new HashSet<OutputSource>(given.Select(c => c.Source));
        foreach (var c in ordered)
        {
            if (c.Transaction.Namespace != ns || !expected.Remove(c.Source))
            {
                throw new InvalidOperationException($"namespace {ns}: the policy returned a transaction it was not given, or one twice");
            }
        }
    }
}

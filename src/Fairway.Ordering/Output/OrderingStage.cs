using Fairway.Core.Auction;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Output;
using Fairway.Core.Validators;
using Fairway.Ordering.Auction;
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
/// <para>Atomic bundles are opened here and nowhere earlier: a carrier (<see cref="Bundle"/>) is never output, its legs
/// are, each in its namespace, all at this height, each namespace's legs contiguous and in the bundle's order; a carrier
/// that does not open for this chain outputs nothing.</para>
/// A function of its inputs: the node, the simulator and the tests run this same code and get the same outputs.
/// </summary>
public sealed class OrderingStage
{
    private readonly Hash _chainId;
    private readonly NamespaceRegistry _registry;
    private readonly ValidatorSet? _validators;
    private readonly IncludedWindow _included = new();
    private readonly OutputBatchWindow _batchesOutput = new();

    /// <param name="auctionViews">For each <c>auction</c> namespace, the rollup view its auction reads deposits and users from (null: none).</param>
    public OrderingStage(
        Hash chainId, NamespaceRegistry registry, ValidatorSet? validators = null, ISignatureVerifier? verifier = null, Func<ulong, IAuctionView?>? auctionViews = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (registry.HasFair && validators is null)
        {
            throw new ArgumentException("a chain with fair namespaces needs the validator set to weigh candidate lists", nameof(validators));
        }

        _chainId = chainId;
        _registry = registry;
        _validators = validators;
        Auctions = registry.HasAuction ? new AuctionBook(chainId, registry, verifier ?? Crypto.Ed25519Verifier.Instance, auctionViews) : null;
    }

    /// <summary>The chain's auctions, or null when no namespace is <c>auction</c>. Fed every final output by <see cref="OnOutput"/>.</summary>
    public AuctionBook? Auctions { get; }

    /// <summary>
    /// A height's final output (revealed, after decryption), in height order: the auctions read bids, users and deposits
    /// from it. The next height is not ordered before this one is given: an auction reads only final outputs.
    /// </summary>
    public IReadOnlyList<AuctionStep> OnOutput(Block block, BlockOutput output) => Auctions?.Apply(block, output) ?? [];

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
                _included.Add(output.Height, [.. output.SubmittedTransactions().Concat(output.BundleCarriers()).Where(IsFair).Select(t => t.Hash)]);
            }
        }
    }

    /// <summary>After a restart: the batch digests of up to the last <see cref="OutputBatchWindow.HeightsKept"/> committed blocks, oldest first.</summary>
    public void RestoreBatches(IEnumerable<(ulong Height, IReadOnlyList<Hash> Digests)> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        foreach (var (height, digests) in blocks)
        {
            _batchesOutput.Add(height, [.. digests]);
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
        var inbox = InboxEntries(block, seen);
        var inboxHashes = inbox.Values.SelectMany(l => l).Select(c => c.Transaction.Hash).ToHashSet();
        var fairPayloads = _registry.HasFair ? new Dictionary<Hash, OrderingCandidate>() : null;
        var bundleLegs = new HashSet<Hash>();
        for (var b = 0; b < batchesInBlockOrder.Count; b++)
        {
            var batch = batchesInBlockOrder[b];
            if (batch is null || batch.Digest != digests[b])
            {
                throw new ArgumentException($"batch {b} is not the block's batch {digests[b].ToHex()[..8]}", nameof(batchesInBlockOrder));
            }

            // A batch an earlier block (within the window) already named is not output again: its transactions were.
            var payloadOnly = b >= block.BatchDigests.Count || _batchesOutput.NamedBelow(batch.Digest, block.Height);
            for (var i = 0; i < batch.Transactions.Count; i++)
            {
                var tx = batch.Transactions[i];
                if (fairPayloads is not null && _registry.IsFairOrdered(tx))
                {
                    fairPayloads.TryAdd(tx.Hash, new OrderingCandidate(tx, new OutputSource(b, i)));
                    continue;
                }

                if (payloadOnly || !seen.Add(tx.Hash))
                {
                    continue;
                }

                if (tx.Namespace == SystemNamespaces.Bundle)
                {
                    // A bundle enters whole, each leg as a candidate of its namespace naming the carrier and the leg;
                    // one that is malformed or has an encrypted leg enters not at all.
                    if (_registry.OpenBundle(tx) is { } bundle)
                    {
                        AddLegs(byNamespace, bundle, new OutputSource(b, i), bundleLegs);
                    }

                    continue;
                }

                Add(byNamespace, new OrderingCandidate(tx, new OutputSource(b, i)));
            }
        }

        var fairIncluded = new List<Hash>();
        var fair = fairPayloads is null ? null : IncludeFair(block, fairPayloads, bundleLegs, fairIncluded);

        // The L1 inbox's entries first, in inbox order; then leader-ordered (by the namespace's policy), then what the
        // fair rules include here: a fair namespace has only the latter, and a bundle that touches a fair namespace ranks
        // by the fair rules in all of its namespaces, after their leader-ordered part.
        IEnumerable<OrderingCandidate> Placed(ulong ns)
        {
            var forced = inbox.TryGetValue(ns, out var entries) ? entries : [];
            var ordered = byNamespace.TryGetValue(ns, out var candidates) ? OrderByPolicy(ns, candidates) : [];
            var fairOrdered = fair is not null && fair.TryGetValue(ns, out var included) ? included : [];
            var auction = _registry.AuctionOf(ns) is not null;
            foreach (var c in forced.Concat(ordered).Concat(fairOrdered))
            {
                // A transaction submitted alone and as a bundle's leg is output once, in the bundle, so the bundle stays
                // whole; one the inbox forced in is output once, from the inbox.
                var fromInbox = c.Source.BatchPosition == digests.Count;
                if (c.Source.Leg is null && !fromInbox && (bundleLegs.Contains(c.Transaction.Hash) || inboxHashes.Contains(c.Transaction.Hash)))
                {
                    continue;
                }

                // Only the chain writes records into an auction namespace: a submitted look-alike is dropped.
                if (auction && AuctionRecord.HasMagic(c.Transaction.Payload.Span))
                {
                    continue;
                }

                yield return c;
            }
        }

        // Express-lane bundles are planned over the express namespace's output, as it is output below. A transaction is
        // output once: a bundle's copy of one output before (within the window), forced in by the inbox, or already
        // taken from an earlier bundle is dropped; a copy of a bundle's transaction elsewhere in the block yields to it.
        // Placed once: the plan reads it, and the loop below outputs it.
        List<OrderingCandidate>? express = Auctions is null ? null : [.. Placed(SystemNamespaces.Express)];
        var steps = express is null ? [] : Auctions!.Plan(block, [.. express.Select(c => c.Transaction)]);
        var expressTaken = new HashSet<Hash>();
        var stepOf = new Dictionary<ulong, List<Transaction>>();
        foreach (var st in steps.Where(st => st.Records.Count > 0))
        {
            stepOf[st.Namespace] = [.. st.Records.Where(r => AuctionRecord.HasMagic(r.Payload.Span)
                || (!_included.Contains(r.Hash) && !inboxHashes.Contains(r.Hash) && expressTaken.Add(r.Hash)))];
        }

        var records = new List<Transaction>();
        var recordPosition = block.RecordPosition;
        var transactions = new List<Transaction>();
        var sources = new List<OutputSource>();
        foreach (var ns in byNamespace.Keys.Concat(fair is null ? [] : fair.Keys).Concat(inbox.Keys).Concat(stepOf.Keys).Distinct().Order())
        {
            var placed = ns == SystemNamespaces.Express && express is not null ? express : Placed(ns);
            if (stepOf.TryGetValue(ns, out var written))
            {
                // After the forced inbox entries: the auction's records (settlement, result), then the express lane's bundles.
                var forced = inbox.TryGetValue(ns, out var entries) ? entries.Count(c => !AuctionRecord.HasMagic(c.Transaction.Payload.Span)) : 0;
                var all = placed.ToList();
                placed = [.. all.Take(forced), .. RecordCandidates(written, recordPosition, records.Count), .. all.Skip(forced).Where(c => !expressTaken.Contains(c.Transaction.Hash))];
                records.AddRange(written);
            }

            foreach (var c in placed)
            {
                transactions.Add(c.Transaction);
                sources.Add(c.Source);
            }
        }

        if (fairPayloads is not null)
        {
            _included.Add(block.Height, [.. fairIncluded, .. expressTaken]);
        }

        _batchesOutput.Add(block.Height, block.BatchDigests);

        OutputInbox? committed = block.Inbox is { } section ? new OutputInbox(section.Index, block.L1!.Number, section.IsFull) : null;
        var header = OutputHeader.Over(_chainId, block.Height, block.Hash, previous.OutputHash, transactions, committed);
        var recordBatch = records.Count == 0 ? null : new Batch(_chainId, Block.RecordAuthor, block.Height, records);
        return (new BlockOutput(header, transactions, sources, [], recordBatch), new OrderingState(block.Height, header.Hash));
    }

    private static IEnumerable<OrderingCandidate> RecordCandidates(IReadOnlyList<Transaction> written, int recordPosition, int first)
    {
        for (var k = 0; k < written.Count; k++)
        {
            yield return new OrderingCandidate(written[k], new OutputSource(recordPosition, first + k));
        }
    }

    private bool IsFair(Transaction tx) => _registry.IsFairOrdered(tx);

    /// <summary>
    /// The block's inbox entries by namespace, each sourced at position <c>AllBatchDigests.Count</c> (the block's
    /// <see cref="Block.InboxBatch"/>). An entry is output as posted, whatever it holds: it is opaque here, as every
    /// payload is, so a malformed one is the rollup's to reject. Neither opened as a bundle nor ordered by a policy.
    /// </summary>
    private static SortedDictionary<ulong, List<OrderingCandidate>> InboxEntries(Block block, HashSet<Hash> seen)
    {
        var result = new SortedDictionary<ulong, List<OrderingCandidate>>();
        if (block.Inbox is not { Entries.Count: > 0 } inbox)
        {
            return result;
        }

        var position = block.AllBatchDigests.Count;
        for (var i = 0; i < inbox.Entries.Count; i++)
        {
            // Two entries with the same namespace and payload are one transaction: output once, at the first.
            if (seen.Add(inbox.Entries[i].Hash))
            {
                Add(result, new OrderingCandidate(inbox.Entries[i], new OutputSource(position, i)));
            }
        }

        return result;
    }

    private static void Add(SortedDictionary<ulong, List<OrderingCandidate>> byNamespace, OrderingCandidate candidate)
    {
        if (!byNamespace.TryGetValue(candidate.Transaction.Namespace, out var list))
        {
            byNamespace[candidate.Transaction.Namespace] = list = [];
        }

        list.Add(candidate);
    }

    private static void AddLegs(SortedDictionary<ulong, List<OrderingCandidate>> byNamespace, Bundle bundle, OutputSource carrier, HashSet<Hash> bundleLegs)
    {
        for (var k = 0; k < bundle.Legs.Count; k++)
        {
            Add(byNamespace, new OrderingCandidate(bundle.Legs[k], carrier with { Leg = k }));
            bundleLegs.Add(bundle.Legs[k].Hash);
        }
    }

    /// <summary>
    /// The namespace's candidates in its policy's order, with each bundle's legs then gathered at the place of the first
    /// of them, in the bundle's order: a policy orders units, and whatever it does, a bundle's part stays contiguous.
    /// </summary>
    private IReadOnlyList<OrderingCandidate> OrderByPolicy(ulong ns, List<OrderingCandidate> candidates)
    {
        var ordered = _registry.PolicyOf(ns).Order(ns, candidates);
        CheckPermutation(ns, candidates, ordered);
        if (!candidates.Any(c => c.Source.Leg is not null))
        {
            return ordered;
        }

        var legsOf = new Dictionary<(int, int), List<OrderingCandidate>>();
        foreach (var c in ordered)
        {
            if (c.Source.Leg is not null)
            {
                var key = (c.Source.BatchPosition, c.Source.IndexInBatch);
                if (!legsOf.TryGetValue(key, out var legs))
                {
                    legsOf[key] = legs = [];
                }

                legs.Add(c);
            }
        }

        var result = new List<OrderingCandidate>(ordered.Count);
        foreach (var c in ordered)
        {
            if (c.Source.Leg is null)
            {
                result.Add(c);
            }
            else if (legsOf.Remove((c.Source.BatchPosition, c.Source.IndexInBatch), out var legs))
            {
                result.AddRange(legs.OrderBy(l => l.Source.Leg));
            }
        }

        return result;
    }

    /// <summary>
    /// The fair namespaces' output: what the block's lists include and its batches carry, each namespace in fair order.
    /// A transaction the lists include without a payload in the block is left out and stays eligible: voters refuse such
    /// a block, so only a faulty quorum could commit one.
    /// </summary>
    private SortedDictionary<ulong, List<OrderingCandidate>> IncludeFair(
        Block block, Dictionary<Hash, OrderingCandidate> payloads, HashSet<Hash> bundleLegs, List<Hash> includedHere)
    {
        var result = new SortedDictionary<ulong, List<OrderingCandidate>>();
        // A fair-lane transaction the inbox forced in is included: it is not listed, nor output, again.
        var output = block.Inbox is { } inbox ? inbox.Entries.Where(IsFair).Select(e => e.Hash).ToList() : [];
        if (block.CandidateLists.Count > 0 && HasQuorum(block))
        {
            var inclusion = FairInclusion.Include(block.CandidateLists, _validators!, _included.Contains, 0, TieBreakSeed(block));
            foreach (var included in inclusion.Included)
            {
                if (!payloads.TryGetValue(included.Transaction, out var candidate))
                {
                    continue;
                }

                // A bundle takes its one fair rank in every namespace it touches, its legs there in its order.
                if (_registry.OpenBundle(candidate.Transaction) is { } bundle)
                {
                    AddLegs(result, bundle, candidate.Source, bundleLegs);

                    // The window holds what a restart can read back from the outputs: the carrier (rebuilt from its
                    // legs) and the legs in fair namespaces, which also stand for a single copy that yielded to them.
                    output.AddRange(bundle.Legs.Where(leg => _registry.IsFairOrdered(leg.Namespace)).Select(leg => leg.Hash));
                }
                else
                {
                    Add(result, candidate);
                }

                output.Add(included.Transaction);
            }
        }

        includedHere.AddRange(output);
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

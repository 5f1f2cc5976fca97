using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Output;

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
/// Pure: the node, the simulator and the tests run this same code.
/// </summary>
public sealed class OrderingStage(Hash chainId, NamespaceRegistry registry)
{
    public NamespaceRegistry Registry => registry;

    public (BlockOutput Output, OrderingState Next) Order(Block block, IReadOnlyList<Batch> batchesInBlockOrder, OrderingState previous)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(batchesInBlockOrder);
        if (block.Height != previous.Height + 1)
        {
            throw new ArgumentException($"ordering height {block.Height} after height {previous.Height}", nameof(block));
        }

        if (batchesInBlockOrder.Count != block.BatchDigests.Count)
        {
            throw new ArgumentException($"the block lists {block.BatchDigests.Count} batches, got {batchesInBlockOrder.Count}", nameof(batchesInBlockOrder));
        }

        var byNamespace = new SortedDictionary<ulong, List<OrderingCandidate>>();
        var seen = new HashSet<Hash>();
        var total = 0;
        for (var b = 0; b < batchesInBlockOrder.Count; b++)
        {
            var batch = batchesInBlockOrder[b];
            if (batch is null || batch.Digest != block.BatchDigests[b])
            {
                throw new ArgumentException($"batch {b} is not the block's batch {block.BatchDigests[b].ToHex()[..8]}", nameof(batchesInBlockOrder));
            }

            for (var i = 0; i < batch.Transactions.Count; i++)
            {
                var tx = batch.Transactions[i];
                if (!seen.Add(tx.Hash))
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

        var transactions = new List<Transaction>(total);
        var sources = new List<OutputSource>(total);
        foreach (var (ns, candidates) in byNamespace)
        {
            var ordered = registry.PolicyOf(ns).Order(ns, candidates);
            CheckPermutation(ns, candidates, ordered);
            foreach (var c in ordered)
            {
                transactions.Add(c.Transaction);
                sources.Add(c.Source);
            }
        }

        var header = OutputHeader.Over(chainId, block.Height, block.Hash, previous.OutputHash, transactions);
        return (new BlockOutput(header, transactions, sources), new OrderingState(block.Height, header.Hash));
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

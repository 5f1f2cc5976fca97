using Fairway.Core.Crypto;
using Fairway.Core.Merkle;
using Fairway.Core.Output;

namespace Fairway.Core.Proofs;

/// <summary>
/// Builds proofs for one block's output from one namespaced Merkle tree over its ordered transactions, computed once,
/// on the first proof asked for (every block is cached as it becomes firm, most are never asked about): keep one beside
/// a recent output when serving many namespaces or transactions of it. Safe for concurrent readers.
/// </summary>
public sealed class OutputProofBuilder
{
    private readonly Lazy<(NamespacedMerkleTree Tree, Dictionary<Hash, int> FirstIndex)> _built;

    public OutputProofBuilder(BlockOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Output = output;
        _built = new(() => Build(output), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public BlockOutput Output { get; }

    private NamespacedMerkleTree Tree => _built.Value.Tree;

    private Dictionary<Hash, int> FirstIndex => _built.Value.FirstIndex;

    private static (NamespacedMerkleTree, Dictionary<Hash, int>) Build(BlockOutput output)
    {
        var tree = NamespacedMerkleTree.FromTransactions(output.Transactions);
        if (tree.Root != output.Header.OutputRoot)
        {
            throw new InvalidOperationException($"the transactions do not match the output header of height {output.Height}");
        }

        var firstIndex = new Dictionary<Hash, int>(output.Transactions.Count);
        for (var i = 0; i < output.Transactions.Count; i++)
        {
            firstIndex.TryAdd(output.Transactions[i].Hash, i);
        }

        return (tree, firstIndex);
    }

    /// <summary>The proof of namespace <paramref name="ns"/>'s part of the output (an absence proof when it has none).</summary>
    public NamespaceProof ForNamespace(ulong ns)
    {
        var (start, end) = Tree.RangeOf(ns);
        var hashes = new Hash[end - start];
        for (var j = start; j < end; j++)
        {
            hashes[j - start] = Tree.Leaves[j].TransactionHash;
        }

        return new NamespaceProof(ns, Tree.ProveRange(start, end), hashes);
    }

    /// <summary>The proof for a transaction of the output, or null when the output does not hold it.</summary>
    public TransactionProof? ForTransaction(Hash transactionHash) =>
        FirstIndex.TryGetValue(transactionHash, out var index) ? new TransactionProof(Tree.ProveLeaf(index)) : null;

    /// <summary>The proof for the transaction at <paramref name="index"/> of the output (two equal plaintexts have two positions).</summary>
    public TransactionProof ForIndex(int index) => new(Tree.ProveLeaf(index));
}

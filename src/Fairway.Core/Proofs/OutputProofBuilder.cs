using Fairway.Core.Crypto;
using Fairway.Core.Merkle;
using Fairway.Core.Output;

namespace Fairway.Core.Proofs;

/// <summary>
/// Builds proofs for one block's output from one namespaced Merkle tree over its ordered transactions, computed once:
/// keep one beside a recent output when serving many namespaces or transactions of it. Safe for concurrent readers.
/// </summary>
public sealed class OutputProofBuilder
{
    private readonly NamespacedMerkleTree _tree;
    private readonly Dictionary<Hash, int> _firstIndex;

    public OutputProofBuilder(BlockOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Output = output;
        _tree = NamespacedMerkleTree.FromTransactions(output.Transactions);
        if (_tree.Root != output.Header.OutputRoot)
        {
            throw new ArgumentException($"the transactions do not match the output header of height {output.Height}", nameof(output));
        }

        _firstIndex = new Dictionary<Hash, int>(output.Transactions.Count);
        for (var i = 0; i < output.Transactions.Count; i++)
        {
            _firstIndex.TryAdd(output.Transactions[i].Hash, i);
        }
    }

    public BlockOutput Output { get; }

    /// <summary>The proof of namespace <paramref name="ns"/>'s part of the output (an absence proof when it has none).</summary>
    public NamespaceProof ForNamespace(ulong ns)
    {
        var (start, end) = _tree.RangeOf(ns);
        var hashes = new Hash[end - start];
        for (var j = start; j < end; j++)
        {
            hashes[j - start] = _tree.Leaves[j].TransactionHash;
        }

        return new NamespaceProof(ns, _tree.ProveRange(start, end), hashes);
    }

    /// <summary>The proof for a transaction of the output, or null when the output does not hold it.</summary>
    public TransactionProof? ForTransaction(Hash transactionHash) =>
        _firstIndex.TryGetValue(transactionHash, out var index) ? new TransactionProof(_tree.ProveLeaf(index)) : null;
}

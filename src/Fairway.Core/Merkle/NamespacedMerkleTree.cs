using System.Buffers.Binary;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Core.Merkle;

/// <summary>
/// A namespaced Merkle tree (NMT) over SHA-256: leaves are (namespace, transaction hash) sorted by namespace, and every
/// node carries the smallest and largest namespace below it, so a proof can show that it returns ALL the leaves of a
/// namespace (or that there are none), not merely some of them.
/// <para>
/// Leaves are sorted with a stable sort: leaves of one namespace keep the order the caller gave (a batch's order).
/// </para>
/// <para>
/// Hashes (integers are u64 little-endian; a node is min || max || digest, 48 bytes):
/// leaf digest = H(0x00 || ns || txHash), min = max = ns;
/// inner digest = H(0x01 || left node || right node), min = left.min, max = right.max;
/// root = H(0x02 || u64(leafCount) || top node) for a non-empty tree, and H(0x02 || u64(0)) for the empty tree
/// (<see cref="EmptyRoot"/>). The root binds the leaf count, which fixes the tree's shape for a verifier.
/// </para>
/// <para>
/// Shape: the same as <see cref="MerkleTree"/> (RFC 6962): the top of n &gt; 1 leaves is inner(top(first k), top(rest)),
/// k the largest power of two below n. Equivalently, bottom-up: pair neighbours level by level and promote a lone
/// last node unchanged; this class keeps those levels so any subtree's node is a lookup.
/// </para>
/// <para>
/// Trust: a proof is checked against a root. Completeness holds when that root was computed from the leaves by this
/// code (as <see cref="Batch"/> does for every batch it builds or decodes); the verifier also refuses any recomputed
/// inner node whose children are out of namespace order.
/// </para>
/// </summary>
public sealed class NamespacedMerkleTree
{
    public const byte LeafTag = 0x00;
    public const byte InnerTag = 0x01;
    public const byte RootTag = 0x02;

    /// <summary>The root of the tree with no leaves: H(0x02 || u64(0)).</summary>
    public static readonly Hash EmptyRoot = ComputeEmptyRoot();

    private readonly NamespacedLeaf[] _leaves;

    /// <summary>levels[0] are the leaf nodes; levels[L][i] is the node over leaves [i * 2^L, min((i+1) * 2^L, n)).</summary>
    private readonly NamespacedNode[][] _levels;

    /// <summary>A tree over the given leaves, sorted here by namespace with a stable sort.</summary>
    public NamespacedMerkleTree(IEnumerable<NamespacedLeaf> leaves)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        // OrderBy is a stable sort: equal namespaces keep their input order.
        _leaves = leaves.OrderBy(l => l.Namespace).ToArray();
        var levels = new List<NamespacedNode[]>();
        var level = new NamespacedNode[_leaves.Length];
        for (var i = 0; i < level.Length; i++)
        {
            level[i] = LeafNode(_leaves[i].Namespace, _leaves[i].TransactionHash);
        }

        levels.Add(level);
        while (level.Length > 1)
        {
            var next = new NamespacedNode[(level.Length + 1) / 2];
            for (var i = 0; i + 1 < level.Length; i += 2)
            {
                next[i / 2] = InnerNode(level[i], level[i + 1]);
            }

            if ((level.Length & 1) == 1)
            {
                next[^1] = level[^1];
            }

            levels.Add(next);
            level = next;
        }

        _levels = [.. levels];
        Root = _leaves.Length == 0 ? EmptyRoot : RootOf(_leaves.Length, _levels[^1][0]);
    }

    /// <summary>The tree over a batch's transactions, in batch order before sorting.</summary>
    public static NamespacedMerkleTree FromTransactions(IReadOnlyList<Transaction> transactions)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        return new NamespacedMerkleTree(transactions.Select(t => new NamespacedLeaf(t.Namespace, t.Hash)));
    }

    /// <summary>
    /// The root of the tree over <paramref name="sortedByNamespace"/>, which must already be in tree order (namespaces
    /// ascending), computed left to right with O(log n) memory: no levels are kept, so a large block's output header costs
    /// hashing only, not the large arrays a full tree allocates. Equal to <c>FromTransactions(...).Root</c>.
    /// </summary>
    public static Hash RootOfSorted(IReadOnlyList<Transaction> sortedByNamespace)
    {
        ArgumentNullException.ThrowIfNull(sortedByNamespace);
        if (sortedByNamespace.Count == 0)
        {
            return EmptyRoot;
        }

        // Perfect subtrees of decreasing size, as in a Merkle mountain range; folding them right to left at the end gives
        // the RFC 6962 shape (the top of n leaves splits at the largest power of two below n).
        var stack = new List<(NamespacedNode Node, int Size)>(32);
        var previous = sortedByNamespace[0].Namespace;
        foreach (var tx in sortedByNamespace)
        {
            if (tx.Namespace < previous)
            {
                throw new ArgumentException("transactions are not in namespace order", nameof(sortedByNamespace));
            }

            previous = tx.Namespace;
            var node = LeafNode(tx.Namespace, tx.Hash);
            var size = 1;
            while (stack.Count > 0 && stack[^1].Size == size)
            {
                node = InnerNode(stack[^1].Node, node);
                size *= 2;
                stack.RemoveAt(stack.Count - 1);
            }

            stack.Add((node, size));
        }

        var top = stack[^1].Node;
        for (var i = stack.Count - 2; i >= 0; i--)
        {
            top = InnerNode(stack[i].Node, top);
        }

        return RootOf(sortedByNamespace.Count, top);
    }

    /// <summary>The leaves in tree order (sorted by namespace, stable).</summary>
    public IReadOnlyList<NamespacedLeaf> Leaves => _leaves;

    public int Count => _leaves.Length;

    public Hash Root { get; }

    /// <summary>Leaf digest H(0x00 || ns || txHash), min = max = ns.</summary>
    public static NamespacedNode LeafNode(ulong ns, Hash transactionHash)
    {
        Span<byte> buffer = stackalloc byte[1 + sizeof(ulong) + Hash.Size];
        buffer[0] = LeafTag;
        BinaryPrimitives.WriteUInt64LittleEndian(buffer[1..], ns);
        transactionHash.CopyTo(buffer[(1 + sizeof(ulong))..]);
        return new NamespacedNode(ns, ns, Hash.Compute(buffer));
    }

    /// <summary>Inner digest H(0x01 || left || right), min = left.min, max = right.max. Does not check the order.</summary>
    public static NamespacedNode InnerNode(NamespacedNode left, NamespacedNode right)
    {
        Span<byte> buffer = stackalloc byte[1 + (2 * NamespacedNode.EncodedSize)];
        buffer[0] = InnerTag;
        WriteNode(buffer[1..], left);
        WriteNode(buffer[(1 + NamespacedNode.EncodedSize)..], right);
        return new NamespacedNode(left.MinNamespace, right.MaxNamespace, Hash.Compute(buffer));
    }

    /// <summary>The root of a non-empty tree of <paramref name="leafCount"/> leaves whose top node is <paramref name="top"/>.</summary>
    public static Hash RootOf(long leafCount, NamespacedNode top)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(leafCount, 1);
        Span<byte> buffer = stackalloc byte[1 + sizeof(ulong) + NamespacedNode.EncodedSize];
        buffer[0] = RootTag;
        BinaryPrimitives.WriteUInt64LittleEndian(buffer[1..], (ulong)leafCount);
        WriteNode(buffer[(1 + sizeof(ulong))..], top);
        return Hash.Compute(buffer);
    }

    /// <summary>The leaf positions [Start, End) holding <paramref name="ns"/>; empty (Start == End) where it would go when absent.</summary>
    public (int Start, int End) RangeOf(ulong ns)
    {
        var start = LowerBound(ns);
        var end = start;
        while (end < _leaves.Length && _leaves[end].Namespace == ns)
        {
            end++;
        }

        return (start, end);
    }

    /// <summary>
    /// A proof of the complete (possibly empty) run of leaves with namespace <paramref name="ns"/>. The run's transaction
    /// hashes are <c>Leaves[Start..End]</c>; the verifier needs them alongside the proof.
    /// </summary>
    public NamespaceRangeProof ProveNamespace(ulong ns)
    {
        var (start, end) = RangeOf(ns);
        return ProveRange(start, end);
    }

    /// <summary>A proof that leaf <paramref name="index"/> (in tree order) is in the tree.</summary>
    public NamespaceRangeProof ProveLeaf(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _leaves.Length);
        return ProveRange(index, index + 1);
    }

    /// <summary>
    /// A proof for leaves [start, end): the nodes of the maximal subtrees outside the range, left to right. For an empty
    /// range (start == end) the subtrees are those wholly left or wholly right of that position.
    /// </summary>
    public NamespaceRangeProof ProveRange(int start, int end)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(end, start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(end, _leaves.Length);
        var siblings = new List<NamespacedNode>();
        if (_leaves.Length > 0)
        {
            CollectSiblings(0, _leaves.Length, start, end, siblings);
        }

        return new NamespaceRangeProof(_leaves.Length, start, end, siblings);
    }

    private void CollectSiblings(int lo, int hi, int start, int end, List<NamespacedNode> siblings)
    {
        if (hi <= start || lo >= end)
        {
            siblings.Add(NodeOf(lo, hi));
            return;
        }

        if (hi - lo == 1)
        {
            return;
        }

        var split = lo + SplitSize(hi - lo);
        CollectSiblings(lo, split, start, end, siblings);
        CollectSiblings(split, hi, start, end, siblings);
    }

    /// <summary>The node of the RFC 6962 subtree over leaves [lo, hi): level ceil(log2(hi - lo)), index lo &gt;&gt; level.</summary>
    private NamespacedNode NodeOf(int lo, int hi)
    {
        var size = hi - lo;
        var level = size == 1 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)(size - 1));
        return _levels[level][lo >> level];
    }

    /// <summary>The size of the left subtree of a tree of <paramref name="size"/> &gt; 1 leaves: the largest power of two below it.</summary>
    internal static int SplitSize(int size) => (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)size) >> 1;

    private int LowerBound(ulong ns)
    {
        int lo = 0, hi = _leaves.Length;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) / 2);
            if (_leaves[mid].Namespace < ns)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static void WriteNode(Span<byte> destination, NamespacedNode node)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, node.MinNamespace);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[sizeof(ulong)..], node.MaxNamespace);
        node.Digest.CopyTo(destination[(2 * sizeof(ulong))..]);
    }

    private static Hash ComputeEmptyRoot()
    {
        Span<byte> buffer = stackalloc byte[1 + sizeof(ulong)];
        buffer[0] = RootTag;
        BinaryPrimitives.WriteUInt64LittleEndian(buffer[1..], 0);
        return Hash.Compute(buffer);
    }
}

using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Core.Merkle;

/// <summary>
/// A proof for the leaves [<see cref="Start"/>, <see cref="End"/>) of a <see cref="NamespacedMerkleTree"/> of
/// <see cref="LeafCount"/> leaves: the nodes of the maximal subtrees outside that range, left to right. The leaves
/// themselves (their transaction hashes) travel beside the proof.
/// <para>
/// <see cref="VerifyNamespace"/> checks that the range is EXACTLY the leaves of one namespace: it recomputes the root
/// and requires every node left of the range to have max &lt; ns and every node right of it to have min &gt; ns. An empty
/// range (Start == End) so proves the namespace is absent. <see cref="VerifyInclusion"/> checks one leaf's membership.
/// </para>
/// The constructor and the decoder accept the same shapes; whether the siblings fit is checked by the Verify methods,
/// which answer false for any proof that does not match, never throwing.
/// </summary>
public sealed class NamespaceRangeProof : ICanonical, IEquatable<NamespaceRangeProof>
{
    public const byte Version = 1;

    public const int LeafCountMax = int.MaxValue;

    /// <summary>A range in a tree of at most 2^31 leaves has at most 31 maximal subtrees on each side.</summary>
    public const int SiblingsMax = 62;

    private readonly NamespacedNode[] _siblings;

    public NamespaceRangeProof(int leafCount, int start, int end, IReadOnlyList<NamespacedNode> siblings)
    {
        ArgumentNullException.ThrowIfNull(siblings);
        ArgumentOutOfRangeException.ThrowIfNegative(leafCount);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(end, start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(end, leafCount);
        if (siblings.Count > SiblingsMax)
        {
            throw new ArgumentException($"at most {SiblingsMax} siblings, got {siblings.Count}", nameof(siblings));
        }

        foreach (var s in siblings)
        {
            if (s.MinNamespace > s.MaxNamespace)
            {
                throw new ArgumentException("a sibling's min namespace is above its max", nameof(siblings));
            }
        }

        LeafCount = leafCount;
        Start = start;
        End = end;
        _siblings = [.. siblings];
    }

    public int LeafCount { get; }

    public int Start { get; }

    public int End { get; }

    /// <summary>Number of leaves the proof covers: End - Start.</summary>
    public int RangeLength => End - Start;

    public IReadOnlyList<NamespacedNode> Siblings => _siblings;

    /// <summary>
    /// True when <paramref name="transactionHashes"/>, all of namespace <paramref name="ns"/>, are exactly the leaves
    /// of that namespace, in tree order, of the tree with <paramref name="root"/>: none left out, none added.
    /// </summary>
    public bool VerifyNamespace(Hash root, ulong ns, IReadOnlyList<Hash> transactionHashes) =>
        transactionHashes is not null
        && transactionHashes.Count == RangeLength
        && TryComputeRoot(ns, transactionHashes, complete: true, out var computed)
        && computed == root;

    /// <summary>True when (<paramref name="ns"/>, <paramref name="transactionHash"/>) is leaf <see cref="Start"/> of the tree with <paramref name="root"/>.</summary>
    public bool VerifyInclusion(Hash root, ulong ns, Hash transactionHash) =>
        RangeLength == 1
        && TryComputeRoot(ns, [transactionHash], complete: false, out var computed)
        && computed == root;

    private bool TryComputeRoot(ulong ns, IReadOnlyList<Hash> leaves, bool complete, out Hash root)
    {
        root = default;
        if (LeafCount == 0)
        {
            if (_siblings.Length != 0)
            {
                return false;
            }

            root = NamespacedMerkleTree.EmptyRoot;
            return true;
        }

        var walk = new Walk(this, ns, leaves, complete);
        if (!walk.Node(0, LeafCount, out var top) || walk.SiblingsUsed != _siblings.Length || walk.LeavesUsed != leaves.Count)
        {
            return false;
        }

        root = NamespacedMerkleTree.RootOf(LeafCount, top);
        return true;
    }

    /// <summary>The verifier's descent: the same recursion the prover uses, consuming siblings and leaves left to right.</summary>
    private sealed class Walk(NamespaceRangeProof proof, ulong ns, IReadOnlyList<Hash> leaves, bool complete)
    {
        public int SiblingsUsed { get; private set; }

        public int LeavesUsed { get; private set; }

        public bool Node(int lo, int hi, out NamespacedNode node)
        {
            node = default;
            if (hi <= proof.Start || lo >= proof.End)
            {
                if (SiblingsUsed == proof._siblings.Length)
                {
                    return false;
                }

                node = proof._siblings[SiblingsUsed++];
                if (node.MinNamespace > node.MaxNamespace)
                {
                    return false;
                }

                // Completeness: what lies left of the range is below ns, what lies right of it is above.
                return !complete || (hi <= proof.Start ? node.MaxNamespace < ns : node.MinNamespace > ns);
            }

            if (hi - lo == 1)
            {
                if (LeavesUsed == leaves.Count)
                {
                    return false;
                }

                node = NamespacedMerkleTree.LeafNode(ns, leaves[LeavesUsed++]);
                return true;
            }

            var split = lo + NamespacedMerkleTree.SplitSize(hi - lo);
            if (!Node(lo, split, out var left) || !Node(split, hi, out var right) || left.MaxNamespace > right.MinNamespace)
            {
                return false;
            }

            node = NamespacedMerkleTree.InnerNode(left, right);
            return true;
        }
    }

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteU8(Version);
        writer.WriteU32((uint)LeafCount);
        writer.WriteU32((uint)Start);
        writer.WriteU32((uint)End);
        writer.WriteCount(_siblings.Length);
        foreach (var s in _siblings)
        {
            s.Encode(writer);
        }
    }

    public static NamespaceRangeProof Decode(ref CanonicalReader reader)
    {
        reader.ExpectVersion(Version, "namespace range proof");
        var count = reader.ReadU32("namespace range proof leaf count");
        var start = reader.ReadU32("namespace range proof start");
        var end = reader.ReadU32("namespace range proof end");
        if (count > LeafCountMax || start > end || end > count)
        {
            throw new EncodingException($"namespace range proof: range [{start}, {end}) does not fit {count} leaves");
        }

        var siblingCount = reader.ReadCount(SiblingsMax, "namespace range proof siblings");
        var siblings = new NamespacedNode[siblingCount];
        for (var i = 0; i < siblingCount; i++)
        {
            siblings[i] = NamespacedNode.Decode(ref reader);
        }

        return new NamespaceRangeProof((int)count, (int)start, (int)end, siblings);
    }

    public bool Equals(NamespaceRangeProof? other) =>
        other is not null && LeafCount == other.LeafCount && Start == other.Start && End == other.End
        && _siblings.AsSpan().SequenceEqual(other._siblings);

    public override bool Equals(object? obj) => Equals(obj as NamespaceRangeProof);

    public override int GetHashCode() => HashCode.Combine(LeafCount, Start, End, _siblings.Length);

    public override string ToString() => $"NamespaceRangeProof([{Start}, {End}) of {LeafCount}, {_siblings.Length} siblings)";
}

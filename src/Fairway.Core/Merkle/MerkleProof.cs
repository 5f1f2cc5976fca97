using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Core.Merkle;

/// <summary>
/// An inclusion proof: the leaf's position, the tree's size and the sibling hashes from the leaf up, one per level
/// where the path node has a sibling (a promoted lone node has none; see <see cref="MerkleTree"/>).
/// The constructor and the decoder accept the same shapes; whether the siblings fit the path is checked by
/// <see cref="Verify"/>, which answers false for any proof that does not match, never throwing.
/// </summary>
public sealed class MerkleProof : ICanonical, IEquatable<MerkleProof>
{
    public const byte Version = 1;

    /// <summary>Largest tree a proof may describe.</summary>
    public const int LeafCountMax = int.MaxValue;

    /// <summary>A path in a tree of at most <see cref="LeafCountMax"/> leaves has at most 31 siblings.</summary>
    public const int SiblingsMax = 31;

    private readonly Hash[] _siblings;

    public MerkleProof(int leafIndex, int leafCount, IReadOnlyList<Hash> siblings)
    {
        ArgumentNullException.ThrowIfNull(siblings);
        ArgumentOutOfRangeException.ThrowIfLessThan(leafCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(leafIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(leafIndex, leafCount);
        if (siblings.Count > SiblingsMax)
        {
            throw new ArgumentException($"at most {SiblingsMax} siblings, got {siblings.Count}", nameof(siblings));
        }

        LeafIndex = leafIndex;
        LeafCount = leafCount;
        _siblings = [.. siblings];
    }

    public int LeafIndex { get; }

    public int LeafCount { get; }

    public IReadOnlyList<Hash> Siblings => _siblings;

    /// <summary>True when <paramref name="leafHash"/> is leaf <see cref="LeafIndex"/> of the <see cref="LeafCount"/>-leaf tree with <paramref name="root"/>.</summary>
    public bool Verify(Hash root, Hash leafHash)
    {
        var node = leafHash;
        var index = LeafIndex;
        var width = LeafCount;
        var used = 0;
        while (width > 1)
        {
            var sibling = index ^ 1;
            if (sibling < width)
            {
                if (used == _siblings.Length)
                {
                    return false;
                }

                var s = _siblings[used++];
                node = (index & 1) == 0 ? MerkleTree.InnerHash(node, s) : MerkleTree.InnerHash(s, node);
            }

            index >>= 1;
            width = (width >> 1) + (width & 1);
        }

        return used == _siblings.Length && MerkleTree.RootOf(LeafCount, node) == root;
    }

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteU8(Version);
        writer.WriteU32((uint)LeafIndex);
        writer.WriteU32((uint)LeafCount);
        writer.WriteCount(_siblings.Length);
        foreach (var s in _siblings)
        {
            writer.WriteHash(s);
        }
    }

    public static MerkleProof Decode(ref CanonicalReader reader)
    {
        reader.ExpectVersion(Version, "merkle proof");
        var index = reader.ReadU32("merkle proof leaf index");
        var count = reader.ReadU32("merkle proof leaf count");
        if (count == 0 || count > LeafCountMax)
        {
            throw new EncodingException($"merkle proof: leaf count {count} outside 1..{LeafCountMax}");
        }

        if (index >= count)
        {
            throw new EncodingException($"merkle proof: leaf index {index} not below leaf count {count}");
        }

        var siblingCount = reader.ReadCount(SiblingsMax, "merkle proof siblings");
        var siblings = new Hash[siblingCount];
        for (var i = 0; i < siblingCount; i++)
        {
            siblings[i] = reader.ReadHash("merkle proof sibling");
        }

        return new MerkleProof((int)index, (int)count, siblings);
    }

    public bool Equals(MerkleProof? other) =>
        other is not null && LeafIndex == other.LeafIndex && LeafCount == other.LeafCount && _siblings.AsSpan().SequenceEqual(other._siblings);

    public override bool Equals(object? obj) => Equals(obj as MerkleProof);

    public override int GetHashCode() => HashCode.Combine(LeafIndex, LeafCount, _siblings.Length);

    public override string ToString() => $"MerkleProof(leaf {LeafIndex} of {LeafCount}, {_siblings.Length} siblings)";
}

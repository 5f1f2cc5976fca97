using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using Fairway.Core.Crypto;

namespace Fairway.Core.Merkle;

/// <summary>
/// A binary Merkle tree over SHA-256.
/// <para>
/// Hashes are domain separated so a leaf can never be passed off as an inner node or a root:
/// leaf = H(0x00 || data), inner = H(0x01 || left || right), root = H(0x02 || u64le(leafCount) || top).
/// </para>
/// <para>
/// Shape (RFC 6962): the top of n &gt; 1 leaves is inner(top(first k), top(rest)) where k is the largest power of two
/// below n; the top of one leaf is its leaf hash. Built bottom-up this is the same as pairing neighbours level by
/// level and promoting a lone last node unchanged to the next level, which is how it is computed here.
/// </para>
/// <para>
/// The root commits to the leaf count, so a proof cannot claim a leaf sits at another position of a tree of another
/// size with the same top. The empty tree's root is H(0x02 || u64le(0)), a constant (<see cref="EmptyRoot"/>).
/// </para>
/// </summary>
public static class MerkleTree
{
    public const byte LeafTag = 0x00;
    public const byte InnerTag = 0x01;
    public const byte RootTag = 0x02;

    private const int StackLeafBytesMax = 256;

    public static readonly Hash EmptyRoot = RootOf(0, Hash.Zero);

    /// <summary>H(0x00 || data): the hash of one leaf's contents.</summary>
    public static Hash LeafHash(ReadOnlySpan<byte> data)
    {
        var length = data.Length + 1;
        byte[]? rented = null;
        var buffer = length <= StackLeafBytesMax
            ? stackalloc byte[StackLeafBytesMax]
            : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            buffer[0] = LeafTag;
            data.CopyTo(buffer[1..]);
            return Hash.Compute(buffer[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>H(0x01 || left || right): the hash of an inner node.</summary>
    public static Hash InnerHash(Hash left, Hash right)
    {
        Span<byte> buffer = stackalloc byte[1 + (2 * Hash.Size)];
        buffer[0] = InnerTag;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + Hash.Size)..]);
        return Hash.Compute(buffer);
    }

    /// <summary>The root of a tree whose leaves have the given leaf hashes (see <see cref="LeafHash"/>).</summary>
    public static Hash ComputeRoot(IReadOnlyList<Hash> leafHashes)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        var count = leafHashes.Count;
        if (count == 0)
        {
            return EmptyRoot;
        }

        var rented = ArrayPool<byte>.Shared.Rent(checked(count * Hash.Size));
        try
        {
            var nodes = rented.AsSpan(0, count * Hash.Size);
            for (var i = 0; i < count; i++)
            {
                leafHashes[i].CopyTo(nodes.Slice(i * Hash.Size, Hash.Size));
            }

            var top = ReduceToTop(nodes, count, -1, null);
            return RootOf(count, top);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>A proof that leaf <paramref name="index"/> is in the tree of <paramref name="leafHashes"/>.</summary>
    public static MerkleProof CreateProof(IReadOnlyList<Hash> leafHashes, int index)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        var count = leafHashes.Count;
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);

        var rented = ArrayPool<byte>.Shared.Rent(checked(count * Hash.Size));
        try
        {
            var nodes = rented.AsSpan(0, count * Hash.Size);
            for (var i = 0; i < count; i++)
            {
                leafHashes[i].CopyTo(nodes.Slice(i * Hash.Size, Hash.Size));
            }

            var siblings = new List<Hash>(MerkleProof.SiblingsMax);
            ReduceToTop(nodes, count, index, siblings);
            return new MerkleProof(index, count, siblings);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The root for a tree of <paramref name="leafCount"/> leaves whose top node is <paramref name="top"/>.</summary>
    internal static Hash RootOf(long leafCount, Hash top)
    {
        Span<byte> buffer = stackalloc byte[1 + sizeof(ulong) + Hash.Size];
        buffer[0] = RootTag;
        BinaryPrimitives.WriteUInt64LittleEndian(buffer[1..], (ulong)leafCount);
        if (leafCount == 0)
        {
            return Hash.Compute(buffer[..(1 + sizeof(ulong))]);
        }

        top.CopyTo(buffer[(1 + sizeof(ulong))..]);
        return Hash.Compute(buffer);
    }

    /// <summary>
    /// Pairs neighbours level by level in place until one node is left, promoting a lone last node. When
    /// <paramref name="siblings"/> is given, records the sibling of the node on the path from leaf <paramref name="index"/>.
    /// </summary>
    private static Hash ReduceToTop(Span<byte> nodes, int count, int index, List<Hash>? siblings)
    {
        Span<byte> pair = stackalloc byte[1 + (2 * Hash.Size)];
        pair[0] = InnerTag;
        var width = count;
        while (width > 1)
        {
            if (siblings is not null)
            {
                var sibling = index ^ 1;
                if (sibling < width)
                {
                    siblings.Add(new Hash(nodes.Slice(sibling * Hash.Size, Hash.Size)));
                }

                index >>= 1;
            }

            var pairs = width >> 1;
            for (var i = 0; i < pairs; i++)
            {
                nodes.Slice(2 * i * Hash.Size, 2 * Hash.Size).CopyTo(pair[1..]);
                SHA256.HashData(pair, nodes.Slice(i * Hash.Size, Hash.Size));
            }

            if ((width & 1) == 1)
            {
                nodes.Slice((width - 1) * Hash.Size, Hash.Size).CopyTo(nodes.Slice(pairs * Hash.Size, Hash.Size));
            }

            width = pairs + (width & 1);
        }

        return new Hash(nodes[..Hash.Size]);
    }
}

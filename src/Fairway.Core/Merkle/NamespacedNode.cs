using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Core.Merkle;

/// <summary>
/// A node of a <see cref="NamespacedMerkleTree"/>: the smallest and largest namespace of the leaves below it and the
/// digest that commits to them. A leaf has <see cref="MinNamespace"/> == <see cref="MaxNamespace"/>.
/// </summary>
public readonly record struct NamespacedNode(ulong MinNamespace, ulong MaxNamespace, Hash Digest)
{
    /// <summary>Bytes of the canonical encoding: min, max (u64 little-endian each), digest.</summary>
    public const int EncodedSize = (2 * sizeof(ulong)) + Hash.Size;

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteU64(MinNamespace);
        writer.WriteU64(MaxNamespace);
        writer.WriteHash(Digest);
    }

    /// <summary>Reads a node; a node whose min exceeds its max describes no set of leaves and is refused.</summary>
    public static NamespacedNode Decode(ref CanonicalReader reader)
    {
        var min = reader.ReadU64("namespaced node min");
        var max = reader.ReadU64("namespaced node max");
        if (min > max)
        {
            throw new EncodingException($"namespaced node: min namespace {min} above max {max}");
        }

        return new NamespacedNode(min, max, reader.ReadHash("namespaced node digest"));
    }

    public override string ToString() => $"Node([{MinNamespace}..{MaxNamespace}], {Digest.ToHex()[..8]})";
}

/// <summary>One leaf of a <see cref="NamespacedMerkleTree"/>: a transaction's namespace and hash.</summary>
public readonly record struct NamespacedLeaf(ulong Namespace, Hash TransactionHash);

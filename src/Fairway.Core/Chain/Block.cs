using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Core.Chain;

/// <summary>
/// A proposed block. It certifies its parent through <see cref="Justify"/> (the parent is the block that QC names),
/// may carry the timeout certificate that let its round start, and orders batches by digest: consensus orders
/// references, and the transactions travel separately in batches.
/// </summary>
public sealed class Block : ICanonical
{
    public const byte Version = 1;

    private Hash? _hash;

    public Block(
        Hash chainId,
        ulong round,
        ulong height,
        ushort author,
        ulong timestampMs,
        QuorumCertificate justify,
        TimeoutCertificate? timeout,
        IReadOnlyList<Hash> batchDigests)
    {
        ArgumentNullException.ThrowIfNull(justify);
        ArgumentNullException.ThrowIfNull(batchDigests);
        // Copy so the block (and its cached hash) cannot change if the caller's list does later.
        var digests = batchDigests.ToArray();
        if (digests.Length > Limits.BatchDigestsPerBlockMax)
        {
            throw new ArgumentException($"at most {Limits.BatchDigestsPerBlockMax} batch digests per block", nameof(batchDigests));
        }

        ChainId = chainId;
        Round = round;
        Height = height;
        Author = author;
        TimestampMs = timestampMs;
        Justify = justify;
        Timeout = timeout;
        BatchDigests = digests;
    }

    public Hash ChainId { get; }

    public ulong Round { get; }

    public ulong Height { get; }

    public ushort Author { get; }

    public ulong TimestampMs { get; }

    /// <summary>The QC for the parent block.</summary>
    public QuorumCertificate Justify { get; }

    public TimeoutCertificate? Timeout { get; }

    public IReadOnlyList<Hash> BatchDigests { get; }

    public Hash ParentHash => Justify.BlockHash;

    public bool IsGenesis => Round == 0 && Height == 0;

    /// <summary>SHA-256 of the canonical encoding, computed once.</summary>
    public Hash Hash => _hash ??= Hash.Compute(Canonical.Encode(this));

    /// <summary>The block every chain starts from; it is the same on every node of the chain.</summary>
    public static Block Genesis(Hash chainId) =>
        new(chainId, 0, 0, 0, 0, new QuorumCertificate(0, Hash.Zero, []), null, []);

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteU8(Version);
        writer.WriteHash(ChainId);
        writer.WriteU64(Round);
        writer.WriteU64(Height);
        writer.WriteU16(Author);
        writer.WriteU64(TimestampMs);
        Justify.Encode(writer);
        writer.WriteBool(Timeout is not null);
        Timeout?.Encode(writer);
        writer.WriteCount(BatchDigests.Count);
        foreach (var d in BatchDigests)
        {
            writer.WriteHash(d);
        }
    }

    public static Block Decode(ref CanonicalReader reader)
    {
        reader.ExpectVersion(Version, "block");
        var chainId = reader.ReadHash("block chain id");
        var round = reader.ReadU64("block round");
        var height = reader.ReadU64("block height");
        var author = reader.ReadU16("block author");
        var timestamp = reader.ReadU64("block timestamp");
        var justify = QuorumCertificate.Decode(ref reader);
        var timeout = reader.ReadBool("block timeout flag") ? TimeoutCertificate.Decode(ref reader) : null;
        var count = reader.ReadCount(Limits.BatchDigestsPerBlockMax, "block batch digests");
        var digests = new Hash[count];
        for (var i = 0; i < count; i++)
        {
            digests[i] = reader.ReadHash("batch digest");
        }

        return new Block(chainId, round, height, author, timestamp, justify, timeout, digests);
    }

    public override string ToString() => $"Block(r{Round}, h{Height}, {Hash.ToHex()[..8]}, by {Author})";
}

namespace Fairway.Settlement;

/// <summary>
/// What validators sign for the light client: Fairway's output header hash at <see cref="Height"/>, chained to the
/// statement before it by <see cref="Parent"/> (that statement's digest; zero before the first). <see cref="Digest"/>
/// is the light client's <c>headerDigest</c>, computed here.
/// </summary>
public sealed record SettlementStatement(ulong Height, byte[] Parent, byte[] OutputHash, byte[] Digest)
{
    public const int HashSize = 32;

    public static SettlementStatement Create(SettlementDomain domain, ulong height, byte[] parent, byte[] outputHash)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(outputHash);
        if (parent.Length != HashSize || outputHash.Length != HashSize)
        {
            throw new ArgumentException("a statement's parent and output hash are 32 bytes each");
        }

        return new SettlementStatement(height, parent, outputHash, SettlementDigests.Header(domain.L1ChainId, domain.LightClient, height, parent, outputHash));
    }

    public string DigestHex => Convert.ToHexStringLower(Digest);
}

/// <summary>
/// The L1 chain and light client whose digests a validator signs, and how often: a height gets a statement once
/// <see cref="Interval"/> heights or (when <see cref="IntervalMs"/> is set) that many milliseconds of block time have
/// passed since the last statement. Both count on the committed chain alone (heights and block timestamps), so every
/// validator makes the same chain of statements.
/// </summary>
public sealed record SettlementDomain(System.Numerics.BigInteger L1ChainId, string LightClient, ulong Interval, ulong IntervalMs = 0)
{
    /// <summary>Whether a height can carry a statement at all: with the time rule any height can, without it the multiples of the interval.</summary>
    public bool IsStatementHeight(ulong height) => height > 0 && (IntervalMs > 0 || height % Interval == 0);

    /// <summary>
    /// Whether the height after the last statement (<paramref name="lastHeight"/>, whose block time was
    /// <paramref name="lastTimestampMs"/>) is due its own: <see cref="Interval"/> heights on, or <see cref="IntervalMs"/>
    /// of block time later.
    /// </summary>
    public bool IsDue(ulong lastHeight, ulong lastTimestampMs, ulong height, ulong timestampMs) =>
        height > lastHeight
        && (height - lastHeight >= Interval || (IntervalMs > 0 && timestampMs >= lastTimestampMs && timestampMs - lastTimestampMs >= IntervalMs));
}

/// <summary>A settlement signature by one settlement key on one statement, as validators gossip them.</summary>
public sealed record Attestation(ulong Height, byte[] Parent, byte[] OutputHash, byte[] Signature)
{
    public const int SignatureSize = SettlementKey.SignatureSize;
}

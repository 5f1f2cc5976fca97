using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Core.Chain;

/// <summary>
/// Transactions for several namespaces that land in one output, each namespace's part contiguous and in the given
/// order, or not at all. A bundle travels as one <see cref="Carrier"/> transaction in
/// <see cref="SystemNamespaces.Bundle"/>, so the mempool, the batches, the fair lane's lists and de-duplication all
/// handle it as one unit without knowing what it holds; only the ordering stage opens it. Its hash is the carrier's.
/// <para>The carrier's payload: version (u8), leg count (u32), then each leg's canonical transaction encoding back to
/// back, so every leg's encoding is a contiguous byte range inside its batch, as a plain transaction's is.</para>
/// </summary>
public sealed class Bundle
{
    public const byte Version = 1;

    /// <summary>Most legs one bundle may hold.</summary>
    public const int LegsMax = 16;

    /// <summary>Bytes of the carrier payload before the first leg: version and count.</summary>
    public const int LegsOffset = 1 + sizeof(uint);

    private Bundle(IReadOnlyList<Transaction> legs, Transaction carrier)
    {
        Legs = legs;
        Carrier = carrier;
    }

    /// <summary>The legs in the given order; each is an ordinary transaction of its namespace.</summary>
    public IReadOnlyList<Transaction> Legs { get; }

    /// <summary>The one transaction that carries the bundle through the mempool, a batch and the fair lane.</summary>
    public Transaction Carrier { get; }

    /// <summary>The bundle's hash: its carrier's. Two submissions of the same legs in the same order are one bundle.</summary>
    public Hash Hash => Carrier.Hash;

    /// <summary>The bundle of these legs, or the first rule they break (<see cref="Check"/>) as an <see cref="ArgumentException"/>.</summary>
    public static Bundle Create(IReadOnlyList<Transaction> legs)
    {
        ArgumentNullException.ThrowIfNull(legs);
        if (Check(legs) is { } error)
        {
            throw new ArgumentException(error.Message, nameof(legs));
        }

        var size = LegsOffset;
        foreach (var leg in legs)
        {
            size += leg.EncodedSize;
        }

        if (size > Limits.TransactionPayloadBytesMax)
        {
            throw new ArgumentException($"a bundle's legs take {size} bytes encoded; at most {Limits.TransactionPayloadBytesMax}", nameof(legs));
        }

        var writer = new CanonicalWriter(size);
        writer.WriteU8(Version);
        writer.WriteCount(legs.Count);
        foreach (var leg in legs)
        {
            leg.Encode(writer);
        }

        return new Bundle([.. legs], new Transaction(SystemNamespaces.Bundle, writer.ToArray()));
    }

    /// <summary>Why <paramref name="count"/> legs cannot be a bundle, or null: checked before any leg is read.</summary>
    public static BundleError? CheckCount(int count) =>
        count == 0 ? new BundleError("empty_bundle", "a bundle has at least one leg")
        : count > LegsMax ? new BundleError("too_many_legs", $"a bundle has at most {LegsMax} legs, got {count}")
        : null;

    /// <summary>The first rule <paramref name="legs"/> break, with a code for the API, or null.</summary>
    public static BundleError? Check(IReadOnlyList<Transaction> legs)
    {
        ArgumentNullException.ThrowIfNull(legs);
        if (CheckCount(legs.Count) is { } wrongCount)
        {
            return wrongCount;
        }

        var seen = new HashSet<Hash>();
        for (var i = 0; i < legs.Count; i++)
        {
            if (SystemNamespaces.IsReserved(legs[i].Namespace))
            {
                return new BundleError("reserved_namespace", $"leg {i}: namespaces from {SystemNamespaces.First} up are the chain's own");
            }

            if (!seen.Add(legs[i].Hash))
            {
                return new BundleError("duplicate_leg", $"leg {i} is the same transaction (namespace and payload) as an earlier leg");
            }
        }

        return null;
    }

    /// <summary>
    /// The bundle a carrier holds, or null when it is not a carrier or breaks a rule: such a carrier is dropped whole by
    /// the ordering stage, whoever put it in a batch.
    /// </summary>
    public static Bundle? TryOpen(Transaction carrier)
    {
        ArgumentNullException.ThrowIfNull(carrier);
        if (carrier.Namespace != SystemNamespaces.Bundle)
        {
            return null;
        }

        var reader = new CanonicalReader(carrier.Payload.Span);
        try
        {
            reader.ExpectVersion(Version, "bundle");
            var count = reader.ReadCount(LegsMax, "bundle legs");
            var legs = new Transaction[count];
            for (var i = 0; i < count; i++)
            {
                legs[i] = Transaction.Decode(ref reader);
            }

            reader.EnsureEnd("bundle");
            return Check(legs) is null ? new Bundle(legs, carrier) : null;
        }
        catch (EncodingException)
        {
            return null;
        }
    }

    /// <summary>Where leg <paramref name="leg"/>'s encoding starts inside the carrier's canonical encoding.</summary>
    public int LegOffsetInCarrier(int leg)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(leg);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(leg, Legs.Count);
        var offset = Carrier.EncodedSize - Carrier.Payload.Length + LegsOffset;
        for (var i = 0; i < leg; i++)
        {
            offset += Legs[i].EncodedSize;
        }

        return offset;
    }

    public override string ToString() => $"Bundle({Legs.Count} legs, {Hash.ToHex()[..8]})";
}

/// <summary>Why legs are not a bundle: a stable code for the API and a message for people.</summary>
public sealed record BundleError(string Code, string Message);

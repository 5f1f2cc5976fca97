using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Rollups.Accounts;

namespace Fairway.Rollups.Oracle;

/// <summary>The oracle rollup's kinds of <see cref="RollupTransaction"/>.</summary>
public static class OracleKind
{
    /// <summary>Body: u64 price in micro-USD per unit, u64 timestamp in ms (strictly above the last one).</summary>
    public const byte PriceUpdate = 1;
}

/// <summary>
/// The oracle rollup: one configured feeder publishes the price of the underlying with a timestamp. Its timestamp is
/// the demo rollups' clock (executors do not see block times), so perpetual funding and option expiries run on it.
/// Nobody else has an account here: anyone else's transactions are skipped, so the state never grows.
/// </summary>
public sealed class OracleState(ulong @namespace, PublicKey feeder) : IRollupState
{
    /// <summary>Prices above this (10^7 USD) are refused, so every product downstream stays far inside 128 bits.</summary>
    public const ulong PriceMax = 10_000_000_000_000;

    public ulong Namespace { get; } = @namespace;

    public PublicKey Feeder { get; } = feeder;

    /// <summary>The last price, micro-USD per unit; 0 before the first update.</summary>
    public ulong Price { get; private set; }

    /// <summary>The last update's timestamp in ms: the rollups' clock.</summary>
    public ulong Timestamp { get; private set; }

    public ulong UpdateCount { get; private set; }

    /// <summary>The nonce the feeder's next transaction must carry.</summary>
    public ulong FeederNonce { get; private set; }

    public RollupReceipt Apply(ReadOnlySpan<byte> payload, ISignatureVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        if (RollupTransaction.TryDecode(payload) is not { } tx)
        {
            return RollupReceipt.Skipped("not an oracle transaction");
        }

        if (tx.Sender != Feeder)
        {
            return RollupReceipt.Skipped("not the feeder");
        }

        if (Admission.Check(tx, Namespace, verifier, FeederNonce) is { } skipped)
        {
            return skipped;
        }

        FeederNonce++;
        try
        {
            return tx.Kind switch
            {
                OracleKind.PriceUpdate => Update(tx.Body),
                _ => RollupReceipt.Failed($"unknown kind {tx.Kind}"),
            };
        }
        catch (EncodingException e)
        {
            return RollupReceipt.Failed($"malformed body: {e.Message}");
        }
    }

    public static byte[] PriceUpdateBody(ulong price, ulong timestamp)
    {
        var writer = new CanonicalWriter(16);
        writer.WriteU64(price);
        writer.WriteU64(timestamp);
        return writer.ToArray();
    }

    public Hash StateRoot() => Hash.Compute(Encode());

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(StateDomain.Length + 8 + PublicKey.Size + 32);
        writer.WriteRaw(StateDomain);
        writer.WriteU64(Namespace);
        writer.WritePublicKey(Feeder);
        writer.WriteU64(Price);
        writer.WriteU64(Timestamp);
        writer.WriteU64(UpdateCount);
        writer.WriteU64(FeederNonce);
        return writer.ToArray();
    }

    /// <summary>A state from <see cref="Encode"/>; anything malformed throws <see cref="EncodingException"/>.</summary>
    public static OracleState Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = Admission.OpenState(bytes, StateDomain, "an oracle rollup state");
        var state = new OracleState(reader.ReadU64("namespace"), reader.ReadPublicKey("feeder"))
        {
            Price = reader.ReadU64("price"),
            Timestamp = reader.ReadU64("timestamp"),
            UpdateCount = reader.ReadU64("update count"),
            FeederNonce = reader.ReadU64("feeder nonce"),
        };
        reader.EnsureEnd("oracle rollup state");
        return state;
    }

    private static ReadOnlySpan<byte> StateDomain => "fairway/rollup/oracle/state/v1"u8;

    private RollupReceipt Update(byte[] body)
    {
        var reader = new CanonicalReader(body);
        var price = reader.ReadU64("price");
        var timestamp = reader.ReadU64("timestamp");
        reader.EnsureEnd("price update body");
        if (price == 0 || price > PriceMax)
        {
            return RollupReceipt.Failed($"price {price}: it must be above 0 and at most {PriceMax}");
        }

        if (UpdateCount > 0 && timestamp <= Timestamp)
        {
            return RollupReceipt.Failed($"timestamp {timestamp} is not after the last one, {Timestamp}");
        }

        Price = price;
        Timestamp = timestamp;
        UpdateCount++;
        return RollupReceipt.Applied(price);
    }
}

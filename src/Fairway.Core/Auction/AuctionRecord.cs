using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Core.Auction;

/// <summary>The kinds of <see cref="AuctionRecord"/>.</summary>
public enum AuctionRecordKind : byte
{
    /// <summary>At an epoch's first height: the auction for the epoch is decided; the winner's price moves from its deposit into the rebate pool.</summary>
    Result = 1,

    /// <summary>At the first height after an epoch with a winner: the pool is paid out, each share to its user.</summary>
    Settlement = 2,
}

/// <summary>One user's part of a settlement: <see cref="Amount"/> in the rollup's unit.</summary>
public readonly record struct RebateShare(PublicKey User, ulong Amount);

/// <summary>
/// A record the ordering stage itself writes into an <c>auction</c> namespace's output: never submitted by anyone, and
/// the stage drops every submitted transaction of such a namespace whose payload starts with <see cref="Magic"/>, so a
/// rollup can trust a payload with that prefix in its stream to be the chain's. Two kinds:
/// <list type="bullet">
/// <item><see cref="AuctionRecordKind.Result"/>: the express lane of <see cref="Epoch"/> goes to <see cref="Winner"/>
/// (none: no valid bid) at <see cref="Price"/>; the rollup moves the price from the winner's auction deposit into its
/// rebate pool.</item>
/// <item><see cref="AuctionRecordKind.Settlement"/>: the price the lane of <see cref="Epoch"/> sold for, paid from the
/// pool to <see cref="Shares"/> (they add up to exactly <see cref="Price"/>).</item>
/// </list>
/// </summary>
public sealed record AuctionRecord(
    AuctionRecordKind Kind, ulong Namespace, ulong Epoch, PublicKey? Winner, ulong Price, int BidsCounted, int BidsValid, IReadOnlyList<RebateShare> Shares)
{
    /// <summary>The payload prefix of every record: "FWAR", then 0xFF (no rollup transaction of ours starts with it).</summary>
    public static ReadOnlySpan<byte> Magic => [0x46, 0x57, 0x41, 0x52, 0xFF];

    public const byte Version = 1;

    /// <summary>Shares one settlement pays at most: a 128 KiB payload holds them with room to spare.</summary>
    public const int SharesMax = 2_048;

    public static AuctionRecord Result(ulong @namespace, ulong epoch, PublicKey? winner, ulong price, int bidsCounted, int bidsValid) =>
        new(AuctionRecordKind.Result, @namespace, epoch, winner, winner is null ? 0 : price, bidsCounted, bidsValid, []);

    public static AuctionRecord Settlement(ulong @namespace, ulong epoch, PublicKey payer, ulong price, IReadOnlyList<RebateShare> shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        var sum = shares.Aggregate(UInt128.Zero, (s, r) => s + r.Amount);
        if (shares.Count > SharesMax || sum != price)
        {
            throw new ArgumentException($"a settlement pays at most {SharesMax} shares adding up to its price {price} (got {shares.Count} adding up to {sum})", nameof(shares));
        }

        return new(AuctionRecordKind.Settlement, @namespace, epoch, payer, price, 0, 0, [.. shares]);
    }

    /// <summary>True when <paramref name="payload"/> has the record prefix: a record, or a forgery the stage drops.</summary>
    public static bool HasMagic(ReadOnlySpan<byte> payload) => payload.StartsWith(Magic);

    public Transaction ToTransaction() => new(Namespace, Encode());

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(64 + PublicKey.Size + (Shares.Count * (PublicKey.Size + 8)));
        writer.WriteRaw(Magic);
        writer.WriteU8(Version);
        writer.WriteU8((byte)Kind);
        writer.WriteU64(Namespace);
        writer.WriteU64(Epoch);
        writer.WriteU8(Winner is null ? (byte)0 : (byte)1);
        if (Winner is { } winner)
        {
            writer.WritePublicKey(winner);
        }

        writer.WriteU64(Price);
        writer.WriteU32((uint)BidsCounted);
        writer.WriteU32((uint)BidsValid);
        writer.WriteCount(Shares.Count);
        foreach (var share in Shares)
        {
            writer.WritePublicKey(share.User);
            writer.WriteU64(share.Amount);
        }

        return writer.ToArray();
    }

    /// <summary>The record a payload holds, or null when it is none (no prefix, or malformed).</summary>
    public static AuctionRecord? TryDecode(ReadOnlySpan<byte> payload)
    {
        if (!HasMagic(payload))
        {
            return null;
        }

        try
        {
            var reader = new CanonicalReader(payload[Magic.Length..]);
            reader.ExpectVersion(Version, "auction record");
            var kind = (AuctionRecordKind)reader.ReadU8("auction record kind");
            if (kind is not (AuctionRecordKind.Result or AuctionRecordKind.Settlement))
            {
                return null;
            }

            var ns = reader.ReadU64("record namespace");
            var epoch = reader.ReadU64("record epoch");
            PublicKey? winner = reader.ReadU8("record has winner") switch
            {
                0 => null,
                1 => reader.ReadPublicKey("record winner"),
                _ => throw new EncodingException("auction record: the winner flag is neither 0 nor 1"),
            };
            var price = reader.ReadU64("record price");
            var counted = reader.ReadU32("record bids counted");
            var valid = reader.ReadU32("record bids valid");
            var count = reader.ReadCount(SharesMax, "record shares");
            var shares = new RebateShare[count];
            for (var i = 0; i < count; i++)
            {
                shares[i] = new RebateShare(reader.ReadPublicKey("share user"), reader.ReadU64("share amount"));
            }

            reader.EnsureEnd("auction record");
            if (counted > int.MaxValue || valid > counted)
            {
                return null;
            }

            var record = new AuctionRecord(kind, ns, epoch, winner, price, (int)counted, (int)valid, shares);
            var sum = shares.Aggregate(UInt128.Zero, (s, r) => s + r.Amount);
            return kind == AuctionRecordKind.Settlement && (winner is null || sum != price) ? null
                : kind == AuctionRecordKind.Result && (shares.Length > 0 || (winner is null && price != 0)) ? null
                : record;
        }
        catch (EncodingException)
        {
            return null;
        }
    }
}

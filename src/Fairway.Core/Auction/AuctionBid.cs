using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Core.Auction;

/// <summary>
/// A sealed bid's plaintext: <see cref="Bidder"/> offers <see cref="Amount"/> (in the rollup's unit) for the express
/// lane of <see cref="Namespace"/> in auction epoch <see cref="Epoch"/>, signed by the bidder. It travels encrypted
/// through the encrypted lane during the epoch before, so nobody (validators included) reads it before bidding closes.
/// </summary>
public sealed record AuctionBid(ulong Namespace, ulong Epoch, PublicKey Bidder, ulong Amount, Signature Signature)
{
    public const byte Version = 1;

    /// <summary>Bytes of an encoded bid.</summary>
    public const int EncodedSize = 1 + 8 + 8 + PublicKey.Size + 8 + Signature.Size;

    public static AuctionBid Sign(Hash chainId, ulong @namespace, ulong epoch, ulong amount, ISigner bidder)
    {
        ArgumentNullException.ThrowIfNull(bidder);
        return new AuctionBid(@namespace, epoch, bidder.PublicKey, amount, bidder.Sign(SigningDomain.AuctionBidMessage(chainId, @namespace, epoch, amount)));
    }

    public bool HasValidSignature(Hash chainId, ISignatureVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        return verifier.Verify(Bidder, SigningDomain.AuctionBidMessage(chainId, Namespace, Epoch, Amount), Signature);
    }

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(EncodedSize);
        writer.WriteU8(Version);
        writer.WriteU64(Namespace);
        writer.WriteU64(Epoch);
        writer.WritePublicKey(Bidder);
        writer.WriteU64(Amount);
        writer.WriteSignature(Signature);
        return writer.ToArray();
    }

    /// <summary>The bid a revealed plaintext holds, or null: anything else in the bid lane is not a bid and counts for nothing.</summary>
    public static AuctionBid? TryDecode(ReadOnlySpan<byte> plaintext)
    {
        try
        {
            var reader = new CanonicalReader(plaintext);
            reader.ExpectVersion(Version, "auction bid");
            var bid = new AuctionBid(
                reader.ReadU64("bid namespace"), reader.ReadU64("bid epoch"), reader.ReadPublicKey("bidder"), reader.ReadU64("bid amount"),
                reader.ReadSignature("bid signature"));
            reader.EnsureEnd("auction bid");
            return bid;
        }
        catch (EncodingException)
        {
            return null;
        }
    }
}

using Fairway.Core.Auction;
using Fairway.Core.Crypto;

namespace Fairway.Ordering.Auction;

/// <summary>Why a bid did not count.</summary>
public enum BidRefusal
{
    None,
    BadSignature,
    WrongAuction,
    BelowReserve,
    AboveDeposit,
    Outbid,
}

/// <summary>One bid as the auction saw it: the bid, the hash of the transaction that carried it, and why it did not count (or <see cref="BidRefusal.None"/>).</summary>
public sealed record CountedBid(AuctionBid Bid, Hash Carrier, BidRefusal Refusal);

/// <summary>
/// An auction's outcome: the express lane of <see cref="Namespace"/> in <see cref="Epoch"/> goes to <see cref="Winner"/>
/// (null: no valid bid, the lane stays closed and the namespace is ordered as <c>fair</c>), who pays <see cref="Price"/>.
/// </summary>
public sealed record AuctionResult(ulong Namespace, ulong Epoch, PublicKey? Winner, ulong Price, int BidsCounted, int BidsValid, IReadOnlyList<CountedBid> Bids);

/// <summary>
/// The sealed-bid second-price rule, a pure function of the revealed bids. A bid counts when its signature is the
/// bidder's, it names this auction, it is at least the reserve price and at most the bidder's deposit; of one bidder's
/// counting bids only the highest stays (an earlier one at the same amount wins over a later). The highest wins; a tie
/// goes to the bid whose carrier hash, hashed with the tie-break seed (fixed before the bids were revealed and chosen by
/// no one: the hash of the certificate of the block that closes bidding), is lowest. The winner pays the highest
/// counting bid of another bidder, or the reserve price when it is alone.
/// </summary>
public static class AuctionRule
{
    /// <summary>Bids one auction looks at, at most: the rest (in commit order) are not read, so a flood costs nothing to decide.</summary>
    public const int BidsMax = 4_096;

    /// <param name="signatureChecked">Whether a bid's signature verified, when the caller checked it already (as bids are
    /// revealed, so the deciding height does not check thousands at once); null to check here.</param>
    public static AuctionResult Decide(
        Hash chainId, ulong @namespace, ulong epoch, ulong reservePrice, IReadOnlyList<(AuctionBid Bid, Hash Carrier)> bidsInCommitOrder,
        Func<PublicKey, ulong> depositOf, Hash tieBreakSeed, ISignatureVerifier verifier, Func<AuctionBid, bool>? signatureChecked = null)
    {
        ArgumentNullException.ThrowIfNull(bidsInCommitOrder);
        ArgumentNullException.ThrowIfNull(depositOf);
        ArgumentNullException.ThrowIfNull(verifier);
        var counted = new List<CountedBid>();
        var best = new Dictionary<PublicKey, int>();
        foreach (var (bid, carrier) in bidsInCommitOrder.Take(BidsMax))
        {
            var refusal = !(signatureChecked?.Invoke(bid) ?? bid.HasValidSignature(chainId, verifier)) ? BidRefusal.BadSignature
                : bid.Namespace != @namespace || bid.Epoch != epoch ? BidRefusal.WrongAuction
                : bid.Amount < reservePrice ? BidRefusal.BelowReserve
                : bid.Amount > depositOf(bid.Bidder) ? BidRefusal.AboveDeposit
                : BidRefusal.None;
            if (refusal == BidRefusal.None && best.TryGetValue(bid.Bidder, out var held))
            {
                if (counted[held].Bid.Amount >= bid.Amount)
                {
                    refusal = BidRefusal.Outbid;
                }
                else
                {
                    counted[held] = counted[held] with { Refusal = BidRefusal.Outbid };
                }
            }

            if (refusal == BidRefusal.None)
            {
                best[bid.Bidder] = counted.Count;
            }

            counted.Add(new CountedBid(bid, carrier, refusal));
        }

        var valid = counted.Where(c => c.Refusal == BidRefusal.None)
            .OrderByDescending(c => c.Bid.Amount)
            .ThenBy(c => TieBreak(tieBreakSeed, c.Carrier))
            .ToList();
        if (valid.Count == 0)
        {
            return new AuctionResult(@namespace, epoch, null, 0, counted.Count, 0, counted);
        }

        var price = valid.Count > 1 ? valid[1].Bid.Amount : reservePrice;
        return new AuctionResult(@namespace, epoch, valid[0].Bid.Bidder, price, counted.Count, valid.Count, counted);
    }

    private static Hash TieBreak(Hash seed, Hash carrier)
    {
        Span<byte> both = stackalloc byte[2 * Hash.Size];
        seed.CopyTo(both);
        carrier.CopyTo(both[Hash.Size..]);
        return Hash.Compute(both);
    }
}

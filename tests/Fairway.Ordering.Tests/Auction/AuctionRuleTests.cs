using Fairway.Core.Auction;
using Fairway.Core.Crypto;
using Fairway.Crypto;
using Fairway.Ordering.Auction;

namespace Fairway.Ordering.Tests.Auction;

/// The sealed-bid second-price rule: winner, price, reserve, ties, deposits, late and wrong bids.
public class AuctionRuleTests
{
    private static readonly Hash ChainId = Hash.Compute("auction rule"u8);
    private static readonly Ed25519Signer[] Bidders = [.. Enumerable.Range(0, 4).Select(i => Ed25519Signer.FromSeedPhrase($"bidder-{i}"))];
    private static readonly Hash Seed = Hash.Compute("closing certificate"u8);
    private const ulong Ns = 42;
    private const ulong Epoch = 7;
    private const ulong Reserve = 100;

    private static (AuctionBid, Hash) Bid(int bidder, ulong amount, ulong epoch = Epoch, ulong ns = Ns)
    {
        var bid = AuctionBid.Sign(ChainId, ns, epoch, amount, Bidders[bidder]);
        return (bid, Hash.Compute(bid.Encode()));
    }

    private static AuctionResult Decide(ulong deposit, params (AuctionBid, Hash)[] bids) =>
        AuctionRule.Decide(ChainId, Ns, Epoch, Reserve, bids, _ => deposit, Seed, Ed25519Verifier.Instance);

    [Fact]
    public void The_highest_bid_wins_and_pays_the_second_highest()
    {
        var result = Decide(10_000, Bid(0, 500), Bid(1, 900), Bid(2, 700));
        Assert.Equal(Bidders[1].PublicKey, result.Winner);
        Assert.Equal(700UL, result.Price);
        Assert.Equal((3, 3), (result.BidsCounted, result.BidsValid));
    }

    [Fact]
    public void A_lone_bid_pays_the_reserve_and_one_below_it_does_not_count()
    {
        var alone = Decide(10_000, Bid(0, 500));
        Assert.Equal((Bidders[0].PublicKey, Reserve), (alone.Winner!.Value, alone.Price));

        var below = Decide(10_000, Bid(0, Reserve - 1));
        Assert.Null(below.Winner);
        Assert.Equal(BidRefusal.BelowReserve, below.Bids[0].Refusal);
        // At the reserve exactly it counts (the control).
        Assert.Equal(Bidders[0].PublicKey, Decide(10_000, Bid(0, Reserve)).Winner);
    }

    [Fact]
    public void A_bid_above_the_bidders_deposit_is_invalid()
    {
        var result = AuctionRule.Decide(
            ChainId, Ns, Epoch, Reserve, [Bid(0, 5_000), Bid(1, 900)], key => key == Bidders[0].PublicKey ? 1_000UL : 10_000UL, Seed, Ed25519Verifier.Instance);
        Assert.Equal(Bidders[1].PublicKey, result.Winner);
        Assert.Equal(Reserve, result.Price);
        Assert.Equal(BidRefusal.AboveDeposit, result.Bids[0].Refusal);
    }

    [Fact]
    public void Bids_for_another_auction_or_with_a_bad_signature_do_not_count()
    {
        var (honest, carrier) = Bid(0, 500);
        var forged = honest with { Amount = 5_000 };
        var result = Decide(10_000, (forged, carrier), Bid(1, 800, epoch: Epoch + 1), Bid(2, 800, ns: Ns + 1), Bid(3, 300));
        Assert.Equal(Bidders[3].PublicKey, result.Winner);
        Assert.Equal([BidRefusal.BadSignature, BidRefusal.WrongAuction, BidRefusal.WrongAuction, BidRefusal.None], result.Bids.Select(b => b.Refusal));
    }

    [Fact]
    public void A_bidders_highest_bid_stands_and_it_does_not_set_its_own_price()
    {
        var result = Decide(10_000, Bid(0, 500), Bid(0, 900), Bid(1, 600));
        Assert.Equal(Bidders[0].PublicKey, result.Winner);
        Assert.Equal(600UL, result.Price);
        Assert.Equal(BidRefusal.Outbid, result.Bids[0].Refusal);
    }

    [Fact]
    public void A_tie_is_broken_by_a_hash_no_bidder_chooses_and_the_same_inputs_always_decide_alike()
    {
        var a = Bid(0, 800);
        var b = Bid(1, 800);
        var one = Decide(10_000, a, b);
        var other = Decide(10_000, b, a);
        Assert.Equal(one.Winner, other.Winner);
        Assert.Equal(800UL, one.Price);
        // Another seed may pick the other bidder: over a few seeds both win sometimes, so the order of arrival does not decide.
        var winners = Enumerable.Range(0, 16).Select(i => AuctionRule.Decide(
            ChainId, Ns, Epoch, Reserve, [a, b], _ => 10_000, Hash.Compute(BitConverter.GetBytes(i)), Ed25519Verifier.Instance).Winner).Distinct().Count();
        Assert.Equal(2, winners);
    }

    [Fact]
    public void No_valid_bid_leaves_the_lane_closed()
    {
        var result = Decide(10_000);
        Assert.Null(result.Winner);
        Assert.Equal(0UL, result.Price);
    }

    [Fact]
    public void A_bid_round_trips_and_garbage_is_no_bid()
    {
        var (bid, _) = Bid(2, 1_234);
        Assert.Equal(bid, AuctionBid.TryDecode(bid.Encode()));
        Assert.Null(AuctionBid.TryDecode("not a bid"u8));
        Assert.Null(AuctionBid.TryDecode([.. bid.Encode(), 0]));
    }
}

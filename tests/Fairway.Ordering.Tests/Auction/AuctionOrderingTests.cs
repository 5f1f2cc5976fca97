using Fairway.Core.Auction;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Inclusion;
using Fairway.Core.Output;
using Fairway.Core.Validators;
using Fairway.Crypto;
using Fairway.Ordering.Auction;
using Fairway.Ordering.Output;

namespace Fairway.Ordering.Tests.Auction;

/// <summary>The express-lane auction as the ordering stage runs it, over fair blocks built by hand.</summary>
public class AuctionOrderingTests
{
    private const ulong Ns = 5;
    private static readonly Hash ChainId = Hash.Compute("auction ordering tests"u8);
    private static readonly Ed25519Signer[] Signers = [.. Enumerable.Range(0, 4).Select(i => Ed25519Signer.FromSeedPhrase($"auction-stage-{i}"))];
    private static readonly ValidatorSet Four = new(Signers.Select((s, i) => new Validator($"v{i}", s.PublicKey, 1)));
    private static readonly Ed25519Signer Alice = Ed25519Signer.FromSeedPhrase("alice");
    private static readonly Ed25519Signer Bob = Ed25519Signer.FromSeedPhrase("bob");
    private static readonly Ed25519Signer Carol = Ed25519Signer.FromSeedPhrase("carol");
    private static readonly Ed25519Signer Dave = Ed25519Signer.FromSeedPhrase("dave");

    /// <summary>Namespace 5 sells its lane every second, reserve 10; the rest is fcfs.</summary>
    private static readonly NamespaceRegistry Registry = new(
        FcfsPolicy.Instance, [new NamespaceDeclaration(Ns, "auctioned", new AuctionPolicy(new AuctionSettings(1_000, 10, null)))]);

    /// <summary>A rollup view: deposits by key; a payload "k:name:..." belongs to the key whose seed phrase is name.</summary>
    private sealed class View(Dictionary<PublicKey, ulong> deposits) : IAuctionView
    {
        public int Applied { get; private set; }

        public void Apply(BlockOutput output) => Applied++;

        public ulong DepositOf(PublicKey bidder) => deposits.GetValueOrDefault(bidder);

        public PublicKey? UserOf(ReadOnlySpan<byte> payload)
        {
            var text = System.Text.Encoding.UTF8.GetString(payload);
            return text.StartsWith("k:", StringComparison.Ordinal) ? Ed25519Signer.FromSeedPhrase(text.Split(':')[1]).PublicKey : null;
        }
    }

    private static OrderingStage NewStage() => new(
        ChainId, Registry, Four, Ed25519Verifier.Instance,
        ns => ns == Ns ? new View(new() { [Alice.PublicKey] = 1_000, [Bob.PublicKey] = 1_000, [Carol.PublicKey] = 150 }) : null);

    private static Transaction Tx(ulong ns, string payload) => new(ns, System.Text.Encoding.UTF8.GetBytes(payload));

    private static Transaction Bid(Ed25519Signer bidder, ulong epoch, ulong amount) =>
        new(SystemNamespaces.AuctionBids, AuctionBid.Sign(ChainId, Ns, epoch, amount, bidder).Encode());

    private static Transaction Bundle(Ed25519Signer controller, ulong epoch, ulong sequence, params string[] payloads) =>
        PriorityBundle.Sign(ChainId, Ns, epoch, sequence, [.. payloads.Select(p => Tx(Ns, p))], controller).ToTransaction();

    /// <summary>Height <paramref name="height"/> at <paramref name="timestampMs"/>, its transactions in one batch, all listed by three validators.</summary>
    private static (Block Block, Batch Batch) Height(ulong height, ulong timestampMs, params Transaction[] transactions)
    {
        var batch = new Batch(ChainId, 0, height, transactions);
        var round = height + 3;
        var lists = Enumerable.Range(0, 3)
            .Select(v => CandidateList.Sign(
                ChainId, round, (ushort)v, 10_000, 0, transactions.Select((t, i) => new CandidateEntry(t.Hash, (ulong)(i + 1), Hash.Zero)), Signers[v]))
            .ToArray();
        var block = new Block(ChainId, round, height, 0, timestampMs, new QuorumCertificate(round - 1, Hash.Compute("parent"u8), []), null,
            [batch.Digest], [], lists);
        return (block, batch);
    }

    private static (BlockOutput Output, OrderingState Next) OrderAndApply(OrderingStage stage, (Block Block, Batch Batch) h, OrderingState previous)
    {
        var (output, next) = stage.Order(h.Block, [h.Batch], previous);
        stage.OnOutput(h.Block, output);
        return (output, next);
    }

    private static List<AuctionRecord> Records(BlockOutput output) =>
        [.. output.Transactions.Where(t => t.Namespace == Ns).Select(t => AuctionRecord.TryDecode(t.Payload.Span)).OfType<AuctionRecord>()];

    private static List<string> Texts(BlockOutput output) =>
        [.. output.Transactions.Where(t => t.Namespace == Ns && !AuctionRecord.HasMagic(t.Payload.Span)).Select(t => System.Text.Encoding.UTF8.GetString(t.Payload.Span))];

    [Fact]
    public void An_epoch_sells_its_lane_to_the_highest_bid_at_the_second_price_and_the_winner_bundles_lead_and_the_price_returns_to_users()
    {
        var stage = NewStage();

        // Epoch 0: bids for epoch 1 (Carol's is above her deposit); a forged record in the namespace is dropped.
        var forged = new Transaction(Ns, AuctionRecord.Result(Ns, 1, Dave.PublicKey, 1, 1, 1).Encode());
        var height1 = Height(1, 500, Bid(Alice, 1, 100), Bid(Bob, 1, 80), Bid(Carol, 1, 200), forged, Tx(Ns, "k:dave:early"));
        var (h1, s1) = OrderAndApply(stage, height1, OrderingState.Genesis);
        var first = Assert.Single(Records(h1));
        Assert.Equal((AuctionRecordKind.Result, 0UL, (PublicKey?)null), (first.Kind, first.Epoch, first.Winner));
        Assert.Equal(["k:dave:early"], Texts(h1));

        // Epoch 1's first height: Alice wins at Bob's price; her bundles 1 and 0 (out of order) go first, in order;
        // Bob's bundle (not the controller) does not.
        var height2 = Height(2, 1_500,
            Tx(Ns, "k:carol:fair-1"), Bundle(Alice, 1, 1, "k:alice:b1"), Bundle(Alice, 1, 0, "k:alice:b0a", "k:alice:b0b"), Bundle(Bob, 1, 0, "k:bob:b0"));
        var (h2, s2) = OrderAndApply(stage, height2, s1);
        var result = Assert.Single(Records(h2));
        Assert.Equal((AuctionRecordKind.Result, 1UL, (PublicKey?)Alice.PublicKey, 80UL, 3, 2), (result.Kind, result.Epoch, result.Winner, result.Price, result.BidsCounted, result.BidsValid));
        Assert.Equal(["k:alice:b0a", "k:alice:b0b", "k:alice:b1", "k:carol:fair-1"], Texts(h2));
        Assert.Equal(BidRefusal.AboveDeposit, stage.Auctions!.Result(Ns, 1)!.Bids.Single(b => b.Bid.Bidder == Carol.PublicKey).Refusal);
        Assert.Equal(new LaneStatus(Ns, 1, Alice.PublicKey, 2, 0), stage.Auctions.Lane(Ns));

        // Later in epoch 1: bundle 3 waits behind the missing 2; users trade in the fair lane.
        var height3 = Height(3, 1_600, Tx(Ns, "k:dave:a"), Tx(Ns, "k:dave:b"), Bundle(Alice, 1, 3, "k:alice:b3"));
        var (h3, s3) = OrderAndApply(stage, height3, s2);
        Assert.Equal(["k:dave:a", "k:dave:b"], Texts(h3));
        Assert.Equal(1, stage.Auctions.Lane(Ns)!.Waiting);

        // The stored form rebuilds the same output, records included.
        var layout = BlockOutput.EncodeLayout(h2);
        var records = BlockOutput.DecodeRecords(layout);
        Assert.Equal(h2.Transactions, BlockOutput.Rebuild(h2.Header, height2.Block.WithRecords([height2.Batch], records), h2.Sources, BlockOutput.DecodeRevealed(layout), records).Transactions);

        // Epoch 2: the 80 goes to epoch 1's users pro rata to their fair-lane transactions (Carol 1, Dave 2), exactly.
        var height4 = Height(4, 2_500, Tx(Ns, "k:carol:late"));
        var (h4, _) = OrderAndApply(stage, height4, s3);
        var (settlement, next) = (Records(h4)[0], Records(h4)[1]);
        Assert.Equal(AuctionRecordKind.Settlement, settlement.Kind);
        Assert.Equal((1UL, (PublicKey?)Alice.PublicKey, 80UL), (settlement.Epoch, settlement.Winner, settlement.Price));
        Assert.Equal([new RebateShare(Carol.PublicKey, 27), new RebateShare(Dave.PublicKey, 53)], settlement.Shares);
        Assert.Equal((AuctionRecordKind.Result, 2UL, (PublicKey?)null), (next.Kind, next.Epoch, next.Winner));
        Assert.Equal(["k:carol:late"], Texts(h4));

        // A restarted stage that reads the same final outputs decides the same.
        var restarted = NewStage();
        foreach (var (block, output) in new[] { (height1.Block, h1), (height2.Block, h2), (height3.Block, h3) })
        {
            restarted.OnOutput(block, output);
        }

        Assert.Equal(h4.Transactions, restarted.Order(height4.Block, [height4.Batch], s3).Output.Transactions);
    }

    [Fact]
    public void A_lone_bidder_pays_the_reserve_hands_the_lane_over_and_a_bid_revealed_too_late_counts_for_nothing()
    {
        var stage = NewStage();
        // Carol's bid claims more than she signed: its signature, checked as it is revealed, fails, and it takes no room.
        var forged = AuctionBid.Sign(ChainId, Ns, 1, 20, Carol) with { Amount = 2_000 };
        var (_, s1) = OrderAndApply(stage, Height(1, 500, Bid(Alice, 1, 50), new Transaction(SystemNamespaces.AuctionBids, forged.Encode())), OrderingState.Genesis);

        // Epoch 1: Alice alone pays the reserve (10). She hands the lane to Bob: his bundle 0 is taken, hers is not.
        // Bob's bid for epoch 1 is revealed only now, in epoch 1: too late.
        var transfer = ControllerTransfer.Sign(ChainId, Ns, 1, Bob.PublicKey, Alice).ToTransaction();
        var (h2, s2) = OrderAndApply(stage, Height(2, 1_200, Bid(Bob, 1, 90), transfer, Bundle(Bob, 1, 0, "k:bob:b0"), Bundle(Alice, 1, 1, "k:alice:b1")), s1);
        var result = Assert.Single(Records(h2));
        Assert.Equal(((PublicKey?)Alice.PublicKey, 10UL, 1, 1), (result.Winner, result.Price, result.BidsCounted, result.BidsValid));
        Assert.DoesNotContain(stage.Auctions!.Result(Ns, 1)!.Bids, b => b.Bid.Bidder == Carol.PublicKey);
        Assert.Equal(["k:bob:b0"], Texts(h2));
        Assert.Equal(new LaneStatus(Ns, 1, Bob.PublicKey, 1, 0), stage.Auctions!.Lane(Ns));

        // Epoch 2: nobody used the fair lane in epoch 1, so the 10 go back to Alice, the payer; Bob's late bid (revealed
        // in the epoch it bid for) is not kept for any auction.
        var (h3, _) = OrderAndApply(stage, Height(3, 2_100), s2);
        var (settlement, next) = (Records(h3)[0], Records(h3)[1]);
        Assert.Equal([new RebateShare(Alice.PublicKey, 10)], settlement.Shares);
        Assert.Equal(((PublicKey?)null, 0, 0), (next.Winner, next.BidsCounted, next.BidsValid));
    }

    [Fact]
    public void A_bundle_carries_only_the_controllers_own_transactions_and_every_transaction_is_output_once()
    {
        var stage = NewStage();
        var (_, s1) = OrderAndApply(stage, Height(1, 500, Bid(Alice, 1, 50)), OrderingState.Genesis);

        // Alice's own transaction sent both ways comes out once, from her bundle; her bundle with a copy of Dave's
        // transaction is refused, and Dave's stays at its fair place.
        var (h2, s2) = OrderAndApply(stage, Height(2, 1_200,
            Tx(Ns, "k:alice:own"), Tx(Ns, "k:dave:swap"), Bundle(Alice, 1, 0, "k:alice:own"), Bundle(Alice, 1, 1, "k:alice:front", "k:dave:swap", "k:alice:back")), s1);
        Assert.Equal(["k:alice:own", "k:dave:swap"], Texts(h2));
        Assert.Equal(new LaneStatus(Ns, 1, Alice.PublicKey, 1, 0), stage.Auctions!.Lane(Ns));

        // A later copy, in the fair lane or in a bundle, is not output again.
        var (h3, _) = OrderAndApply(stage, Height(3, 1_300, Tx(Ns, "k:alice:own"), Bundle(Alice, 1, 1, "k:dave:swap"), Bundle(Alice, 1, 1, "k:alice:own")), s2);
        Assert.Empty(Texts(h3));
    }

    [Fact]
    public void Bids_that_can_never_count_take_no_room_in_the_auction()
    {
        var stage = NewStage();

        // Twenty keys without a deposit, and Bob bidding twenty times: only Bob's first sixteen are kept, and Alice's
        // real bid, revealed last, still counts.
        Transaction[] flood = [
            .. Enumerable.Range(0, 20).Select(i => Bid(Ed25519Signer.FromSeedPhrase($"sybil-{i}"), 1, 500)),
            .. Enumerable.Range(0, 20).Select(i => Bid(Bob, 1, (ulong)(20 + i))),
            Bid(Alice, 1, 100)];
        var (_, s1) = OrderAndApply(stage, Height(1, 500, flood), OrderingState.Genesis);
        var (h2, _) = OrderAndApply(stage, Height(2, 1_100), s1);

        var result = Assert.Single(Records(h2));
        Assert.Equal(((PublicKey?)Alice.PublicKey, 35UL, AuctionBook.BidsPerBidderMax + 1, 2), (result.Winner, result.Price, result.BidsCounted, result.BidsValid));
    }

    [Fact]
    public void An_atomic_bundle_with_a_leg_that_looks_like_a_record_is_refused_whole()
    {
        var fake = new Transaction(Ns, AuctionRecord.Result(Ns, 1, Dave.PublicKey, 1, 1, 1).Encode());
        var carrier = Core.Chain.Bundle.Create([fake, Tx(6, "other leg")]).Carrier;
        Assert.Null(Registry.OpenBundle(carrier));
        Assert.NotNull(Registry.OpenBundle(Core.Chain.Bundle.Create([Tx(Ns, "k:dave:fine"), Tx(6, "other leg")]).Carrier));
    }

    [Fact]
    public void The_book_refuses_to_plan_a_height_before_it_has_read_the_one_before()
    {
        var stage = NewStage();
        var height1 = Height(1, 500, Tx(Ns, "k:dave:x"));
        var (_, s1) = stage.Order(height1.Block, [height1.Batch], OrderingState.Genesis);
        var height2 = Height(2, 600, Tx(Ns, "k:dave:y"));
        Assert.Throws<InvalidOperationException>(() => stage.Order(height2.Block, [height2.Batch], s1));
    }

    [Fact]
    public void Records_are_checked_when_decoded_and_a_settlement_must_pay_exactly_its_price()
    {
        var settlement = AuctionRecord.Settlement(Ns, 3, Alice.PublicKey, 10, [new RebateShare(Bob.PublicKey, 4), new RebateShare(Carol.PublicKey, 6)]);
        var decoded = AuctionRecord.TryDecode(settlement.Encode())!;
        Assert.Equal(settlement.Shares, decoded.Shares);
        Assert.Equal((settlement.Kind, settlement.Epoch, settlement.Winner, settlement.Price), (decoded.Kind, decoded.Epoch, decoded.Winner, decoded.Price));
        Assert.Throws<ArgumentException>(() => AuctionRecord.Settlement(Ns, 3, Alice.PublicKey, 10, [new RebateShare(Bob.PublicKey, 4)]));
        Assert.Null(AuctionRecord.TryDecode(settlement.Encode()[..^1]));
        Assert.Null(AuctionRecord.TryDecode("k:dave:not a record"u8));
    }
}

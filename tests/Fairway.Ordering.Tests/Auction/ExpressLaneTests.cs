using Fairway.Core.Auction;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Crypto;
using Fairway.Ordering.Auction;

namespace Fairway.Ordering.Tests.Auction;

/// The express lane: the controller's bundles in sequence order with no gap; a gap holds back only later bundles, boundedly.
public class ExpressLaneTests
{
    private static readonly Hash ChainId = Hash.Compute("express lane"u8);
    private static readonly Ed25519Signer Controller = Ed25519Signer.FromSeedPhrase("controller");
    private static readonly Ed25519Signer Other = Ed25519Signer.FromSeedPhrase("someone else");
    private const ulong Ns = 9;

    private static PriorityBundle Bundle(ulong sequence, Ed25519Signer? signer = null, ulong epoch = 3) =>
        PriorityBundle.Sign(ChainId, Ns, epoch, sequence, [new Transaction(Ns, BitConverter.GetBytes(sequence))], signer ?? Controller);

    private static ExpressLane Lane() => new(Ns, 3, Controller.PublicKey);

    [Fact]
    public void Bundles_come_out_in_sequence_order_and_a_gap_holds_back_only_the_later_ones()
    {
        var lane = Lane();
        Assert.Null(lane.Offer(Bundle(1), ChainId, Ed25519Verifier.Instance));
        Assert.Null(lane.Offer(Bundle(2), ChainId, Ed25519Verifier.Instance));
        Assert.Empty(lane.Take());
        Assert.Null(lane.Offer(Bundle(0), ChainId, Ed25519Verifier.Instance));
        Assert.Equal([0UL, 1UL, 2UL], lane.Take().Select(b => b.Sequence));
        Assert.Equal(3UL, lane.NextSequence);
        Assert.Contains("already taken", lane.Offer(Bundle(1), ChainId, Ed25519Verifier.Instance));
    }

    [Fact]
    public void Only_the_controllers_signed_bundles_of_this_epoch_are_taken()
    {
        var lane = Lane();
        Assert.Contains("not the controller", lane.Offer(Bundle(0, Other), ChainId, Ed25519Verifier.Instance));
        Assert.Contains("wrong epoch", lane.Offer(Bundle(0, epoch: 4), ChainId, Ed25519Verifier.Instance));
        var forged = Bundle(0) with { Sequence = 1 };
        Assert.Contains("bad signature", lane.Offer(forged, ChainId, Ed25519Verifier.Instance));
        Assert.Null(lane.Offer(Bundle(0), ChainId, Ed25519Verifier.Instance));
    }

    [Fact]
    public void Waiting_bundles_are_bounded_and_a_far_jump_is_refused()
    {
        var lane = Lane();
        for (ulong s = 1; s <= ExpressLane.WaitingMax + 10; s++)
        {
            Assert.Null(lane.Offer(Bundle(s), ChainId, Ed25519Verifier.Instance));
        }

        Assert.Equal(ExpressLane.WaitingMax, lane.Waiting);
        Assert.Contains("gap", lane.Offer(Bundle(10_000), ChainId, Ed25519Verifier.Instance));
    }

    [Fact]
    public void A_transfer_hands_the_lane_to_another_key()
    {
        var lane = Lane();
        lane.Transfer(Other.PublicKey);
        Assert.Contains("not the controller", lane.Offer(Bundle(0), ChainId, Ed25519Verifier.Instance));
        Assert.Null(lane.Offer(Bundle(0, Other), ChainId, Ed25519Verifier.Instance));
    }

    [Fact]
    public void A_bundle_round_trips_and_one_with_another_namespaces_transaction_is_no_bundle()
    {
        var bundle = Bundle(5);
        var back = PriorityBundle.TryDecode(bundle.Encode())!;
        Assert.Equal(bundle.Sequence, back.Sequence);
        Assert.True(back.HasValidSignature(ChainId, Ed25519Verifier.Instance));
        Assert.Throws<ArgumentException>(() => PriorityBundle.Sign(ChainId, Ns, 3, 0, [new Transaction(Ns + 1, new byte[1])], Controller));
        Assert.Null(PriorityBundle.TryDecode("junk"u8));
    }
}

using Fairway.Core.Auction;
using Fairway.Core.Crypto;

namespace Fairway.Ordering.Auction;

/// <summary>
/// One namespace's express lane in one epoch, as the ordering stage runs it: the controller (the auction's winner, or
/// whom it handed the lane to), the next sequence number due, and the bundles that arrived early, waiting for the ones
/// before them. <see cref="Take"/> gives the bundles that go first in a block, in sequence order with no gap; a bundle
/// past a gap waits (at most <see cref="WaitingMax"/> of them, the furthest ahead dropped first), so a controller that
/// skips a number holds up only its own later bundles. A pure, bounded state.
/// </summary>
public sealed class ExpressLane(ulong @namespace, ulong epoch, PublicKey controller)
{
    /// <summary>Bundles held back by a gap, at most.</summary>
    public const int WaitingMax = 64;

    private readonly SortedDictionary<ulong, PriorityBundle> _waiting = [];

    public ulong Namespace => @namespace;

    public ulong Epoch => epoch;

    public PublicKey Controller { get; private set; } = controller;

    public ulong NextSequence { get; private set; }

    public int Waiting => _waiting.Count;

    /// <summary>Why a bundle is refused here, or null when it is taken (now or once the gap before it closes).</summary>
    public string? Offer(PriorityBundle bundle, Hash chainId, ISignatureVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        if (bundle.Namespace != @namespace || bundle.Epoch != epoch)
        {
            return $"wrong epoch: the express lane of namespace {@namespace} is in epoch {epoch}, the bundle names namespace {bundle.Namespace}, epoch {bundle.Epoch}";
        }

        if (bundle.Transactions.Any(t => Core.Auction.AuctionRecord.HasMagic(t.Payload.Span)))
        {
            return "a bundle transaction starts with the auction record prefix, which only the chain's own records may";
        }

        if (bundle.Controller != Controller)
        {
            return "not the controller: the bundle is not signed by this epoch's express-lane controller";
        }

        if (!bundle.HasValidSignature(chainId, verifier))
        {
            return "bad signature";
        }

        if (bundle.Sequence < NextSequence || _waiting.ContainsKey(bundle.Sequence))
        {
            return $"sequence {bundle.Sequence} is already taken (next due: {NextSequence})";
        }

        if (bundle.Sequence - NextSequence > WaitingMax * 4UL)
        {
            return $"sequence gap: {bundle.Sequence} is too far ahead of the next due, {NextSequence}";
        }

        _waiting[bundle.Sequence] = bundle;
        while (_waiting.Count > WaitingMax)
        {
            _waiting.Remove(_waiting.Keys.Last());
        }

        return null;
    }

    /// <summary>The bundles due now, in sequence order from the next due until the first gap; they leave the lane.</summary>
    public IReadOnlyList<PriorityBundle> Take()
    {
        var due = new List<PriorityBundle>();
        while (_waiting.Remove(NextSequence, out var bundle))
        {
            due.Add(bundle);
            NextSequence++;
        }

        return due;
    }

    /// <summary>An independent copy: the ordering stage plans a block on a copy and keeps it once the block's output is final.</summary>
    public ExpressLane Clone()
    {
        var copy = new ExpressLane(@namespace, epoch, Controller) { NextSequence = NextSequence };
        foreach (var (sequence, bundle) in _waiting)
        {
            copy._waiting[sequence] = bundle;
        }

        return copy;
    }

    /// <summary>The controller hands the lane to <paramref name="to"/> (its signature checked by the caller): later bundles must be signed by the new key.</summary>
    public void Transfer(PublicKey to)
    {
        Controller = to;
        _waiting.Clear();
    }
}

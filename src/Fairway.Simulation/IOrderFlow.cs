using Fairway.Core.Chain;

namespace Fairway.Simulation;

/// <summary>
/// Order flow from outside the simulator (the MEV lab's traders and its adversary): what clients submit each round,
/// how an adversarial sequencer reacts to a transaction it sees, and what came out. When a run has one, it replaces the
/// synthetic workload; everything else (consensus, batching, the ordering policies, decryption) is the simulator's own.
/// </summary>
public interface IOrderFlow
{
    /// <summary>Client transactions sent in this round, at simulated time <paramref name="nowMs"/> (plaintext; sealed by the simulator under <c>encrypted</c>).</summary>
    IReadOnlyList<Transaction> Submit(ulong round, long nowMs);

    /// <summary>
    /// An adversarial sequencer sees <paramref name="victim"/> (a ciphertext under <c>encrypted</c>, which it cannot read):
    /// the transactions it sends around it, or null to let it pass. <paramref name="leads"/> says whether it proposes the
    /// current or the next block, where it could place them; a rational adversary attacks only then.
    /// </summary>
    MevAttack? React(Transaction victim, long nowMs, bool leads);

    /// <summary>One certified height as the measured honest validator ordered it (plaintext after decryption), at simulated time <paramref name="nowMs"/>.</summary>
    void OnOutput(ulong height, IReadOnlyList<Transaction> transactions, long nowMs);

    /// <summary>
    /// Whether the adversary still keeps <paramref name="victim"/> (one it reacted to with <see cref="MevAttack.Hold"/>)
    /// out of what it proposes. Asked again whenever it could place the victim, so the flow decides when to let go.
    /// </summary>
    bool StillHolds(Transaction victim, long nowMs) => false;

    /// <summary>Under <c>auction</c>: the user a payload of the flow's namespaces belongs to, for the rebates (null: nobody).</summary>
    Core.Crypto.PublicKey? UserOf(ReadOnlySpan<byte> payload) => null;

    /// <summary>
    /// Under <c>auction</c>, once at the start: the bidder keys of the flow's searchers. The first is the adversary's: when
    /// it wins a namespace's lane, <see cref="React"/> is asked with <c>leads</c> set for that namespace's transactions and
    /// its <see cref="MevAttack.Before"/> goes out as a priority bundle (first in the namespace), its
    /// <see cref="MevAttack.After"/> as plain transactions a moment later. The others only bid.
    /// </summary>
    void UseAuctionKeys(IReadOnlyList<Core.Crypto.PublicKey> searchers)
    {
    }

    /// <summary>
    /// Under <c>auction</c>: the sealed bids the flow's searchers send during the epoch before <paramref name="epoch"/>
    /// for the express lane of <paramref name="namespace"/> (lanes last <paramref name="epochMs"/>), one amount per
    /// searcher in the order of <see cref="UseAuctionKeys"/>, 0 for none.
    /// </summary>
    IReadOnlyList<ulong> AuctionBids(ulong @namespace, ulong epoch, ulong epochMs, long nowMs) => [];
}

/// <summary>
/// What an adversarial sequencer sends in reaction to a victim: <see cref="Before"/> in a batch it proposes ahead of the
/// victim's batch, <see cref="After"/> in one it proposes right behind it, whenever it leads with both in hand. With
/// <see cref="Hold"/> it also leaves the victim out of its proposals (as the operator, out of the batches it cuts) for as
/// long as <see cref="IOrderFlow.StillHolds"/> says: it can delay a victim, not drop it, and only where it places.
/// </summary>
public sealed record MevAttack(IReadOnlyList<Transaction> Before, IReadOnlyList<Transaction> After, bool Hold = false);

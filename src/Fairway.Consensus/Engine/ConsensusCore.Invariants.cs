namespace Fairway.Consensus.Engine;

public sealed partial class ConsensusCore
{
    private (ulong Round, ulong LastVoted, ulong Locked, ulong HighQc, ulong CommittedHeight) _checked;

    /// <summary>
    /// The engine's own invariants, checked after every step when <see cref="ConsensusConfig.AssertInvariants"/> is on
    /// (the simulator and the tests turn it on): rounds, votes, locks and the committed chain only move forward, the lock
    /// never passes the highest certificate, and the round always follows the highest QC or TC. A failure is a bug in
    /// the engine, never bad input, so it throws.
    /// </summary>
    private void AssertInvariants()
    {
        (ulong Round, ulong LastVoted, ulong Locked, ulong HighQc, ulong CommittedHeight) now =
            (_round, Safety.LastVotedRound, Safety.LockedQcRound, HighQc.Round, CommittedTip.Height);
        Require(now.Round >= _checked.Round, "the round went backwards");
        Require(now.LastVoted >= _checked.LastVoted, "the last voted round went backwards");
        Require(now.Locked >= _checked.Locked, "the locked round went backwards");
        Require(now.HighQc >= _checked.HighQc, "the high QC went backwards");
        Require(now.CommittedHeight >= _checked.CommittedHeight, "the committed chain went backwards");
        Require(Safety.LockedQcRound <= HighQc.Round, "locked on a round above the highest QC");
        Require(_round > HighQc.Round && _round > (HighTc?.Round ?? 0), "the round does not follow the highest QC and TC");
        Require(_tree.Contains(CommittedTip.Hash), "the committed tip left the block tree");
        _checked = now;
    }

    private static void Require(bool condition, string invariant)
    {
        if (!condition)
        {
            throw new InvalidOperationException("consensus invariant broken: " + invariant);
        }
    }
}

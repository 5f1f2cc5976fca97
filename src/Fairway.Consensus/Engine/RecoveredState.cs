using Fairway.Core.Chain;

namespace Fairway.Consensus.Engine;

/// <summary>
/// What a validator reloads from its own disk on start: safety state, the committed tip, any other blocks it kept,
/// and the committed blocks just below the tip (<see cref="ConsensusCore.HistoryBlocksNeeded"/> of them), from which
/// leader reputation is computed exactly as before the restart.
/// </summary>
public sealed record RecoveredState(
    SafetyState Safety,
    Block CommittedTip,
    IReadOnlyList<Block> UncommittedBlocks,
    IReadOnlyList<Block>? RecentCommitted = null)
{
    /// <summary>
    /// What a validator runs the epoch <paramref name="certificates"/> verify with from: what recovery found, if it
    /// belongs to that epoch (a safety state of an earlier epoch, a committed tip below the root and blocks the ended
    /// epoch proposed after its last one are dropped), or the epoch's start (its root certificate, nothing signed).
    /// </summary>
    public static RecoveredState ForEpoch(RecoveredState? recovered, CertificateVerifier certificates)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        var root = certificates.Root;
        var safety = recovered?.Safety is { } s && s.Epoch == certificates.Epoch ? s : SafetyState.Initial(certificates.RootCertificate, certificates.Epoch);
        var tip = recovered?.CommittedTip is { } t && t.Height >= root.Height ? t : root;
        var uncommitted = (recovered?.UncommittedBlocks ?? []).Where(b => b.Round > certificates.RootRound && b.Height > tip.Height).ToList();
        return new RecoveredState(safety, tip, uncommitted, recovered?.RecentCommitted);
    }
}

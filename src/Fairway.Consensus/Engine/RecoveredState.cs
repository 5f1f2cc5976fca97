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
    IReadOnlyList<Block>? RecentCommitted = null);

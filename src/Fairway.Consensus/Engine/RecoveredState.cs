using Fairway.Core.Chain;

namespace Fairway.Consensus.Engine;

/// <summary>What a validator reloads from its own disk on start: safety state, the committed tip, and any other blocks it kept.</summary>
public sealed record RecoveredState(SafetyState Safety, Block CommittedTip, IReadOnlyList<Block> UncommittedBlocks);

namespace Fairway.Consensus.Engine;

/// <summary>Sizes of the core's caches: evidence and proposal rounds, verified and certifying QCs, vote and timeout rounds, blocks.</summary>
public sealed record RetainedCounts(
    int EvidenceRounds,
    int VerifiedQcs,
    int Certified,
    int ProposalRounds,
    int VoteRounds,
    int TimeoutRounds,
    int TreeBlocks,
    int HistoryBlocks);

namespace Fairway.Consensus.Engine;

/// <summary>How the engine's pacemaker and buffers are sized. Every buffer fed from outside has a bound here.</summary>
public sealed record ConsensusConfig
{
    /// <summary>
    /// Ticks a round may last before this validator times out, until round latency has been observed; also the ceiling
    /// of the adaptive base (<see cref="TimeoutMinTicks"/> is its floor).
    /// </summary>
    public int TimeoutBaseTicks { get; init; } = 100;

    /// <summary>Floor of the adaptive base timeout, and the whole timeout of a round whose leader has gone silent.</summary>
    public int TimeoutMinTicks { get; init; } = 20;

    /// <summary>The adaptive base is this many times the slowest of the recent successful rounds.</summary>
    public int TimeoutLatencyMultiplier { get; init; } = 4;

    /// <summary>A leader not heard from for this many ticks is presumed down: its rounds get <see cref="TimeoutMinTicks"/>.</summary>
    public int LeaderSilentTicks { get; init; } = 200;

    /// <summary>
    /// Blocks of recent history that decide who may lead (see <see cref="LeaderReputation"/>); 0 turns reputation off and
    /// every round uses the plain stake-weighted schedule.
    /// </summary>
    public int LeaderReputationWindowBlocks { get; init; } = 10;

    /// <summary>The timeout doubles per round without a commit, up to 2^this times the base.</summary>
    public int TimeoutBackoffExponentMax { get; init; } = 3;

    /// <summary>Random extra ticks on each timeout, so validators do not time out in lock step.</summary>
    public int TimeoutJitterTicksMax { get; init; } = 5;

    public int BlockTreeBlocksMax { get; init; } = 10_000;

    public int FetchedBlocksMax { get; init; } = 20_000;

    public int PendingProposalsMax { get; init; } = 64;

    public int SyncBlocksPerRequest { get; init; } = 64;

    /// <summary>Ticks before an unanswered block request is sent again, to another peer.</summary>
    public int SyncRetryTicks { get; init; } = 40;

    /// <summary>Rounds ahead of the current one for which votes and timeouts are kept.</summary>
    public ulong FutureRoundsWindow { get; init; } = 100;

    /// <summary>Rounds behind the current one for which signed messages are remembered for equivocation checks.</summary>
    public ulong EvidenceRoundsWindow { get; init; } = 64;

    /// <summary>Checks the engine's own invariants after every step and throws if one breaks: on in the simulator and tests.</summary>
    public bool AssertInvariants { get; init; }

    /// <summary>
    /// Test-only when false: votes for blocks without waiting for the host to confirm it holds their batches, the hole
    /// that lets a leader stall every commit pipeline with digests it never sends. Never turn it off on a real node.
    /// </summary>
    public bool AvailabilityBeforeVote { get; init; } = true;

    /// <summary>
    /// Asks the host about every block, even one with no batches and no lists: on a chain with fair namespaces a block
    /// must carry its round's candidate lists, and only the host can say whether it does.
    /// </summary>
    public bool CheckEveryBlock { get; init; }

    /// <summary>
    /// Test-only: breaks the voting rule on purpose so the simulator can show it catches the violations that follow.
    /// Never set it on a real node.
    /// </summary>
    public VotingRuleWeakening UnsafeVotingRuleWeakeningForTesting { get; init; }
}

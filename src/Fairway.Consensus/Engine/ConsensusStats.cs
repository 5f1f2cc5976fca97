namespace Fairway.Consensus.Engine;

/// <summary>Counters a host exports as metrics. Dropped inputs are counted by reason, never thrown.</summary>
public sealed class ConsensusStats
{
    private readonly Dictionary<string, long> _dropped = new(StringComparer.Ordinal);

    public long ProposalsSent { get; internal set; }
    public long VotesSent { get; internal set; }

    /// <summary>Votes re-sent unchanged after a restart in the round they were signed in.</summary>
    public long VotesResent { get; internal set; }
    public long TimeoutsSent { get; internal set; }
    public long QcsFormed { get; internal set; }
    public long TcsFormed { get; internal set; }
    public long BlocksCommitted { get; internal set; }
    public long LocalTimeouts { get; internal set; }

    /// <summary>Rounds this validator left through a timeout certificate rather than a QC.</summary>
    public long RoundsEndedByTimeout { get; internal set; }
    public long SyncRequests { get; internal set; }

    /// <summary>Blocks whose batches this validator asked its host to confirm before voting.</summary>
    public long AvailabilityChecks { get; internal set; }
    public long EvidenceFound { get; internal set; }

    /// <summary>A commit that would not extend the committed chain. Must stay zero while fewer than a third are faulty.</summary>
    public long ConflictingCommits { get; internal set; }

    public IReadOnlyDictionary<string, long> DroppedByReason => _dropped;

    public long DroppedTotal => _dropped.Values.Sum();

    internal void Drop(string reason) => _dropped[reason] = _dropped.GetValueOrDefault(reason) + 1;
}

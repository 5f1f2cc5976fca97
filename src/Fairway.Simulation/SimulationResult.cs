namespace Fairway.Simulation;

/// <summary>What one seeded run observed.</summary>
public sealed record SimulationResult
{
    public required ulong Seed { get; init; }

    /// <summary>Each broken safety invariant, described so the seed can be replayed and the break found.</summary>
    public required IReadOnlyList<string> SafetyViolations { get; init; }

    public string? LivenessFailure { get; init; }

    public required int DoubleSigns { get; init; }

    public IReadOnlyList<string> DoubleSignReports { get; init; } = [];

    public required int EvidenceDetected { get; init; }

    /// <summary>Committed chain length of each honest node at the end of the run.</summary>
    public required IReadOnlyList<int> CommittedBlocks { get; init; }

    public required ulong RoundsReached { get; init; }

    public required long Ticks { get; init; }

    public required long MessagesDelivered { get; init; }

    public required int Crashes { get; init; }

    public required int Partitions { get; init; }

    /// <summary>Committed blocks per second of simulated time after the warm-up, at the first live honest node.</summary>
    public double BlocksPerSimulatedSecond { get; init; }

    /// <summary>Rounds that ended in a timeout certificate at some honest node.</summary>
    public int Timeouts { get; init; }

    /// <summary>Simulated milliseconds from a block's proposal to its commit at the first live honest node, after the warm-up.</summary>
    public IReadOnlyList<long> CommitLatenciesMs { get; init; } = [];

    public bool Failed => SafetyViolations.Count > 0 || LivenessFailure is not null || DoubleSigns > 0;
}

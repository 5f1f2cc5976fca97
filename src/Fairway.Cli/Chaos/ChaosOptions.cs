using Fairway.Chaos.Schedule;

namespace Fairway.Cli.Chaos;

/// <summary>What <c>fairway chaos</c> was asked to do.</summary>
internal sealed record ChaosOptions(int Validators, double Minutes, int Seed, IReadOnlyList<FaultKind> Faults, int Rate, string? OutDir)
{
    /// <summary>Run each validator in its own network namespace and make partitions with iptables (needs root and iptables).</summary>
    public bool Netns { get; init; }

    public const ulong Namespace = 7;

    public ScheduleOptions Schedule { get; init; } = new();

    /// <summary>After each heal, the chain must advance (and a restarted or resumed validator catch up) within this.</summary>
    public long ResumeBoundMs { get; init; } = 30_000;

    /// <summary>After the load stops, at most this long for what was acknowledged to settle everywhere.</summary>
    public long SettleMaxMs { get; init; } = 30_000;

    public long DurationMs => (long)(Minutes * 60_000);
}

namespace Fairway.Cli.Bench;

/// <summary>The figures of one offered rate. Latencies in milliseconds; null where nothing was measured.</summary>
internal sealed record BenchResult
{
    public required string Mode { get; init; }
    public required int Validators { get; init; }
    public required int TxBytes { get; init; }
    public required int Seconds { get; init; }
    public required double OfferedTps { get; init; }
    public required double AcceptedTps { get; init; }
    public required long Rejected { get; init; }
    public required double CommittedTps { get; init; }
    public required double MbPerS { get; init; }
    public required long Uncommitted { get; init; }
    public required LatencyStats Received { get; init; }
    public required LatencyStats Soft { get; init; }
    public required LatencyStats Firm { get; init; }
    public required IReadOnlyList<double?>? CpuPercent { get; init; }
    public required double? BenchCpuPercent { get; init; }
    public required IReadOnlyList<double?>? PeakRssMb { get; init; }
    public double? PeakRssMbMax
    {
        get
        {
            var known = PeakRssMb?.Where(v => v.HasValue).Select(v => v!.Value).ToList();
            return known is { Count: > 0 } ? known.Max() : null;
        }
    }

    /// <summary>Validators SIGKILLed before measuring and kept down (<c>--crashed</c>).</summary>
    public int Crashed { get; init; }

    /// <summary><c>--kill-leader-every</c> in seconds; 0 when off.</summary>
    public int KillLeaderEverySeconds { get; init; }

    /// <summary>Leaders killed and restarted during this rate's window.</summary>
    public int LeaderKills { get; init; }

    /// <summary>Committed blocks per second over the window, from the height of one validator up throughout it.</summary>
    public double? BlocksPerSecond { get; init; }

    /// <summary>Rounds that validator left through a timeout certificate during the window.</summary>
    public long? RoundsTimedOut { get; init; }

    /// <summary>Names the configuration (mode, size, faults) these runs belong to: one chart line, one set in bench.json.</summary>
    public string SeriesLabel =>
        $"{Mode} ({Validators}{(Crashed > 0 ? $", {Crashed} down" : "")}{(KillLeaderEverySeconds > 0 ? $", leader kill {KillLeaderEverySeconds} s" : "")})";

    public string? LastError { get; init; }
}

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

    public string? LastError { get; init; }
}

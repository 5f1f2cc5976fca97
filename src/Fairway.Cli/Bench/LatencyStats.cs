namespace Fairway.Cli.Bench;

/// <summary>Percentiles (nearest rank) of a set of latencies in milliseconds.</summary>
internal sealed record LatencyStats(int Count, double? P50Ms, double? P90Ms, double? P99Ms, double? MaxMs)
{
    public static readonly LatencyStats Empty = new(0, null, null, null, null);

    public static LatencyStats Of(IEnumerable<double> samplesMs)
    {
        var sorted = samplesMs.Where(double.IsFinite).ToArray();
        if (sorted.Length == 0)
        {
            return Empty;
        }

        Array.Sort(sorted);
        return new LatencyStats(sorted.Length, Percentile(sorted, 50), Percentile(sorted, 90), Percentile(sorted, 99), sorted[^1]);
    }

    /// <summary>Nearest-rank percentile of an ascending array: the smallest sample with at least p% of samples at or below it.</summary>
    public static double Percentile(double[] ascending, double percent)
    {
        ArgumentNullException.ThrowIfNull(ascending);
        if (ascending.Length == 0)
        {
            throw new ArgumentException("no samples", nameof(ascending));
        }

        var rank = (int)Math.Ceiling(percent / 100.0 * ascending.Length);
        return ascending[Math.Clamp(rank, 1, ascending.Length) - 1];
    }
}

/// <summary>Thread-safe collector of latency samples (for the sampled soft latencies).</summary>
internal sealed class LatencyRecorder
{
    private readonly List<double> _samples = [];
    private readonly Lock _gate = new();

    public void Record(double milliseconds)
    {
        lock (_gate)
        {
            _samples.Add(milliseconds);
        }
    }

    public LatencyStats Stats()
    {
        lock (_gate)
        {
            return LatencyStats.Of(_samples);
        }
    }
}

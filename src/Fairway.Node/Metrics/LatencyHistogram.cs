using System.Globalization;
using System.Text;

namespace Fairway.Node.Metrics;

/// <summary>A fixed-bucket histogram of seconds, updated lock-free, rendered in the Prometheus text format.</summary>
public sealed class LatencyHistogram(string name, string help, double[] upperBoundsSeconds)
{
    private readonly long[] _counts = new long[upperBoundsSeconds.Length + 1];
    private long _count;
    private long _sumMicros;

    public long Count => Interlocked.Read(ref _count);

    public void Observe(double seconds)
    {
        var bucket = Array.FindIndex(upperBoundsSeconds, b => seconds <= b);
        Interlocked.Increment(ref _counts[bucket < 0 ? upperBoundsSeconds.Length : bucket]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sumMicros, (long)(Math.Max(0, seconds) * 1_000_000));
    }

    /// <summary>The smallest bucket bound under which at least <paramref name="quantile"/> of observations fall.</summary>
    public double Quantile(double quantile)
    {
        var total = Count;
        if (total == 0)
        {
            return double.NaN;
        }

        long cumulative = 0;
        for (var i = 0; i < upperBoundsSeconds.Length; i++)
        {
            cumulative += Interlocked.Read(ref _counts[i]);
            if (cumulative >= quantile * total)
            {
                return upperBoundsSeconds[i];
            }
        }

        return double.PositiveInfinity;
    }

    public void Render(StringBuilder text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ci = CultureInfo.InvariantCulture;
        text.Append(ci, $"# HELP {name} {help}\n# TYPE {name} histogram\n");
        long cumulative = 0;
        for (var i = 0; i < upperBoundsSeconds.Length; i++)
        {
            cumulative += Interlocked.Read(ref _counts[i]);
            text.Append(ci, $"{name}_bucket{{le=\"{upperBoundsSeconds[i].ToString("0.###", ci)}\"}} {cumulative}\n");
        }

        cumulative += Interlocked.Read(ref _counts[^1]);
        text.Append(ci, $"{name}_bucket{{le=\"+Inf\"}} {cumulative}\n");
        text.Append(ci, $"{name}_sum {(Interlocked.Read(ref _sumMicros) / 1_000_000.0).ToString("0.######", ci)}\n");
        text.Append(ci, $"{name}_count {cumulative}\n");
    }
}

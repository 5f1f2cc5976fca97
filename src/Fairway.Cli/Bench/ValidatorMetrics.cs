using System.Globalization;

namespace Fairway.Cli.Bench;

/// <summary>The few Prometheus gauges and counters the bench reads from <c>/v1/status/metrics</c>.</summary>
internal sealed record ValidatorMetrics(ulong Height, long RoundsTimedOut, int Leader)
{
    /// <summary>Reads one validator's metrics; null when it does not answer (down, or restarting).</summary>
    public static async Task<ValidatorMetrics?> ReadAsync(HttpClient client, Uri api, CancellationToken ct)
    {
        try
        {
            return Parse(await client.GetStringAsync(new Uri(api, "/v1/status/metrics"), ct).ConfigureAwait(false));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or FormatException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }

    public static ValidatorMetrics? Parse(string text)
    {
        double? height = null, timedOut = null, leader = null;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0 || !double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }

            switch (line[..space])
            {
                case "fairway_committed_height": height = value; break;
                case "fairway_consensus_rounds_timed_out_total": timedOut = value; break;
                case "fairway_consensus_leader": leader = value; break;
            }
        }

        return height is { } h && timedOut is { } t && leader is { } l ? new ValidatorMetrics((ulong)h, (long)t, (int)l) : null;
    }
}

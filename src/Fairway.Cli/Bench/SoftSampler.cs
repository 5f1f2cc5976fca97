using System.Diagnostics;
using System.Text.Json;

namespace Fairway.Cli.Bench;

/// <summary>
/// Measures send -> soft on a sample of transactions: polls <c>GET /v1/status/tx/{hash}</c> on the validator that took
/// the transaction until it reports soft or firm. At most <see cref="ActiveMax"/> transactions are followed at once
/// (more are skipped, and counted), so the poller never becomes a load of its own.
/// </summary>
internal sealed class SoftSampler : IDisposable
{
    public const int SampleEvery = 100;
    private const int ActiveMax = 16;
    private const double PollIntervalMinMs = 10;

    /// <summary>Polls come at a tenth of the time waited so far: 10% resolution, and a slow chain is not also flooded.</summary>
    private const double PollIntervalShare = 0.1;

    private readonly HttpClient _client = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) }) { Timeout = TimeSpan.FromSeconds(10) };
    private readonly List<Task> _tasks = [];
    private readonly Lock _gate = new();
    private int _active;
    private long _skipped;

    public long Skipped => Interlocked.Read(ref _skipped);

    public void Track(RateRun run, int index, Uri validator, string hash, long deadlineTimestamp, CancellationToken ct)
    {
        if (Interlocked.Increment(ref _active) > ActiveMax)
        {
            Interlocked.Decrement(ref _active);
            Interlocked.Increment(ref _skipped);
            return;
        }

        var task = FollowAsync(run, index, new Uri(validator, $"/v1/status/tx/{hash}"), deadlineTimestamp, ct);
        lock (_gate)
        {
            _tasks.Add(task);
        }
    }

    public Task WhenAllAsync()
    {
        lock (_gate)
        {
            var all = Task.WhenAll(_tasks);
            _tasks.Clear();
            return all;
        }
    }

    private async Task FollowAsync(RateRun run, int index, Uri status, long deadlineTimestamp, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            while (Stopwatch.GetTimestamp() < deadlineTimestamp && !ct.IsCancellationRequested)
            {
                try
                {
                    using var response = await _client.GetAsync(status, ct).ConfigureAwait(false);
                    var now = Stopwatch.GetTimestamp();
                    if (response.IsSuccessStatusCode)
                    {
                        var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
                        using var json = JsonDocument.Parse(body);
                        var level = json.RootElement.TryGetProperty("status", out var s) ? s.GetString() : null;
                        if (level is "soft" or "firm")
                        {
                            run.Soft.Record(run.Schedule.MillisecondsSinceDue(index, now));
                            return;
                        }
                    }
                }
                catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    // Try again on the next poll.
                }

                // Fixed 10 ms polls kept all 16 followers busy when transactions took seconds (1,600 requests a second
                // against the validators being measured, a tenth of a core of status lookups per validator).
                var waitedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(PollIntervalMinMs, waitedMs * PollIntervalShare)), ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    public void Dispose() => _client.Dispose();
}

using System.Collections.Concurrent;
using Fairway.Chaos;
using Fairway.Chaos.History;
using Fairway.Cli.Bench;

namespace Fairway.Cli.Chaos;

/// <summary>Every half second, each validator's committed height and whom it names leader (null when it does not answer).</summary>
internal sealed class ProgressRecorder(IReadOnlyList<Uri> apis, ChaosClock clock)
{
    private readonly ConcurrentQueue<ProgressSample> _samples = new();
    private volatile int[] _leaders = [.. Enumerable.Repeat(-1, apis.Count)];

    public IReadOnlyList<ProgressSample> Samples => [.. _samples];

    public ProgressSample? Latest { get; private set; }

    /// <summary>The leader most of the answering validators named in the latest sample; null if none answered.</summary>
    public int? Leader
    {
        get
        {
            var named = _leaders.Where(l => l >= 0).GroupBy(l => l).OrderByDescending(g => g.Count()).FirstOrDefault();
            return named?.Key;
        }
    }

    public async Task RunAsync(CancellationToken stop)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        try
        {
            do
            {
                var reads = apis.Select(api => ValidatorMetrics.ReadAsync(http, api, stop)).ToList();
                var metrics = await Task.WhenAll(reads).ConfigureAwait(false);
                var sample = new ProgressSample(clock.NowMs, metrics.Select(m => m?.Height).ToList());
                _leaders = metrics.Select(m => m?.Leader ?? -1).ToArray();
                _samples.Enqueue(sample);
                Latest = sample;
            }
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}

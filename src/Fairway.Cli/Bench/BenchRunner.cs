using System.Diagnostics;
using System.Net.Http.Json;

namespace Fairway.Cli.Bench;

/// <summary>Runs the open-loop load at each rate against a set of validator APIs and measures it.</summary>
internal sealed class BenchRunner : IDisposable
{
    private const int SenderCount = 8;
    private static readonly TimeSpan DrainMax = TimeSpan.FromSeconds(30);

    private readonly LiveValidators _validators;

    /// <summary>Where <c>firm</c> is read (the namespace stream): full nodes when the network has them, else the validators.</summary>
    private readonly LiveValidators _firmSources;
    private readonly Func<IReadOnlyList<int>>? _pids;
    private readonly string _mode;
    private readonly int _validatorCount;
    private readonly int _txBytes;
    private readonly int _crashed;
    private readonly LeaderKiller? _killer;
    private readonly BenchPayload _payload;
    private readonly HttpClient _metricsClient = new() { Timeout = TimeSpan.FromSeconds(2) };
    private ulong _nextCounter;

    /// <param name="pids">Current validator process ids, read at both ends of each window (a restart changes them).</param>
    /// <param name="crashed">Validators already down for the whole run, for the report.</param>
    /// <param name="killer">Kills the leader during each window; null when off.</param>
    /// <param name="keySet">On an encrypted chain, the key the payloads are encrypted to; null otherwise.</param>
    public BenchRunner(
        LiveValidators validators, Func<IReadOnlyList<int>>? pids, string mode, int validatorCount, int txBytes, int crashed = 0, LeaderKiller? killer = null,
        Crypto.Threshold.ThresholdKeySet? keySet = null, LiveValidators? firmSources = null)
    {
        _validators = validators;
        _firmSources = firmSources ?? validators;
        _pids = pids;
        _mode = mode;
        _validatorCount = validatorCount;
        _txBytes = txBytes;
        _crashed = crashed;
        _killer = killer;
        _payload = new BenchPayload(txBytes) { Sealed = keySet is null ? null : new SealedPayloads(keySet, BenchPayload.Namespace, txBytes) };
    }

    /// <summary>Waits until every validator answers and the chain has committed a block.</summary>
    public static async Task<ulong> WaitReadyAsync(IReadOnlyList<Uri> validators, TimeSpan timeout, Func<string?>? deadNode, CancellationToken ct)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        string last = "no answer yet";
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (deadNode?.Invoke() is { } report)
            {
                throw new InvalidOperationException($"a validator died while starting: {report}");
            }

            try
            {
                ulong min = ulong.MaxValue;
                foreach (var v in validators)
                {
                    min = Math.Min(min, await client.GetFromJsonAsync<ulong>(new Uri(v, "/v1/node/block-height"), ct).ConfigureAwait(false));
                }

                if (min >= 1)
                {
                    return min;
                }

                last = "no block committed yet";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !ct.IsCancellationRequested)
            {
                last = e.Message;
            }

            await Task.Delay(200, ct).ConfigureAwait(false);
        }

        throw new TimeoutException($"the validators were not ready within {timeout.TotalSeconds:0} s ({last})");
    }

    /// <summary>
    /// Offers each rate in turn and measures it. First, for <paramref name="warmupSeconds"/>, the lowest rate is offered,
    /// drained and thrown away: a freshly started .NET process (validators and this bench alike) runs unoptimised
    /// tier-0 JIT code for its first seconds, and the numbers should describe the steady state, as published
    /// measurements do.
    /// </summary>
    public async Task<List<BenchResult>> RunAsync(IReadOnlyList<double> rates, int seconds, int warmupSeconds, ulong fromHeight, Action<BenchResult> progress, CancellationToken ct)
    {
        var watcher = new FirmWatcher(_firmSources, _payload, fromHeight);
        using var stopWatcher = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var watching = watcher.RunAsync(stopWatcher.Token);
        using var soft = new SoftSampler();
        var senders = Enumerable.Range(0, SenderCount).Select(i => new LoadSender(_validators, i, SenderCount, _payload, soft)).ToList();
        var results = new List<BenchResult>();
        try
        {
            if (warmupSeconds > 0)
            {
                var warmupRate = rates.Min();
                Console.Error.WriteLine($"fairway bench: warm-up (discarded): {warmupRate:0} tx/s for {warmupSeconds} s");
                await RunRateAsync(warmupRate, warmupSeconds, watcher, soft, senders, measured: false, ct).ConfigureAwait(false);
            }

            foreach (var rate in rates)
            {
                var result = await RunRateAsync(rate, seconds, watcher, soft, senders, measured: true, ct).ConfigureAwait(false);
                results.Add(result);
                progress(result);
            }
        }
        finally
        {
            foreach (var s in senders)
            {
                s.Dispose();
            }

            await stopWatcher.CancelAsync().ConfigureAwait(false);
            try
            {
                await watching.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return results;
    }

    /// <param name="measured">False for the warm-up: no leader is killed then, so every window starts from a settled network.</param>
    private async Task<BenchResult> RunRateAsync(double rate, int seconds, FirmWatcher watcher, SoftSampler soft, List<LoadSender> senders, bool measured, CancellationToken ct)
    {
        _payload.Sealed?.Prepare(_payload, _nextCounter, new OpenLoopSchedule(rate, seconds, 0).Count);
        var chainStart = await ChainSnapshotAsync(ct).ConfigureAwait(false);

        // Start a little in the future so every sender is waiting before the first transaction is due.
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 5;
        var schedule = new OpenLoopSchedule(rate, seconds, start);
        var run = new RateRun(schedule, _nextCounter);
        _nextCounter += (ulong)schedule.Count;
        watcher.Add(run);
        Console.Error.WriteLine($"fairway bench: {_mode}, {rate:0} tx/s for {seconds} s ({schedule.Count} transactions of {_txBytes} bytes)");

        var softDeadline = schedule.EndTimestamp + (long)(DrainMax.TotalSeconds * Stopwatch.Frequency);
        var pidsStart = _pids?.Invoke();
        var cpuStart = pidsStart?.Select(ProcessSampler.CpuSeconds).ToList();
        var benchCpuStart = ProcessSampler.CpuSeconds(Environment.ProcessId);
        var sending = Task.WhenAll(senders.Select(s => s.RunAsync(run, softDeadline, ct)));
        var killing = measured && _killer is not null ? _killer.RunAsync(start, schedule.EndTimestamp, ct) : Task.FromResult(0);

        // CPU is measured over the window itself, not the drain.
        var untilEnd = TimeSpan.FromSeconds((schedule.EndTimestamp - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);
        if (untilEnd > TimeSpan.Zero)
        {
            await Task.Delay(untilEnd, ct).ConfigureAwait(false);
        }

        var pidsEnd = _pids?.Invoke();
        var cpuEnd = pidsEnd?.Select(ProcessSampler.CpuSeconds).ToList();
        var benchCpuEnd = ProcessSampler.CpuSeconds(Environment.ProcessId);
        var windowSeconds = (double)seconds;
        var leaderKills = await killing.ConfigureAwait(false);
        var chainEnd = await ChainSnapshotAsync(ct).ConfigureAwait(false);
        var (blocksPerSecond, roundsTimedOut) = ChainDelta(chainStart, chainEnd);
        await sending.ConfigureAwait(false);

        // Drain: wait (bounded) for every accepted transaction to be seen firm before the next rate.
        var drainDeadline = Stopwatch.GetTimestamp() + (long)(DrainMax.TotalSeconds * Stopwatch.Frequency);
        while (run.FirmAcceptedCount < run.AcceptedCount && Stopwatch.GetTimestamp() < drainDeadline)
        {
            await Task.Delay(50, ct).ConfigureAwait(false);
        }

        await soft.WhenAllAsync().ConfigureAwait(false);
        if (_killer is not null)
        {
            await _killer.WaitAllBackAsync().ConfigureAwait(false);
        }

        var committed = run.FirmInWindow / windowSeconds;
        var received = run.ReceivedStats();
        var firm = run.FirmStats();
        var result = new BenchResult
        {
            Mode = _mode,
            Validators = _validatorCount,
            TxBytes = _txBytes,
            Seconds = seconds,
            OfferedTps = schedule.Count / windowSeconds,
            AcceptedTps = run.AcceptedCount / windowSeconds,
            Rejected = run.RejectedCount,
            CommittedTps = committed,
            MbPerS = committed * _txBytes / 1_000_000.0,
            Uncommitted = run.Uncommitted(),
            Received = received,
            Soft = run.Soft.Stats(),
            Firm = firm,
            // A validator restarted during the window is a different process at the end: its CPU share is unknown.
            CpuPercent = cpuStart is null || cpuEnd is null || pidsStart is null || pidsEnd is null
                ? null
                : Enumerable.Range(0, cpuStart.Count)
                    .Select(i => pidsStart[i] == pidsEnd[i] && cpuStart[i] is { } x && cpuEnd[i] is { } y ? (y - x) / windowSeconds * 100 : (double?)null).ToList(),
            BenchCpuPercent = benchCpuStart is { } bs && benchCpuEnd is { } be ? (be - bs) / windowSeconds * 100 : null,
            PeakRssMb = pidsEnd?.Select(ProcessSampler.PeakRssMb).ToList(),
            Crashed = _crashed,
            KillLeaderEverySeconds = _killer?.EverySeconds ?? 0,
            LeaderKills = leaderKills,
            BlocksPerSecond = blocksPerSecond,
            RoundsTimedOut = roundsTimedOut,
            LastError = run.LastError ?? (run.FirmCount == 0 ? watcher.LastError : null),
        };
        if (result.Rejected > 0 && result.LastError is not null)
        {
            Console.Error.WriteLine($"fairway bench: {result.Rejected} transactions not accepted (last: {result.LastError})");
        }

        if (soft.Skipped > 0)
        {
            Console.Error.WriteLine($"fairway bench: soft sampling skipped {soft.Skipped} samples so far (poller at its cap)");
        }

        return result;
    }

    /// <summary>Every validator's metrics now (null where it does not answer), the time they were read, and kill counts.</summary>
    private async Task<ChainSnapshot> ChainSnapshotAsync(CancellationToken ct)
    {
        var reads = _validators.All.Select(v => ValidatorMetrics.ReadAsync(_metricsClient, v, ct)).ToList();
        var metrics = await Task.WhenAll(reads).ConfigureAwait(false);
        var kills = Enumerable.Range(0, _validators.Count).Select(i => _killer?.KillsOf(i) ?? 0).ToList();
        return new ChainSnapshot(metrics, Stopwatch.GetTimestamp(), kills);
    }

    /// <summary>
    /// Blocks per second and timed-out rounds over the window, both from the first validator that answered at both ends
    /// and was not killed in between: a restarted validator's counters start again from zero, and a crashed one has none.
    /// </summary>
    private static (double? BlocksPerSecond, long? RoundsTimedOut) ChainDelta(ChainSnapshot start, ChainSnapshot end)
    {
        var seconds = (end.Timestamp - start.Timestamp) / (double)Stopwatch.Frequency;
        for (var i = 0; i < start.Metrics.Length; i++)
        {
            if (start.Metrics[i] is { } a && end.Metrics[i] is { } b && start.Kills[i] == end.Kills[i] && b.Height >= a.Height && seconds > 0)
            {
                return ((b.Height - a.Height) / seconds, b.RoundsTimedOut - a.RoundsTimedOut);
            }
        }

        return (null, null);
    }

    public void Dispose() => _metricsClient.Dispose();

    private sealed record ChainSnapshot(ValidatorMetrics?[] Metrics, long Timestamp, IReadOnlyList<int> Kills);
}

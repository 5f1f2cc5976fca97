using System.Diagnostics;
using System.Net.Http.Json;

namespace Fairway.Cli.Bench;

/// <summary>Runs the open-loop load at each rate against a set of validator APIs and measures it.</summary>
internal sealed class BenchRunner
{
    private const int SenderCount = 8;
    private static readonly TimeSpan DrainMax = TimeSpan.FromSeconds(30);

    private readonly IReadOnlyList<Uri> _validators;
    private readonly IReadOnlyList<int>? _pids;
    private readonly string _mode;
    private readonly int _validatorCount;
    private readonly int _txBytes;
    private readonly BenchPayload _payload;
    private ulong _nextCounter;

    public BenchRunner(IReadOnlyList<Uri> validators, IReadOnlyList<int>? pids, string mode, int validatorCount, int txBytes)
    {
        _validators = validators;
        _pids = pids;
        _mode = mode;
        _validatorCount = validatorCount;
        _txBytes = txBytes;
        _payload = new BenchPayload(txBytes);
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
        var watcher = new FirmWatcher(_validators[0], _payload, fromHeight);
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
                await RunRateAsync(warmupRate, warmupSeconds, watcher, soft, senders, ct).ConfigureAwait(false);
            }

            foreach (var rate in rates)
            {
                var result = await RunRateAsync(rate, seconds, watcher, soft, senders, ct).ConfigureAwait(false);
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

    private async Task<BenchResult> RunRateAsync(double rate, int seconds, FirmWatcher watcher, SoftSampler soft, List<LoadSender> senders, CancellationToken ct)
    {
        // Start a little in the future so every sender is waiting before the first transaction is due.
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 5;
        var schedule = new OpenLoopSchedule(rate, seconds, start);
        var run = new RateRun(schedule, _nextCounter);
        _nextCounter += (ulong)schedule.Count;
        watcher.Add(run);
        Console.Error.WriteLine($"fairway bench: {_mode}, {rate:0} tx/s for {seconds} s ({schedule.Count} transactions of {_txBytes} bytes)");

        var softDeadline = schedule.EndTimestamp + (long)(DrainMax.TotalSeconds * Stopwatch.Frequency);
        var cpuStart = _pids?.Select(ProcessSampler.CpuSeconds).ToList();
        var benchCpuStart = ProcessSampler.CpuSeconds(Environment.ProcessId);
        var sending = Task.WhenAll(senders.Select(s => s.RunAsync(run, softDeadline, ct)));

        // CPU is measured over the window itself, not the drain.
        var untilEnd = TimeSpan.FromSeconds((schedule.EndTimestamp - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);
        if (untilEnd > TimeSpan.Zero)
        {
            await Task.Delay(untilEnd, ct).ConfigureAwait(false);
        }

        var cpuEnd = _pids?.Select(ProcessSampler.CpuSeconds).ToList();
        var benchCpuEnd = ProcessSampler.CpuSeconds(Environment.ProcessId);
        var windowSeconds = (double)seconds;
        await sending.ConfigureAwait(false);

        // Drain: wait (bounded) for every accepted transaction to be seen firm before the next rate.
        var drainDeadline = Stopwatch.GetTimestamp() + (long)(DrainMax.TotalSeconds * Stopwatch.Frequency);
        while (run.FirmAcceptedCount < run.AcceptedCount && Stopwatch.GetTimestamp() < drainDeadline)
        {
            await Task.Delay(50, ct).ConfigureAwait(false);
        }

        await soft.WhenAllAsync().ConfigureAwait(false);
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
            CpuPercent = cpuStart is null || cpuEnd is null
                ? null
                : cpuStart.Zip(cpuEnd, (a, b) => a is { } x && b is { } y ? (y - x) / windowSeconds * 100 : (double?)null).ToList(),
            BenchCpuPercent = benchCpuStart is { } bs && benchCpuEnd is { } be ? (be - bs) / windowSeconds * 100 : null,
            PeakRssMb = _pids?.Select(ProcessSampler.PeakRssMb).ToList(),
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
}

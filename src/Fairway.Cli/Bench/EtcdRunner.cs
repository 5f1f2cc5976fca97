using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;

namespace Fairway.Cli.Bench;

/// <summary>
/// Runs the open-loop load at each rate against an etcd cluster, as <see cref="BenchRunner"/> does against validators:
/// the same schedule, warm-up, window and CPU accounting, with one gRPC <c>Put</c> per transaction. A put's latency
/// counts from its scheduled send time to its OK, which etcd gives after the Raft commit and fsync: it is reported as
/// both received and firm.
/// </summary>
internal sealed class EtcdRunner
{
    public const string Mode = "etcd";
    private const int SenderCount = 4;

    private readonly EtcdCluster _cluster;
    private readonly int _txBytes;
    private readonly BenchPayload _payload;
    private ulong _nextCounter;

    public EtcdRunner(EtcdCluster cluster, int txBytes)
    {
        _cluster = cluster;
        _txBytes = txBytes;
        _payload = new BenchPayload(txBytes);
    }

    /// <summary>Waits until every member takes a put: the cluster has elected a leader and every member reaches it.</summary>
    public static async Task WaitReadyAsync(EtcdCluster cluster, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var last = "no answer yet";
        var request = EtcdPut.Encode("fairway-bench/ready"u8, 0, out _);
        foreach (var url in cluster.ClientUrls)
        {
            using var channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions { ThrowOperationCanceledOnCancellation = true });
            var invoker = channel.CreateCallInvoker();
            while (true)
            {
                if (cluster.DeadMemberReport() is { } report)
                {
                    throw new InvalidOperationException($"an etcd member died while starting: {report}");
                }

                if (Stopwatch.GetTimestamp() > deadline)
                {
                    throw new TimeoutException($"the etcd cluster had no leader within {timeout.TotalSeconds:0} s ({url}: {last})");
                }

                try
                {
                    using var call = invoker.AsyncUnaryCall(EtcdPut.Method, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: ct), request);
                    await call.ResponseAsync.ConfigureAwait(false);
                    break;
                }
                catch (RpcException e) when (!ct.IsCancellationRequested)
                {
                    last = $"{e.StatusCode}: {e.Status.Detail}";
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    // Without a leader a put waits; the channel reports its deadline as a cancellation.
                    last = "no answer within 2 s";
                }

                await Task.Delay(200, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The lowest rate for <paramref name="warmupSeconds"/> first (thrown away: tier-0 JIT code in this process), then each rate.</summary>
    public async Task<List<BenchResult>> RunAsync(IReadOnlyList<double> rates, int seconds, int warmupSeconds, Action<BenchResult> progress, CancellationToken ct)
    {
        var senders = Enumerable.Range(0, SenderCount).Select(i => new EtcdLoadSender(_cluster.ClientUrls, i, SenderCount, _payload)).ToList();
        var results = new List<BenchResult>();
        try
        {
            if (warmupSeconds > 0)
            {
                var warmupRate = rates.Min();
                Console.Error.WriteLine($"fairway bench: warm-up (discarded): {warmupRate:0} tx/s for {warmupSeconds} s");
                await RunRateAsync(warmupRate, warmupSeconds, senders, ct).ConfigureAwait(false);
            }

            foreach (var rate in rates)
            {
                var result = await RunRateAsync(rate, seconds, senders, ct).ConfigureAwait(false);
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
        }

        return results;
    }

    private async Task<BenchResult> RunRateAsync(double rate, int seconds, List<EtcdLoadSender> senders, CancellationToken ct)
    {
        // Start a little in the future so every sender is waiting before the first put is due.
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 5;
        var schedule = new OpenLoopSchedule(rate, seconds, start);
        var run = new RateRun(schedule, _nextCounter);
        _nextCounter += (ulong)schedule.Count;
        Console.Error.WriteLine($"fairway bench: {Mode}, {rate:0} puts/s for {seconds} s ({schedule.Count} puts of {_txBytes} bytes)");

        var pids = _cluster.ProcessIds;
        var cpuStart = pids.Select(ProcessSampler.CpuSeconds).ToList();
        var benchCpuStart = ProcessSampler.CpuSeconds(Environment.ProcessId);
        var sending = Task.WhenAll(senders.Select(s => s.RunAsync(run, ct)));

        // CPU is measured over the window itself, not the drain.
        var untilEnd = TimeSpan.FromSeconds((schedule.EndTimestamp - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);
        if (untilEnd > TimeSpan.Zero)
        {
            await Task.Delay(untilEnd, ct).ConfigureAwait(false);
        }

        var cpuEnd = pids.Select(ProcessSampler.CpuSeconds).ToList();
        var benchCpuEnd = ProcessSampler.CpuSeconds(Environment.ProcessId);
        var windowSeconds = (double)seconds;

        // Drain: every put still in flight ends (OK, error or its deadline) before the next rate starts.
        await sending.ConfigureAwait(false);
        if (_cluster.DeadMemberReport() is { } dead)
        {
            throw new InvalidOperationException($"an etcd member died during the run: {dead}");
        }

        var committed = run.FirmInWindow / windowSeconds;
        var result = new BenchResult
        {
            Mode = Mode,
            Validators = EtcdCluster.MemberCount,
            TxBytes = _txBytes,
            Seconds = seconds,
            OfferedTps = schedule.Count / windowSeconds,
            AcceptedTps = run.AcceptedCount / windowSeconds,
            Rejected = run.RejectedCount,
            CommittedTps = committed,
            MbPerS = committed * _txBytes / 1_000_000.0,
            Uncommitted = run.Uncommitted(),
            Received = run.ReceivedStats(),
            Soft = LatencyStats.Empty,
            Firm = run.FirmStats(),
            CpuPercent = Enumerable.Range(0, pids.Count)
                .Select(i => cpuStart[i] is { } x && cpuEnd[i] is { } y ? (y - x) / windowSeconds * 100 : (double?)null).ToList(),
            BenchCpuPercent = benchCpuStart is { } bs && benchCpuEnd is { } be ? (be - bs) / windowSeconds * 100 : null,
            PeakRssMb = pids.Select(ProcessSampler.PeakRssMb).ToList(),
            LastError = run.LastError,
        };
        if (result.Rejected > 0 && result.LastError is not null)
        {
            Console.Error.WriteLine($"fairway bench: {result.Rejected} puts failed (last: {result.LastError})");
        }

        return result;
    }
}

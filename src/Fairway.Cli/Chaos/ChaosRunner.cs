using System.Collections.Concurrent;
using Fairway.Chaos;
using Fairway.Chaos.History;
using Fairway.Chaos.Schedule;
using Fairway.Client;

namespace Fairway.Cli.Chaos;

/// <summary>
/// One campaign: a fresh network behind fault proxies, steady load through the SDK, every stream followed, the planned
/// faults injected and healed, then a settling period, every node's output read back, and the history checked.
/// </summary>
internal static class ChaosRunner
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(3);

    public static async Task<ChaosOutcome> RunAsync(ChaosOptions options, IReadOnlyList<PlannedFault> plan, TextWriter log, CancellationToken stop)
    {
        var notes = new List<string>();
        var wantsDisk = options.Faults.Contains(FaultKind.Disk);
        Fairway.Chaos.Netns.NetnsNetwork? netns = null;
        if (options.Netns)
        {
            if (Fairway.Chaos.Netns.NetnsNetwork.Unavailable() is { } why)
            {
                notes.Add($"network namespaces left out ({why}): validators run on loopback and partitions are made by the proxies");
                log.WriteLine($"fairway chaos: --netns: network namespaces and iptables are not usable here ({why}); running on loopback, partitions by the proxies");
            }
            else
            {
                netns = Fairway.Chaos.Netns.NetnsNetwork.Create(options.Validators);
                notes.Add($"validators in network namespaces on a bridge ({netns.HostAddress}/24); partitions by iptables rules");
            }
        }

        ChaosNetwork started;
        string? mountError;
        try
        {
            started = ChaosNetwork.Start(options.Validators, options.Seed, options.OutDir is null ? null : Path.Combine(options.OutDir, "network"), wantsDisk, netns, out mountError);
        }
        catch
        {
            netns?.Dispose();
            throw;
        }

        await using var network = started;
        if (mountError is not null)
        {
            notes.Add($"disk faults left out: {mountError}");
            log.WriteLine($"fairway chaos: disk faults left out: {mountError}");
        }

        log.WriteLine($"fairway chaos: {options.Validators} validators in {network.Directory}; waiting for blocks");
        await WaitReadyAsync(network, stop).ConfigureAwait(false);

        var trust = TrustedChain.FromGenesisFile(network.GenesisPath);
        var clock = new ChaosClock(TimeProvider.System);
        var apis = network.Apis;
        var progress = new ProgressRecorder(apis, clock);
        var streams = new StreamRecorder(apis, trust, clock, ChaosOptions.Namespace);
        using var workload = new ChaosWorkload(apis, trust, clock, ChaosOptions.Namespace, options.Rate, options.Seed);
        var injector = new FaultInjector(network, progress, clock, log);
        var watchdogFindings = new ConcurrentQueue<Finding>();

        using var stopAll = CancellationTokenSource.CreateLinkedTokenSource(stop);
        using var stopSubmitting = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var progressTask = progress.RunAsync(stopAll.Token);
        var streamTask = streams.RunAsync(stopAll.Token);
        var workloadTask = workload.RunAsync(stopSubmitting.Token, stopAll.Token);
        var injectorTask = injector.RunAsync(plan, stop);
        var watchdogTask = WatchAsync(network, injector, clock, watchdogFindings, notes, log, stopAll.Token);

        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(options.DurationMs), stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Interrupted: heal, stop the clients, and leave at once (the network is stopped and unmounted as this
            // method unwinds); the command has a bounded time to exit after SIGTERM, too short to settle and read back.
            log.WriteLine("fairway chaos: interrupted; healing and stopping the network");
            await injectorTask.ConfigureAwait(false);
            await stopAll.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(progressTask, streamTask, workloadTask, watchdogTask).ConfigureAwait(false);
            throw;
        }

        await injectorTask.ConfigureAwait(false);
        stopSubmitting.Cancel();
        var submitStoppedMs = clock.NowMs;
        log.WriteLine($"fairway chaos: {submitStoppedMs / 1000.0:0.0} s: load stopped; settling");
        await SettleAsync(network, progress, streams, workload, options.SettleMaxMs, CancellationToken.None).ConfigureAwait(false);
        var endMs = clock.NowMs;
        await stopAll.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(progressTask, streamTask, workloadTask, watchdogTask).ConfigureAwait(false);

        log.WriteLine($"fairway chaos: {endMs / 1000.0:0.0} s: reading every validator's output");
        var readFindings = new ConcurrentQueue<Finding>();
        var outputs = await OutputReader.ReadAllAsync(apis, trust, ChaosOptions.Namespace, readFindings, CancellationToken.None).ConfigureAwait(false);
        var history = new ChaosHistory(workload.Snapshot(), streams.Deliveries, streams.Reconnects, outputs, injector.Records, progress.Samples, endMs);
        var check = HistoryChecker.Check(history, new CheckOptions { ResumeBoundMs = options.ResumeBoundMs, SettleMs = endMs - submitStoppedMs });
        var findings = check.Findings.Concat(streams.Findings).Concat(readFindings).Concat(watchdogFindings).ToList();
        notes.AddRange(injector.Skipped.Select(s => $"skipped {s}"));
        return new ChaosOutcome(options, plan, history, check, findings, injector.Counts, notes, workload.Skipped);
    }

    private static async Task WaitReadyAsync(ChaosNetwork network, CancellationToken stop)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (DateTime.UtcNow < deadline)
        {
            for (var i = 0; i < network.Nodes.Count; i++)
            {
                if (network.ExitReport(i) is { } report)
                {
                    throw new InvalidOperationException($"a validator exited while the network was forming: {report}");
                }
            }

            var heights = await Task.WhenAll(network.Apis.Select(api => Bench.ValidatorMetrics.ReadAsync(http, api, stop))).ConfigureAwait(false);
            if (heights.All(m => m is { Height: >= 2 }))
            {
                return;
            }

            await Task.Delay(500, stop).ConfigureAwait(false);
        }

        throw new TimeoutException($"the network did not commit two blocks on every validator within {ReadyTimeout.TotalSeconds} s (logs in {network.Directory})");
    }

    /// <summary>
    /// A validator that exits by itself (not killed by the campaign) is a finding, and is restarted as a supervisor
    /// would. One exception: a validator whose disk the campaign filled may stop cleanly (exit code 3, "disk full"),
    /// which is how it refuses to go on without durable writes; it is restarted once the space is back.
    /// </summary>
    private static async Task WatchAsync(ChaosNetwork network, FaultInjector injector, ChaosClock clock, ConcurrentQueue<Finding> findings, List<string> notes, TextWriter log, CancellationToken stop)
    {
        const int DiskFullExit = 3;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                for (var i = 0; i < network.Nodes.Count; i++)
                {
                    if (network.KilledByCampaign(i) || network.ExitReport(i) is not { } report)
                    {
                        continue;
                    }

                    if (network.ExitCode(i) == DiskFullExit && injector.DiskFullRecently(i, withinMs: 60_000))
                    {
                        if (injector.DiskFull(i))
                        {
                            continue;
                        }

                        lock (notes)
                        {
                            notes.Add($"validator {i} stopped on its full disk (exit {DiskFullExit}) and was restarted at {clock.NowMs / 1000.0:0.0} s, once space was back");
                        }

                        log.WriteLine($"fairway chaos: validator {i} stopped on its full disk; restarting it now that space is back");
                    }
                    else
                    {
                        findings.Enqueue(new Finding("node_exited", $"at {clock.NowMs / 1000.0:0.0} s {report}"));
                        log.WriteLine($"fairway chaos: FINDING: {report}");
                    }

                    network.Restart(i);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Waits until every receipted transaction is firm, and every validator and every stream has reached the height the
    /// chain had when the load stopped, or the bound passes (what is missing then is for the checker to judge).
    /// </summary>
    private static async Task SettleAsync(ChaosNetwork network, ProgressRecorder progress, StreamRecorder streams, ChaosWorkload workload, long maxMs, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(maxMs);
        var target = progress.Latest?.Heights.Max() ?? 0;
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(500, ct).ConfigureAwait(false);
            if (progress.Latest is { } sample && workload.PendingCount == 0
                && sample.Heights.All(h => h >= target)
                && Enumerable.Range(0, network.Nodes.Count).All(i => streams.LastHeight(i) >= target))
            {
                return;
            }
        }
    }
}

/// <summary>Everything a campaign produced, for the report.</summary>
internal sealed record ChaosOutcome(
    ChaosOptions Options,
    IReadOnlyList<PlannedFault> Plan,
    ChaosHistory History,
    CheckResult Check,
    IReadOnlyList<Finding> Findings,
    IReadOnlyDictionary<FaultKind, int> FaultCounts,
    IReadOnlyList<string> Notes,
    long SkippedSubmissions);

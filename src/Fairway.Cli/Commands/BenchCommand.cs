using System.CommandLine;
using System.Globalization;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using Fairway.Cli.Bench;

namespace Fairway.Cli.Commands;

/// <summary>
/// <c>fairway bench</c>: open-loop load against a fresh local network of validator processes (or one validator, the
/// centralized baseline), or against a running network with <c>--url</c>; reports throughput and latency per rate.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var validators = new Option<int>("--validators") { Description = "validators in the local network (1..16)", DefaultValueFactory = _ => 4 };
        var centralized = new Option<bool>("--centralized") { Description = "run ONE validator: the centralized-sequencer baseline" };
        var fullNodes = new Option<int>("--full-nodes")
        {
            Description = "also start this many full nodes with the local network (0..8); firm latency is then read from a full node's stream, as a rollup would read it, so the validators serve no streams",
            DefaultValueFactory = _ => 0,
        };
        var etcd = new Option<bool>("--etcd")
        {
            Description = "instead of validators, a 3-member etcd 3.4 cluster (etcd on PATH: apt-get install etcd-server; fsync on), one gRPC Put per transaction: the baseline, same load generator",
        };
        var url = new Option<string?>("--url") { Description = "API URL(s) of a running network, comma-separated; no local network is started" };
        var txBytes = new Option<int>("--tx-bytes") { Description = "payload bytes per transaction (1..131072)", DefaultValueFactory = _ => 512 };
        var rates = new Option<string>("--rates") { Description = "offered rates in tx/s, comma-separated, run in order", DefaultValueFactory = _ => "5000,10000,20000,40000,80000" };
        var seconds = new Option<int>("--seconds") { Description = "measurement window per rate (1..3600)", DefaultValueFactory = _ => 20 };
        var warmup = new Option<int>("--warmup")
        {
            Description = "seconds of load at the lowest rate before measuring, then discarded (0..600): a fresh .NET process runs unoptimised JIT code at first, and under load on a small machine it takes about a minute to reach optimised code",
            DefaultValueFactory = _ => 60,
        };
        var crashed = new Option<int>("--crashed")
        {
            Description = "SIGKILL this many validators (never validator 0) once the network has committed a few blocks, and keep them down while measuring; load goes to the live ones. At most (validators-1)/3, so the rest keep a >2/3 quorum",
            DefaultValueFactory = _ => 0,
        };
        var killLeaderEvery = new Option<int>("--kill-leader-every")
        {
            Description = "during each measurement window, every S seconds SIGKILL the validator leading the current round and restart it at once (1..600; 0 = off; --validators >= 4, local network only)",
            DefaultValueFactory = _ => 0,
        };
        var policy = new Option<string>("--policy")
        {
            Description = "ordering policy of the local network's chain: fcfs (no fair namespace: the baseline) | fair (every namespace fair) | "
                + "encrypted (every namespace encrypted: payloads are encrypted to the chain's key before each rate starts, and decrypted by the validators after commit); "
                + "several, comma-separated (e.g. fair,encrypted), run one fresh network each in turn and report side by side",
            DefaultValueFactory = _ => "fcfs",
        };
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        var output = new Option<string?>("--out") { Description = "directory for bench.md, latency.svg and bench.json" };
        var command = new Command("bench", """
            measure throughput and latency under open-loop load.
            Every run also reports blocks_per_second and rounds_timed_out, read from /v1/status/metrics of a validator
            that stayed up through the window. Faults (local network only): --crashed N SIGKILLs the N highest-numbered
            validators (never validator 0) after a few blocks and keeps them down; --kill-leader-every S SIGKILLs the
            current leader every S seconds of each window and restarts it, one down at a time. Load goes only to
            validators that are up. --etcd measures a 3-member etcd cluster (fsync on) instead, one gRPC Put per
            transaction under a unique key, with the same open-loop load and report.
            """)
        {
            validators, centralized, url, txBytes, rates, seconds, warmup, crashed, killLeaderEvery, json, output, policy, etcd, fullNodes,
        };
        command.SetAction(async (result, ct) =>
        {
            var isCentralized = result.GetValue(centralized);
            var isEtcd = result.GetValue(etcd);
            var urlText = result.GetValue(url);
            var validatorCount = isCentralized ? 1 : result.GetValue(validators);
            var bytes = result.GetValue(txBytes);
            var window = result.GetValue(seconds);
            var warmupSeconds = result.GetValue(warmup);
            var crashedCount = result.GetValue(crashed);
            var killEvery = result.GetValue(killLeaderEvery);
            var policyNames = (result.GetValue(policy) ?? "fcfs").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();
            var error = Validate(result.GetValue(rates)!, window, warmupSeconds, bytes, validatorCount, isCentralized, urlText, out var rateList)
                ?? ValidateFaults(crashedCount, killEvery, validatorCount, isCentralized, urlText)
                ?? (policyNames.Count > 0 && policyNames.All(p => p is "fcfs" or "fair" or "encrypted") ? null : "--policy must be fcfs, fair or encrypted, or several of them comma-separated")
                ?? (policyNames.Contains("encrypted") && isCentralized ? "--policy encrypted needs the validators' key generation: not with --centralized" : null)
                ?? (policyNames is not ["fcfs"] && urlText is not null ? "--policy applies to a local network; a running one keeps its genesis" : null)
                ?? (isEtcd ? ValidateEtcd(isCentralized, urlText, policyNames, crashedCount, killEvery) : null)
                ?? (result.GetValue(fullNodes) is < 0 or > Node.Setup.NetworkGenerator.FullNodesMax ? $"--full-nodes must be between 0 and {Node.Setup.NetworkGenerator.FullNodesMax}" : null)
                ?? (result.GetValue(fullNodes) > 0 && (urlText is not null || isEtcd) ? "--full-nodes applies to a local network of validators" : null);
            if (error is not null)
            {
                Console.Error.WriteLine($"fairway bench: {error}");
                return 2;
            }

            var etcdBinary = isEtcd ? EtcdCluster.FindBinary() : null;
            if (isEtcd && etcdBinary is null)
            {
                Console.Error.WriteLine("fairway bench: --etcd needs etcd 3.4 on PATH; on Debian or Ubuntu: apt-get install etcd-server");
                return 2;
            }

            if (bytes < 16)
            {
                Console.Error.WriteLine("fairway bench: note: payloads under 16 bytes cannot carry the full counter and nonce; transactions may repeat");
            }

            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var interrupted = false;
            void Interrupt(PosixSignalContext c)
            {
                c.Cancel = true;
                interrupted = true;
                cancel.Cancel();
            }

            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);

            var results = new List<BenchResult>();
            try
            {
                if (etcdBinary is not null)
                {
                    results = await RunEtcdAsync(etcdBinary, bytes, window, warmupSeconds, rateList, () => interrupted || ct.IsCancellationRequested, cancel.Token).ConfigureAwait(false);
                }
                else if (urlText is not null)
                {
                    results = await RunRemoteAsync(urlText, bytes, window, warmupSeconds, rateList, cancel.Token).ConfigureAwait(false);
                }
                else
                {
                    // One fresh network per policy, in the order given: each starts from the same state, one after the other.
                    foreach (var policyName in policyNames)
                    {
                        results.AddRange(await RunLocalAsync(
                            isCentralized, policyName, validatorCount, bytes, window, warmupSeconds, rateList, crashedCount, killEvery, () => interrupted || ct.IsCancellationRequested, cancel.Token, result.GetValue(fullNodes)).ConfigureAwait(false));
                    }
                }
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                Console.Error.WriteLine($"fairway bench: interrupted; {(isEtcd ? "etcd members" : "validators")} stopped");
                return 130;
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException or InvalidOperationException or IOException or UriFormatException or JsonException or ArgumentException)
            {
                Console.Error.WriteLine($"fairway bench: {e.Message}");
                return 1;
            }

            if (result.GetValue(output) is { } dir)
            {
                WriteFiles(dir, results);
            }

            Console.Write(result.GetValue(json) ? BenchReport.Json(results) + Environment.NewLine : BenchReport.Table(results));
            return 0;
        });
        return command;
    }

    internal static string? Validate(string ratesText, int seconds, int warmupSeconds, int txBytes, int validators, bool centralized, string? url, out List<double> rates)
    {
        rates = [];
        foreach (var part in ratesText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || !double.IsFinite(rate) || rate <= 0 || rate > 10_000_000)
            {
                return $"--rates: \"{part}\" is not a positive rate in tx/s (at most 10000000)";
            }

            rates.Add(rate);
        }

        if (rates.Count == 0)
        {
            return "--rates: give at least one rate, e.g. --rates 5000,10000";
        }

        if (seconds is < 1 or > 3600)
        {
            return "--seconds must be between 1 and 3600";
        }

        if (warmupSeconds is < 0 or > 600)
        {
            return "--warmup must be between 0 and 600 seconds";
        }

        if (txBytes is < 1 or > 131_072)
        {
            return "--tx-bytes must be between 1 and 131072";
        }

        if (validators is < 1 or > 16)
        {
            return "--validators must be between 1 and 16";
        }

        if (rates.Any(r => r * seconds > 100_000_000))
        {
            return "--rates x --seconds: at most 100000000 transactions per rate";
        }

        if (rates.Min() * warmupSeconds > 100_000_000)
        {
            return "--warmup x the lowest rate: at most 100000000 transactions";
        }

        if (centralized && url is not null)
        {
            return "--centralized starts its own validator; it cannot be combined with --url";
        }

        return null;
    }

    /// <summary>
    /// Faults need a local network (the bench must own the processes) and must leave a quorum: with n validators at most
    /// f = (n-1)/3 may be down at once, and a leader being killed counts as one more down.
    /// </summary>
    internal static string? ValidateFaults(int crashed, int killLeaderEvery, int validators, bool centralized, string? url)
    {
        var faultsMax = (validators - 1) / 3;
        if (crashed < 0)
        {
            return "--crashed must be 0 or more";
        }

        if (crashed > 0 && url is not null)
        {
            return "--crashed needs the local network it starts; it cannot be combined with --url";
        }

        if (crashed > faultsMax)
        {
            return $"--crashed {crashed}: with {validators} validator(s) at most {faultsMax} may be down, or the rest are not more than 2/3 and commit nothing";
        }

        if (killLeaderEvery is < 0 or > 600)
        {
            return "--kill-leader-every must be between 1 and 600 seconds (0 = off)";
        }

        if (killLeaderEvery > 0)
        {
            if (url is not null || centralized)
            {
                return "--kill-leader-every needs a local network of several validators; it cannot be combined with --url or --centralized";
            }

            if (validators < 4)
            {
                return $"--kill-leader-every needs --validators 4 or more (got {validators}): with fewer, one validator down stops the network";
            }

            if (crashed + 1 > faultsMax)
            {
                return $"--kill-leader-every with --crashed {crashed}: {crashed + 1} of {validators} validators would be down at once, at most {faultsMax} may be";
            }
        }

        return null;
    }

    /// <summary>The etcd baseline replaces the validators: it cannot be combined with anything that configures or faults them.</summary>
    internal static string? ValidateEtcd(bool centralized, string? url, IReadOnlyList<string> policies, int crashed, int killLeaderEvery) =>
        centralized ? "--etcd starts an etcd cluster instead of validators; it cannot be combined with --centralized"
        : url is not null ? "--etcd starts its own etcd cluster; it cannot be combined with --url"
        : policies is not ["fcfs"] ? "--etcd orders nothing: --policy applies to validators only"
        : crashed != 0 ? "--etcd cannot be combined with --crashed"
        : killLeaderEvery != 0 ? "--etcd cannot be combined with --kill-leader-every"
        : null;

    private static async Task<List<BenchResult>> RunEtcdAsync(string binary, int txBytes, int seconds, int warmupSeconds, List<double> rates, Func<bool> interrupted, CancellationToken ct)
    {
        Console.Error.WriteLine($"fairway bench: starting a {EtcdCluster.MemberCount}-member etcd cluster ({binary})");
        var cluster = EtcdCluster.Start(binary);
        try
        {
            await EtcdRunner.WaitReadyAsync(cluster, TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
            Console.Error.WriteLine($"fairway bench: etcd cluster up at {string.Join(", ", cluster.ClientUrls)}");
            return await new EtcdRunner(cluster, txBytes).RunAsync(rates, seconds, warmupSeconds, r => EtcdProgress(r), ct).ConfigureAwait(false);
        }
        finally
        {
            cluster.StopGrace = interrupted() ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(10);
            await cluster.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static void EtcdProgress(BenchResult r) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fairway bench:   offered {r.OfferedTps:0} committed {r.CommittedTps:0} puts/s, {r.Rejected} failed, p50 {r.Firm.P50Ms:0} p90 {r.Firm.P90Ms:0} p99 {r.Firm.P99Ms:0} ms, cpu% {string.Join('/', r.CpuPercent?.Select(c => c is { } v ? v.ToString("0", CultureInfo.InvariantCulture) : "-") ?? [])}"));

    private static async Task<List<BenchResult>> RunLocalAsync(bool centralized, string policy, int validators, int txBytes, int seconds, int warmupSeconds, List<double> rates, int crashed, int killLeaderEvery, Func<bool> interrupted, CancellationToken ct, int fullNodes = 0)
    {
        Console.Error.WriteLine($"fairway bench: starting {validators} validator process(es){(fullNodes > 0 ? $" and {fullNodes} full node(s); firm is read from the full nodes" : "")}");
        var network = LocalNetwork.Start(validators, policy, fullNodes);
        try
        {
            var apis = network.Nodes.Select(n => new Uri(n.ApiUrl)).ToList();
            var fullApis = network.FullNodes.Select(n => new Uri(n.ApiUrl)).ToList();
            var height = await BenchRunner.WaitReadyAsync(apis, TimeSpan.FromSeconds(180), network.DeadNodeReport, ct).ConfigureAwait(false);
            if (fullApis.Count > 0)
            {
                await BenchRunner.WaitReadyAsync(fullApis, TimeSpan.FromSeconds(180), network.DeadNodeReport, ct).ConfigureAwait(false);
            }

            Console.Error.WriteLine($"fairway bench: network up at height {height}");
            var live = new LiveValidators(apis);
            if (crashed > 0)
            {
                height = await CrashAsync(network, live, crashed, height, ct).ConfigureAwait(false);
            }

            using var killer = killLeaderEvery > 0 ? new LeaderKiller(network, live, killLeaderEvery) : null;
            var keySet = policy == Ordering.Output.EncryptedPolicy.PolicyName ? await WaitForKeyAsync(apis[0], ct).ConfigureAwait(false) : null;
            using var runner = new BenchRunner(
                live, () => network.ProcessIds, (centralized ? "centralized" : "decentralized") + (policy == "fcfs" ? "" : $" {policy}") + (fullNodes > 0 ? " +full" : ""), validators, txBytes, crashed, killer, keySet,
                fullApis.Count > 0 ? new LiveValidators(fullApis) : null);
            return await runner.RunAsync(rates, seconds, warmupSeconds, height, r => Progress(r), ct).ConfigureAwait(false);
        }
        finally
        {
            // After Ctrl-C the process has only a couple of seconds left: stop quickly.
            network.StopGrace = interrupted() ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(10);
            await network.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The key the local network's validators generated at genesis (a few dozen heights after start).</summary>
    private static async Task<Crypto.Threshold.ThresholdKeySet> WaitForKeyAsync(Uri api, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(180);
        var state = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var view = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri(api, "/v1/node/encryption-key"), ct).ConfigureAwait(false));
                var answer = Client.EncryptionKeyAnswer.Read(view.RootElement);
                state = answer.Describe();
                if (answer.KeySet is { } keySet)
                {
                    Console.Error.WriteLine("fairway bench: the validators' encryption key is ready");
                    return keySet;
                }

                if (answer.State == "failed")
                {
                    break;
                }
            }
            catch (Exception e) when (e is HttpRequestException or Client.VerificationException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                state = e.Message;
            }

            await Task.Delay(200, ct).ConfigureAwait(false);
        }

        throw new InvalidOperationException($"the local network's encryption key is not ready ({state})");
    }

    /// <summary>
    /// Waits for a few committed blocks (so every validator has joined the chain, not just started), then SIGKILLs the
    /// last <paramref name="count"/> validators: never validator 0, and none of them takes load afterwards. The
    /// warm-up that follows also gives leader reputation its window to pass the dead ones over.
    /// </summary>
    private static async Task<ulong> CrashAsync(LocalNetwork network, LiveValidators live, int count, ulong height, CancellationToken ct)
    {
        var apis = live.All;
        var target = height + 3;
        var reached = height;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        using (var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) })
        {
            while (reached < target)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"the network did not reach height {target} within 60 s (at {reached})");
                }

                await Task.Delay(200, ct).ConfigureAwait(false);
                reached = await client.GetFromJsonAsync<ulong>(new Uri(apis[0], "/v1/node/block-height"), ct).ConfigureAwait(false);
            }
        }

        var victims = Enumerable.Range(apis.Count - count, count).ToList();
        foreach (var i in victims)
        {
            live.SetDown(i, true);
            network.Kill(i);
        }

        Console.Error.WriteLine($"fairway bench: at height {reached} killed validator(s) {string.Join(", ", victims)} (SIGKILL); they stay down, load goes to {string.Join(", ", live.UpIndices())}");
        return reached;
    }

    private static async Task<List<BenchResult>> RunRemoteAsync(string urlText, int txBytes, int seconds, int warmupSeconds, List<double> rates, CancellationToken ct)
    {
        var apis = urlText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(u => new Uri(u)).ToList();
        if (apis.Count == 0)
        {
            throw new ArgumentException("--url: give at least one API URL");
        }

        var height = await BenchRunner.WaitReadyAsync(apis, TimeSpan.FromSeconds(10), null, ct).ConfigureAwait(false);
        var validatorCount = apis.Count;
        using (var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) })
        {
            using var set = JsonDocument.Parse(await client.GetStringAsync(new Uri(apis[0], "/v1/node/validators"), ct).ConfigureAwait(false));
            validatorCount = set.RootElement.GetProperty("validators").GetArrayLength();
        }

        using var runner = new BenchRunner(new LiveValidators(apis), null, validatorCount > 1 ? "decentralized" : "centralized", validatorCount, txBytes);
        return await runner.RunAsync(rates, seconds, warmupSeconds, height, r => Progress(r), ct).ConfigureAwait(false);
    }

    private static void Progress(BenchResult r) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fairway bench:   offered {r.OfferedTps:0} accepted {r.AcceptedTps:0} committed {r.CommittedTps:0} tx/s, {r.BlocksPerSecond:0.0} blocks/s, {r.RoundsTimedOut} rounds timed out, {r.LeaderKills} leader kills, firm p50 {r.Firm.P50Ms:0} p99 {r.Firm.P99Ms:0} ms, uncommitted {r.Uncommitted}"));

    /// <summary>Writes bench.json, bench.md and latency.svg; runs of other modes already in bench.json are kept, so
    /// running both modes into one directory draws both lines.</summary>
    private static void WriteFiles(string dir, List<BenchResult> results)
    {
        Directory.CreateDirectory(dir);
        var jsonPath = Path.Combine(dir, "bench.json");
        var all = new List<BenchResult>();
        if (File.Exists(jsonPath))
        {
            try
            {
                var keys = results.Select(r => r.SeriesLabel).ToHashSet();
                all.AddRange(BenchReport.ParseJson(File.ReadAllText(jsonPath)).Where(r => !keys.Contains(r.SeriesLabel)));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                Console.Error.WriteLine($"fairway bench: ignoring unreadable {jsonPath}: {e.Message}");
            }
        }

        all.AddRange(results);
        File.WriteAllText(jsonPath, BenchReport.Json(all));
        File.WriteAllText(Path.Combine(dir, "bench.md"), BenchReport.Markdown(all));
        File.WriteAllText(Path.Combine(dir, "latency.svg"), BenchReport.Svg(all));
        Console.Error.WriteLine($"fairway bench: wrote {Path.Combine(dir, "bench.md")} and {Path.Combine(dir, "latency.svg")}");
    }
}

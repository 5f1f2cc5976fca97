using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Fairway.Core.Crypto;
using Fairway.Core.Validators;
using Fairway.Node.Config;
using Fairway.Node.Setup;

namespace Fairway.Devnet.Tests;

/// <summary>
/// A local network of real validator processes (the built <c>fairway</c> binary) on loopback, for tests that kill and
/// restart them. Every wait is on a condition with a generous deadline; nothing sleeps and hopes.
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private readonly Process?[] _processes;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <param name="standby">The last validators that start on the roster with stake 0 (see NetworkGenerator).</param>
    public TestCluster(int validators = 4, int standby = 0)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("fairway-devnet-").FullName;
        var basePort = FreePortBlock(validators);
        Nodes = NetworkGenerator.Generate(Directory, validators, basePort, standby: standby).Nodes;
        var genesis = ConfigLoader.LoadGenesis(Path.Combine(Directory, "genesis.json"));
        Validators = new ValidatorSet(genesis.Validators.Select(v => new Validator(v.Name, PublicKey.ParseHex(v.PublicKey), v.Stake)));
        _processes = new Process?[validators];
    }

    public string Directory { get; }

    /// <summary>The cluster's L1 after <see cref="AttachL1Async"/>: a real anvil, killed with the cluster.</summary>
    public Fairway.Settlement.Dev.AnvilProcess? Anvil { get; private set; }

    public Fairway.Settlement.L1Addresses? Contracts { get; private set; }

    /// <summary>
    /// Puts the network on a fresh anvil (a block a second, as a real L1 makes them): contracts deployed, every validator
    /// registered and staked, the L1 in genesis and every config. Before <see cref="StartAll"/>.
    /// </summary>
    public async Task AttachL1Async(int confirmations = 1)
    {
        Anvil = await Fairway.Settlement.Dev.AnvilProcess.StartAsync(blockTimeSeconds: 1).ConfigureAwait(false);
        Contracts = await NetworkL1.AttachAsync(Directory, Nodes, Anvil.Url, Fairway.Settlement.Dev.AnvilProcess.DevAccountKey, confirmations).ConfigureAwait(false);
    }

    /// <summary>A read-only view of the cluster's contracts on its anvil.</summary>
    public async Task<Fairway.Settlement.L1Contracts> L1ReaderAsync() =>
        new(await Fairway.Settlement.L1Connection.ConnectAsync(Anvil!.Url, null).ConfigureAwait(false), Contracts!);

    public IReadOnlyList<GeneratedNode> Nodes { get; }

    public ValidatorSet Validators { get; }

    public int Count => Nodes.Count;

    public bool IsRunning(int i) => _processes[i] is { HasExited: false };

    /// <summary>How validator <paramref name="i"/> exited, or null while it runs (or was never started).</summary>
    public int? ExitCode(int i) => _processes[i] is { HasExited: true } p ? p.ExitCode : null;

    /// <summary>
    /// Validators started from now on run with <c>FAIRWAY_ALLOW_TEST_SETTINGS=1</c>, so their config may hold test-only
    /// keys (set with <see cref="SetConfig"/>); without it the node refuses them.
    /// </summary>
    public bool AllowTestSettings { get; set; }

    /// <summary>Sets one key of a validator's config.json, before it starts.</summary>
    public void SetConfig(int node, string key, System.Text.Json.Nodes.JsonNode value)
    {
        var path = Nodes[node].ConfigPath;
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidOperationException($"{path} is empty");
        config[key] = value;
        File.WriteAllText(path, config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    public void StartAll()
    {
        for (var i = 0; i < Count; i++)
        {
            Start(i);
        }
    }

    public void Start(int i)
    {
        var log = Path.Combine(Directory, Nodes[i].Name, "node.log");
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec dotnet \"$0\" node --config \"$1\" >>\"$2\" 2>&1");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "fairway.dll"));
        start.ArgumentList.Add(Nodes[i].ConfigPath);
        start.ArgumentList.Add(log);
        start.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        if (AllowTestSettings)
        {
            start.Environment["FAIRWAY_ALLOW_TEST_SETTINGS"] = "1";
        }

        _processes[i] = Process.Start(start) ?? throw new InvalidOperationException("could not start a validator");
    }

    /// <summary>SIGSTOP or SIGCONT: the process freezes (or resumes) with its sockets open, as a stalled machine does.</summary>
    public void Signal(int i, int signal) =>
        PosixSignals.Send(_processes[i]?.Id ?? throw new InvalidOperationException($"validator {i} is not running"), signal);

    /// <summary>SIGKILL: no shutdown code runs, as in a power cut.</summary>
    public void Kill(int i)
    {
        if (_processes[i] is { } p)
        {
            p.Kill();
            p.WaitForExit();
            p.Dispose();
            _processes[i] = null;
        }
    }

    public string NodeLog(int i) => File.ReadAllText(Path.Combine(Directory, Nodes[i].Name, "node.log"));

    /// <summary>
    /// Waits for <paramref name="text"/> in validator <paramref name="i"/>'s log. The node's console logger writes from a
    /// queue of its own, so a line may reach the file after the API already shows what it reports.
    /// </summary>
    public Task WaitForLogAsync(int i, string text) =>
        WaitUntilAsync(() => Task.FromResult(NodeLog(i).Contains(text, StringComparison.Ordinal)), $"\"{text}\" in validator {i}'s log");

    public async Task<ulong?> HeightAsync(int i)
    {
        try
        {
            return await _http.GetFromJsonAsync<ulong>(new Uri(Nodes[i].ApiUrl + "/v1/node/block-height")).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    public async Task<JsonElement?> BlockAsync(int i, ulong height)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri($"{Nodes[i].ApiUrl}/v1/availability/block/{height}")).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            return JsonDocument.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false)).RootElement.Clone();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    public async Task<string?> BlockHashAsync(int i, ulong height) => (await BlockAsync(i, height).ConfigureAwait(false))?.GetProperty("hash").GetString();

    public async Task<string?> MetricsAsync(int i)
    {
        try
        {
            return await _http.GetStringAsync(new Uri(Nodes[i].ApiUrl + "/v1/status/metrics")).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    public async Task<double?> MetricAsync(int i, string name)
    {
        var text = await MetricsAsync(i).ConfigureAwait(false);
        var line = text?.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return line is null ? null : double.Parse(line[(name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<bool> SubmitAsync(int i, ulong ns, byte[] payload)
    {
        try
        {
            using var response = await _http.PostAsJsonAsync(new Uri(Nodes[i].ApiUrl + "/v1/submit"), new { @namespace = ns, payload = Convert.ToBase64String(payload) }).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> after the deadline.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? deadline = null)
    {
        var stopwatch = Stopwatch.StartNew();
        var limit = deadline ?? Deadline;
        while (!await condition().ConfigureAwait(false))
        {
            if (stopwatch.Elapsed > limit)
            {
                throw new TimeoutException($"not reached within {limit.TotalSeconds:F0} s: {what}");
            }

            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    public async Task WaitForHeightAsync(IEnumerable<int> nodes, ulong height)
    {
        var list = nodes.ToList();
        try
        {
            await WaitForHeightCoreAsync(list, height).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            // Whoever reads a failed run needs each validator's view, not only that the wait ran out.
            throw new TimeoutException($"{e.Message}\n{await DescribeAsync().ConfigureAwait(false)}", e);
        }
    }

    /// <summary>Each validator's height and the end of its log.</summary>
    public async Task<string> DescribeAsync()
    {
        var lines = new List<string>();
        for (var i = 0; i < Count; i++)
        {
            var log = Path.Combine(Directory, Nodes[i].Name, "node.log");
            var tail = File.Exists(log) ? File.ReadLines(log).TakeLast(12) : ["(no log)"];
            lines.Add($"--- validator {i}: running {IsRunning(i)}, height {await HeightAsync(i).ConfigureAwait(false)}");
            lines.AddRange(tail);
        }

        return string.Join('\n', lines);
    }

    private async Task WaitForHeightCoreAsync(List<int> list, ulong height)
    {
        await WaitUntilAsync(async () =>
        {
            foreach (var i in list)
            {
                if ((await HeightAsync(i).ConfigureAwait(false) ?? 0) < height)
                {
                    return false;
                }
            }

            return true;
        }, $"validators {string.Join(",", list)} reach height {height}").ConfigureAwait(false);
    }

    public async Task<ulong> MinHeightAsync(IEnumerable<int> nodes)
    {
        var heights = new List<ulong>();
        foreach (var i in nodes)
        {
            heights.Add(await HeightAsync(i).ConfigureAwait(false) ?? 0);
        }

        return heights.Min();
    }

    /// <summary>Asserts every listed validator has the same block hash at every height from 1 to <paramref name="upTo"/>.</summary>
    public async Task AssertSameChainAsync(IEnumerable<int> nodes, ulong upTo)
    {
        var list = nodes.ToList();
        for (ulong h = 1; h <= upTo; h++)
        {
            var reference = await BlockHashAsync(list[0], h).ConfigureAwait(false);
            Assert.NotNull(reference);
            foreach (var i in list.Skip(1))
            {
                Assert.Equal(reference, await BlockHashAsync(i, h).ConfigureAwait(false));
            }
        }
    }

    /// <summary>The (round, hash) pairs a validator recorded signing, from its durable audit log.</summary>
    public IReadOnlyList<(string Kind, ulong Round, string Hash)> SignedLog(int i)
    {
        var path = Path.Combine(Directory, Nodes[i].Name, "data", "signed.log");
        return File.Exists(path)
            ? File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => l.Split(' ')).Select(p => (p[0], ulong.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture), p[2])).ToList()
            : [];
    }

    private int _streamAccepted;

    /// <summary>Submissions accepted so far by every <see cref="SubmitStreamAsync"/> of this cluster, read while they run.</summary>
    public int StreamAccepted => Volatile.Read(ref _streamAccepted);

    /// <summary>
    /// A stream of submissions, round-robin over the running validators, until cancelled. Failures (a validator being
    /// killed) are expected and skipped; returns how many were accepted.
    /// </summary>
    public async Task<int> SubmitStreamAsync(CancellationToken stop, int payloadBytes = 512)
    {
        var accepted = 0;
        var counter = 0;
        while (!stop.IsCancellationRequested)
        {
            var i = counter % Count;
            counter++;
            if (!IsRunning(i))
            {
                continue;
            }

            var payload = new byte[payloadBytes];
            BitConverter.TryWriteBytes(payload, counter);
            if (await SubmitAsync(i, 1, payload).ConfigureAwait(false))
            {
                accepted++;
                Interlocked.Increment(ref _streamAccepted);
            }

            try
            {
                await Task.Delay(5, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return accepted;
    }

    public static int FreePortBlock(int validators) => FreePorts.BaseFor(validators);


    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < Count; i++)
        {
            Kill(i);
        }

        if (Anvil is not null)
        {
            await Anvil.DisposeAsync().ConfigureAwait(false);
        }

        _http.Dispose();
        if (Environment.GetEnvironmentVariable("FAIRWAY_KEEP_TEST_DIRS") == "1")
        {
            return;
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}

using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Fairway.Node.Setup;

namespace Fairway.Explorer.Tests;

/// <summary>
/// Four real validator processes (the built <c>fairway</c> binary) on loopback, as in tests/Fairway.Devnet.Tests, with
/// only what the explorer's tests need: start, submit, wait for a transaction to be firm, stop.
/// </summary>
internal sealed class Devnet : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private readonly List<Process> _processes = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public Devnet(int validators)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("fairway-explorer-").FullName;
        Nodes = NetworkGenerator.Generate(Directory, validators, FreePorts.BaseFor(validators)).Nodes;
    }

    public string Directory { get; }

    public IReadOnlyList<GeneratedNode> Nodes { get; }

    public Uri ApiUrl(int i) => new(Nodes[i].ApiUrl);

    /// <summary>Whether a validator has exited: no wait for the network should outlast that.</summary>
    public bool AnyExited => _processes.Any(p => p.HasExited);

    /// <summary>Environment variables for one validator's process, set before <see cref="StartAll"/>.</summary>
    public Dictionary<int, Dictionary<string, string>> Environment { get; } = [];

    public void StartAll()
    {
        foreach (var (node, i) in Nodes.Select((n, i) => (n, i)))
        {
            var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("exec dotnet \"$0\" node --config \"$1\" >>\"$2\" 2>&1");
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "fairway.dll"));
            start.ArgumentList.Add(node.ConfigPath);
            start.ArgumentList.Add(Path.Combine(Directory, node.Name, "node.log"));
            start.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
            foreach (var (key, value) in Environment.GetValueOrDefault(i) ?? [])
            {
                start.Environment[key] = value;
            }

            _processes.Add(Process.Start(start) ?? throw new InvalidOperationException("could not start a validator"));
        }
    }

    public async Task<ulong> HeightAsync(int i)
    {
        try
        {
            return await _http.GetFromJsonAsync<ulong>(new Uri(ApiUrl(i), "/v1/node/block-height"));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return 0;
        }
    }

    /// <summary>Submits one transaction to validator <paramref name="i"/>; its hash, or null when refused or unreachable.</summary>
    public async Task<string?> SubmitAsync(int i, ulong ns, byte[] payload)
    {
        try
        {
            using var response = await _http.PostAsJsonAsync(new Uri(ApiUrl(i), "/v1/submit"), new { @namespace = ns, payload = Convert.ToBase64String(payload) });
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return body.RootElement.GetProperty("hash").GetString();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Waits until validator <paramref name="i"/> reports the transaction firm; its height.</summary>
    public async Task<ulong> WaitFirmAsync(int i, string hash)
    {
        ulong height = 0;
        await WaitUntilAsync(async () =>
        {
            try
            {
                using var response = await _http.GetAsync(new Uri(ApiUrl(i), $"/v1/status/tx/{hash}"));
                if (!response.IsSuccessStatusCode)
                {
                    return false;
                }

                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                var status = body.RootElement.GetProperty("status").GetString();
                if (status is "firm" or "settled")
                {
                    height = body.RootElement.GetProperty("height").GetUInt64();
                    return true;
                }

                return false;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, $"transaction {hash} firm at validator {i}");
        return height;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> after the deadline.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? deadline = null)
    {
        var stopwatch = Stopwatch.StartNew();
        var limit = deadline ?? Deadline;
        while (!await condition())
        {
            if (stopwatch.Elapsed > limit)
            {
                throw new TimeoutException($"not reached within {limit.TotalSeconds:F0} s: {what}");
            }

            await Task.Delay(100);
        }
    }

    public string Logs() => string.Join('\n', Nodes.Select(n =>
    {
        var log = Path.Combine(Directory, n.Name, "node.log");
        return $"--- {n.Name}\n" + (File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(10)) : "(no log)");
    }));

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _processes)
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
                await p.WaitForExitAsync();
            }

            p.Dispose();
        }

        _http.Dispose();
        if (System.Environment.GetEnvironmentVariable("FAIRWAY_KEEP_TEST_DIRS") != "1")
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Fairway.Settlement.Tests;

/// The repository's root (the directory holding Fairway.slnx), found from the test binary's location.
static class Repo
{
    public static string Root { get; } = Find();

    static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Fairway.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Fairway.slnx not found above " + AppContext.BaseDirectory);
    }

    /// Runs a repository script (bounded), returning its stdout; throws with its stderr when it fails.
    public static string RunScript(string script, string arguments = "", int timeoutMs = 180_000)
    {
        var psi = new ProcessStartInfo(Path.Combine(Root, "scripts", script), arguments)
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + script);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"scripts/{script} {arguments} did not finish in {timeoutMs} ms");
        }
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"scripts/{script} {arguments} failed ({p.ExitCode}): {stderr.Result}{stdout.Result}");
        return stdout.Result;
    }
}

/// A real anvil (installed into .tools/ by scripts/l1-tools) on a free loopback port, for one test collection.
/// Anvil mines a block per transaction; tests mine more with `MineAsync`. Killed when the collection ends.
public sealed class AnvilFixture : IAsyncLifetime
{
    Process? _process;
    readonly StringBuilder _log = new();
    readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public string Url { get; private set; } = "";
    public const int ChainId = 31337;

    public async Task InitializeAsync()
    {
        var anvil = Repo.RunScript("l1-tools").Split('\n')
            .Single(l => l.StartsWith("anvil=", StringComparison.Ordinal))["anvil=".Length..].Trim();
        // A port picked free can be taken before anvil binds it; a few attempts cover that race.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreeLoopbackPort();
            if (await TryStartAsync(anvil, port)) return;
            if (attempt == 3) throw new InvalidOperationException("anvil did not start: " + Log());
        }
    }

    async Task<bool> TryStartAsync(string anvil, int port)
    {
        var psi = new ProcessStartInfo(anvil,
            $"--host 127.0.0.1 --port {port} --chain-id {ChainId}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start anvil");
        p.OutputDataReceived += (_, e) => Append(e.Data);
        p.ErrorDataReceived += (_, e) => Append(e.Data);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _process = p;
        Url = $"http://127.0.0.1:{port}";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (p.HasExited) { Stop(); return false; }
            try
            {
                var chainId = await RpcAsync("eth_chainId");
                if (chainId.GetString() is not null) return true;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(50);
        }
        Stop();
        throw new TimeoutException("anvil did not answer within 20 s: " + Log());
    }

    void Append(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            if (_log.Length > 64_000) _log.Remove(0, 32_000);
            _log.AppendLine(line);
        }
    }

    string Log() { lock (_log) return _log.ToString(); }

    public async Task<JsonElement> RpcAsync(string method, params object[] parameters)
    {
        var body = JsonSerializer.Serialize(new { jsonrpc = "2.0", id = 1, method, @params = parameters });
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri(Url), content);
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        if (doc.RootElement.TryGetProperty("error", out var error))
            throw new InvalidOperationException($"{method}: {error}");
        return doc.RootElement.GetProperty("result").Clone();
    }

    public Task MineAsync(long blocks) =>
        RpcAsync("anvil_mine", "0x" + blocks.ToString("x", CultureInfo.InvariantCulture));

    public Task SetBalanceAsync(string address, System.Numerics.BigInteger wei) =>
        RpcAsync("anvil_setBalance", address, "0x" + wei.ToString("x", CultureInfo.InvariantCulture).TrimStart('0').PadLeft(1, '0'));

    public async Task<long> BlockNumberAsync() =>
        long.Parse((await RpcAsync("eth_blockNumber")).GetString()![2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    void Stop()
    {
        if (_process is null) return;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
        _process = null;
    }

    public Task DisposeAsync()
    {
        Stop();
        _http.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition("anvil")]
public sealed class AnvilCollection : ICollectionFixture<AnvilFixture>;

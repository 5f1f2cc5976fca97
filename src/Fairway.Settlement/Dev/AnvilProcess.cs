using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Fairway.Settlement.Dev;

/// <summary>
/// A local anvil (Foundry's Ethereum development chain) on a free loopback port, for the devnet and the tests. It
/// mines instantly, or every <c>blockTimeSeconds</c>; it is killed with this object. The binary comes from the npm
/// package <c>@foundry-rs/anvil-linux-amd64</c>, which <c>scripts/l1-tools</c> installs when it is missing.
/// </summary>
public sealed class AnvilProcess : IAsyncDisposable
{
    /// <summary>anvil's default chain id.</summary>
    public const int ChainId = 31337;

    /// <summary>
    /// anvil's first development account (from its published default mnemonic, funded with 10,000 ether on every
    /// fresh anvil): the devnet's deployer. Never a key for a real chain.
    /// </summary>
    public const string DevAccountKey = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

    private readonly Process _process;

    private AnvilProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public int ProcessId => _process.Id;

    /// <param name="statePath">When given, anvil loads its chain from this file if it exists and writes it back every second, so a devnet restarted in the same directory finds its contracts again.</param>
    public static async Task<AnvilProcess> StartAsync(int? blockTimeSeconds = null, int? port = null, string? statePath = null, CancellationToken cancel = default)
    {
        var binary = AnvilLocator.Find();
        var chosen = port ?? FreePort();
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--host", "127.0.0.1", "--port", chosen.ToString(System.Globalization.CultureInfo.InvariantCulture), "--chain-id", ChainId.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(arg);
        }

        if (statePath is not null)
        {
            info.ArgumentList.Add("--state");
            info.ArgumentList.Add(statePath);
            info.ArgumentList.Add("--state-interval");
            info.ArgumentList.Add("1");
        }

        if (blockTimeSeconds is { } seconds)
        {
            info.ArgumentList.Add("--block-time");
            info.ArgumentList.Add(seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var process = Process.Start(info) ?? throw new L1Exception($"could not start {binary}");
        var stderr = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                if (e.Data is not null && stderr.Length < 8_192)
                {
                    stderr.AppendLine(e.Data);
                }
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var anvil = new AnvilProcess(process, chosen);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (process.HasExited)
            {
                string text;
                lock (stderr)
                {
                    text = stderr.ToString().Trim();
                }

                throw new L1Exception($"anvil exited with code {process.ExitCode} before answering: {text}");
            }

            try
            {
                await L1Connection.ConnectAsync(anvil.Url, null, cancel).ConfigureAwait(false);
                return anvil;
            }
            catch (L1Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancel).ConfigureAwait(false);
            }
            catch
            {
                await anvil.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            // Already gone, or it would not die in time: nothing more to do for a development chain.
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using Microsoft.Playwright;

namespace Fairway.Explorer.Tests;

/// <summary>
/// One devnet, one browser and one lying proxy shared by every explorer test: a devnet takes seconds to start, and the
/// tests only read it. A light stream of submissions keeps blocks and the charts moving.
/// </summary>
public sealed class ExplorerFixture : IAsyncLifetime
{
    /// <summary>An undeclared namespace: ordered by the default policy, fcfs.</summary>
    public const ulong Namespace = 42;

    /// <summary>The demo fair namespace every generated network declares.</summary>
    public const ulong FairNamespace = 2;

    /// <summary>Debian's chromium; Playwright's own browser download is not used.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly CancellationTokenSource _stop = new();
    private Task? _traffic;
    private IPlaywright? _playwright;

    internal Devnet Devnet { get; } = new(4);

    internal TamperingProxy Proxy { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public Uri NodeUrl => Devnet.ApiUrl(0);

    /// <summary>The validator started with an MEV lab report to show.</summary>
    public Uri MevLabNodeUrl => Devnet.ApiUrl(1);

    public async Task InitializeAsync()
    {
        // Validator 1 shows the MEV lab report committed in docs/mev-lab; validator 0, which most tests read, has none.
        Devnet.Environment[1] = new() { ["FAIRWAY_EXPLORER_MEV_LAB"] = Path.Combine(Screenshots.RepositoryRoot() ?? ".", "docs", "mev-lab") };
        Devnet.StartAll();
        try
        {
            await Devnet.WaitUntilAsync(async () => Devnet.AnyExited
                ? throw new InvalidOperationException($"a validator exited while the devnet started\n{Devnet.Logs()}")
                : await Devnet.HeightAsync(0) >= 2, "validator 0 reaches height 2");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n{Devnet.Logs()}", e);
        }

        _traffic = TrafficAsync(_stop.Token);
        Proxy = await TamperingProxy.StartAsync(NodeUrl);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true, Args = ["--no-sandbox"] });
    }

    /// <summary>Submits a transaction and waits until validator 0 (the one the page reads) has it firm: its hash and height.</summary>
    public async Task<(string Hash, ulong Height)> SubmitFirmAsync(string text)
    {
        var hash = await Devnet.SubmitAsync(0, Namespace, System.Text.Encoding.UTF8.GetBytes(text)) ?? throw new InvalidOperationException("validator 0 refused a submission");
        return (hash, await Devnet.WaitFirmAsync(0, hash));
    }

    /// <summary>
    /// Submits a transaction to the demo fair namespace at every validator (a fair transaction is included once lists of
    /// more than the faulty stake name it) and waits until validator 0 has it firm.
    /// </summary>
    public async Task<(string Hash, ulong Height)> SubmitFairFirmAsync(string text)
    {
        var payload = System.Text.Encoding.UTF8.GetBytes(text);
        string? hash = null;
        for (var i = 0; i < Devnet.Nodes.Count; i++)
        {
            hash = await Devnet.SubmitAsync(i, FairNamespace, payload) ?? hash;
        }

        return hash is null ? throw new InvalidOperationException("no validator took the fair transaction") : (hash, await Devnet.WaitFirmAsync(0, hash));
    }

    private async Task TrafficAsync(CancellationToken stop)
    {
        var n = 0;
        while (!stop.IsCancellationRequested)
        {
            await Devnet.SubmitAsync(++n % Devnet.Nodes.Count, Namespace, System.Text.Encoding.UTF8.GetBytes($"background {n}"));
            try
            {
                await Task.Delay(150, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_traffic is not null)
        {
            await _traffic;
        }

        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        await Devnet.DisposeAsync();
        _stop.Dispose();
    }
}

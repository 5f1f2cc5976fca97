using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Fairway.Client;
using Fairway.Crypto;
using Fairway.Rollups.Accounts;
using Fairway.Rollups.Amm;
using Fairway.Rollups.Oracle;

namespace Fairway.Cli.Tests;

/// <summary><c>fairway rollup --kind amm</c> as a real process against a real validator: follow, serve, resume.</summary>
public sealed class RollupCommandTests
{
    private const ulong Namespace = 7;

    [Fact]
    public async Task The_amm_executor_follows_its_namespace_serves_its_state_and_resumes_after_a_kill()
    {
        await using var node = await LocalValidator.StartAsync(validators: 1);
        var genesis = Path.Combine(node.Directory, "genesis.json");
        using var client = new FairwayClient(node.ApiUrl, TrustedChain.FromGenesisFile(genesis));
        var alice = Ed25519Signer.FromSeedPhrase("rollup-cli-alice");
        var bob = Ed25519Signer.FromSeedPhrase("rollup-cli-bob");
        byte[][] payloads =
        [
            RollupTransaction.Sign(Namespace, AmmKind.Faucet, 0, [], alice).Encode(),
            RollupTransaction.Sign(Namespace, AmmKind.Faucet, 0, [], bob).Encode(),
            RollupTransaction.Sign(Namespace, AmmKind.AddLiquidity, 1, AmmState.AddLiquidityBody(1_000_000, 3_000_000), alice).Encode(),
            RollupTransaction.Sign(Namespace, AmmKind.Swap, 1, AmmState.SwapBody(sellA: true, 10_000, 0), bob).Encode(),
        ];
        ulong lastHeight = 0;
        foreach (var payload in payloads)
        {
            // One at a time: the rollup's order is the stream's, and these depend on each other.
            var receipt = await client.SubmitAsync(Namespace, payload);
            lastHeight = (await client.WaitForAsync(receipt.Hash, Commitment.Firm, TimeSpan.FromSeconds(60))).Height!.Value;
        }

        var expected = new AmmState(Namespace);
        foreach (var payload in payloads)
        {
            Assert.Equal("applied", expected.Apply(payload, Ed25519Verifier.Instance).Outcome);
        }

        var data = Directory.CreateTempSubdirectory("fairway-rollup-").FullName;
        var fresh = Directory.CreateTempSubdirectory("fairway-rollup-fresh-").FullName;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            var first = await RunUntilAsync(http, node, genesis, data, lastHeight);
            Assert.Equal(expected.StateRoot().ToHex(), first.GetProperty("state_root").GetString());
            Assert.Equal(expected.ReserveA, first.GetProperty("reserve_a").GetUInt64());

            // Killed and started again on the same data: it resumes where it was, with the same state.
            var resumed = await RunUntilAsync(http, node, genesis, data, lastHeight, checkAccount: bob.PublicKey.ToHex(), expectedB: expected.Find(bob.PublicKey)!.B);
            Assert.Equal(expected.StateRoot().ToHex(), resumed.GetProperty("state_root").GetString());

            // A second executor from nothing reaches the same root.
            var other = await RunExecutorUntilAsync(http, node, genesis, fresh, lastHeight, ["--kind", "amm", "--namespace", $"{Namespace}"], ("pool", "reserve_b", $"{expected.ReserveB}"));
            Assert.Equal(expected.StateRoot().ToHex(), other.GetProperty("state_root").GetString());
        }
        finally
        {
            Directory.Delete(data, recursive: true);
            Directory.Delete(fresh, recursive: true);
        }
    }

    [Theory]
    [InlineData("perps", "--oracle-namespace")]
    [InlineData("oracle", "--feeder")]
    [InlineData("casino", "--kind must be")]
    public void Unknown_kinds_and_missing_configuration_are_refused(string kind, string message)
    {
        var (exit, _, stderr) = FairwayProcess.Run("rollup", "--kind", kind, "--namespace", "7", "--url", "http://127.0.0.1:9", "--data", "/tmp/unused");

        Assert.Equal(2, exit);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_oracle_executor_serves_the_feeders_price_and_ignores_anyone_else()
    {
        await using var node = await LocalValidator.StartAsync(validators: 1);
        var genesis = Path.Combine(node.Directory, "genesis.json");
        using var client = new FairwayClient(node.ApiUrl, TrustedChain.FromGenesisFile(genesis));
        var feeder = Ed25519Signer.FromSeedPhrase("rollup-cli-feeder");
        var impostor = Ed25519Signer.FromSeedPhrase("rollup-cli-impostor");
        byte[][] payloads =
        [
            RollupTransaction.Sign(Namespace, OracleKind.PriceUpdate, 0, OracleState.PriceUpdateBody(2_000_000_000, 1_000), feeder).Encode(),
            RollupTransaction.Sign(Namespace, OracleKind.PriceUpdate, 0, OracleState.PriceUpdateBody(1, 2_000), impostor).Encode(),
            RollupTransaction.Sign(Namespace, OracleKind.PriceUpdate, 1, OracleState.PriceUpdateBody(2_100_000_000, 3_000), feeder).Encode(),
        ];
        ulong lastHeight = 0;
        foreach (var payload in payloads)
        {
            var receipt = await client.SubmitAsync(Namespace, payload);
            lastHeight = (await client.WaitForAsync(receipt.Hash, Commitment.Firm, TimeSpan.FromSeconds(60))).Height!.Value;
        }

        var data = Directory.CreateTempSubdirectory("fairway-oracle-").FullName;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            var state = await RunExecutorUntilAsync(http, node, genesis, data, lastHeight, ["--kind", "oracle", "--namespace", $"{Namespace}", "--feeder", feeder.PublicKey.ToHex()]);

            Assert.Equal("oracle", state.GetProperty("kind").GetString());
            Assert.Equal(2_100_000_000UL, state.GetProperty("price").GetUInt64());
            Assert.Equal(3_000UL, state.GetProperty("timestamp").GetUInt64());
            Assert.Equal(2UL, state.GetProperty("updates").GetUInt64());
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>Starts the executor process, waits until it has applied <paramref name="height"/>, reads its state, and kills it.</summary>
    private static Task<JsonElement> RunUntilAsync(
        HttpClient http, LocalValidator node, string genesis, string data, ulong height, string? checkAccount = null, ulong expectedB = 0) =>
        RunExecutorUntilAsync(http, node, genesis, data, height, ["--kind", "amm", "--namespace", $"{Namespace}"], checkAccount is null ? null : ($"accounts/{checkAccount}", "b", $"{expectedB}"));

    /// <summary>Starts an executor process with <paramref name="rollupArgs"/>, waits until it has applied <paramref name="height"/>, reads its state, and kills it.</summary>
    internal static async Task<JsonElement> RunExecutorUntilAsync(
        HttpClient http, LocalValidator node, string genesis, string data, ulong height, string[] rollupArgs, (string Path, string Field, string Json)? check = null)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "fairway.dll"), "rollup", .. rollupArgs,
            "--url", node.ApiUrl.ToString(), "--data", data, "--genesis", genesis, "--listen", $"http://127.0.0.1:{port}"])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                if (process.HasExited)
                {
                    Assert.Fail($"the executor exited with {process.ExitCode}: {await stdout} {await stderr}");
                }

                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), "the executor did not reach the height in 60 s");
                try
                {
                    using var state = JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/v1/rollup")));
                    if (state.RootElement.GetProperty("height").GetUInt64() >= height)
                    {
                        if (check is { } c)
                        {
                            using var account = JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/v1/rollup/{c.Path}")));
                            Assert.Equal(c.Json, account.RootElement.GetProperty(c.Field).GetRawText());
                            using var root = JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/v1/rollup/root/{state.RootElement.GetProperty("height").GetUInt64()}")));
                            Assert.Equal(state.RootElement.GetProperty("state_root").GetString(), root.RootElement.GetProperty("state_root").GetString());
                        }

                        return state.RootElement.Clone();
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(100);
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.CommandLine;
using System.Runtime.InteropServices;
using Fairway.Client;
using Fairway.Rollups.Execution;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Fairway.Cli.Commands;

/// <summary>
/// <c>fairway rollup</c>: runs a demo rollup's executor. It follows the namespace through the SDK (verifying every
/// block), applies it, persists its state after each height and serves the state over HTTP. Only <c>amm</c> is built.
/// </summary>
internal static class RollupCommand
{
    public static Command Create()
    {
        var kind = new Option<string>("--kind") { Description = "oracle | amm | perps | options (amm is built; the others come with issue 13)", Required = true };
        var ns = new Option<ulong>("--namespace") { Description = "the rollup's namespace", Required = true };
        var url = new Option<string>("--url") { Description = "a validator's API, e.g. http://127.0.0.1:27100", Required = true };
        var data = new Option<string>("--data") { Description = "the executor's data directory (its state; resumed on restart)", Required = true };
        var genesis = new Option<string>("--genesis") { Description = "the chain's genesis file: the validator set every block is verified against", DefaultValueFactory = _ => ".devnet/genesis.json" };
        var listen = new Option<string>("--listen") { Description = "where to serve the state over HTTP", DefaultValueFactory = _ => "http://127.0.0.1:27300" };
        var command = new Command("rollup", "run a demo rollup's executor: follow its namespace (verified), apply it, serve its state (docs/ROLLUPS.md)")
        {
            kind, ns, url, data, genesis, listen,
        };
        command.SetAction(async (result, ct) =>
        {
            var kindName = result.GetValue(kind);
            if (kindName != "amm")
            {
                Console.Error.WriteLine(kindName is "oracle" or "perps" or "options"
                    ? $"fairway rollup: --kind {kindName} is not built yet; this build runs amm"
                    : $"fairway rollup: --kind must be oracle, amm, perps or options, got \"{kindName}\"");
                return 2;
            }

            if (!Uri.TryCreate(result.GetValue(url), UriKind.Absolute, out var api) || !Uri.TryCreate(result.GetValue(listen), UriKind.Absolute, out var listenUrl))
            {
                Console.Error.WriteLine("fairway rollup: --url and --listen must be absolute URLs");
                return 2;
            }

            TrustedChain trust;
            AmmExecutor executor;
            try
            {
                trust = TrustedChain.FromGenesisFile(result.GetValue(genesis)!);
                executor = AmmExecutor.Open(result.GetValue(data)!, result.GetValue(ns), Crypto.Ed25519Verifier.Instance);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException or Core.Encoding.EncodingException
                or KeyNotFoundException or FormatException or UnauthorizedAccessException or ArgumentException)
            {
                Console.Error.WriteLine($"fairway rollup: {e.Message}");
                return 2;
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
            {
                c.Cancel = true;
                stop.Cancel();
            });
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls(listenUrl.ToString());
            await using var app = builder.Build();
            MapState(app, executor, result.GetValue(ns));
            await app.StartAsync(stop.Token).ConfigureAwait(false);
            Console.WriteLine($"amm rollup of namespace {result.GetValue(ns)}: state at {listenUrl}v1/rollup, resuming after height {executor.Height}");
            using var client = new FairwayClient(api, trust);
            try
            {
                await executor.RunAsync(client, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }

            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            Console.WriteLine($"stopped after height {executor.Height}");
            return 0;
        });
        return command;
    }

    private static void MapState(WebApplication app, AmmExecutor executor, ulong @namespace)
    {
        app.MapGet("/v1/rollup", () =>
        {
            var (height, state) = executor.Snapshot();
            return Results.Json(new
            {
                kind = "amm",
                @namespace,
                height,
                state_root = state.StateRoot().ToHex(),
                reserve_a = state.ReserveA,
                reserve_b = state.ReserveB,
                total_shares = state.TotalShares,
                accounts = state.AccountCount,
            });
        });
        app.MapGet("/v1/rollup/accounts/{key}", (string key) =>
        {
            if (key.Length != 64 || !key.All(Uri.IsHexDigit))
            {
                return Results.Json(new { error = new { code = "bad_key", message = "an account is a 64-hex-character Ed25519 public key" } }, statusCode: 400);
            }

            var publicKey = Core.Crypto.PublicKey.ParseHex(key);
            var (height, state) = executor.Snapshot();
            return state.Find(publicKey) is { } account
                ? Results.Json(new { height, a = account.A, b = account.B, shares = account.Shares, nonce = account.Nonce })
                : Results.Json(new { error = new { code = "not_found", message = "no such account" } }, statusCode: 404);
        });
        app.MapGet("/v1/rollup/root/{height}", (string height) =>
            ulong.TryParse(height, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var h) && executor.RootAt(h) is { } root
                ? Results.Json(new { height = h, state_root = root.ToHex() })
                : Results.Json(new { error = new { code = "not_found", message = $"no state root kept for height {height} (the last {AmmExecutor.RootsKept} heights applied are)" } }, statusCode: 404));
    }
}

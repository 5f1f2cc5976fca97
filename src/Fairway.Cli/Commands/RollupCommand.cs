using System.CommandLine;
using System.Runtime.InteropServices;
using Fairway.Client;
using Fairway.Core.Crypto;
using Fairway.Rollups.Execution;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Fairway.Cli.Commands;

/// <summary>
/// <c>fairway rollup</c>: runs a demo rollup's executor. It follows the namespace through the SDK (verifying every
/// block), applies it, persists its state after each height and serves the state over HTTP. Perps and options read the
/// oracle's, perps' and options' namespaces together, so bundles across them apply or revert alike (docs/ROLLUPS.md).
/// </summary>
internal static class RollupCommand
{
    public static Command Create()
    {
        var kind = new Option<string>("--kind") { Description = "oracle | amm | perps | options", Required = true };
        var ns = new Option<ulong>("--namespace") { Description = "the rollup's namespace", Required = true };
        var url = new Option<string>("--url") { Description = "a validator's API, e.g. http://127.0.0.1:27100", Required = true };
        var data = new Option<string>("--data") { Description = "the executor's data directory (its state; resumed on restart)", Required = true };
        var genesis = new Option<string>("--genesis") { Description = "the chain's genesis file: the validator set every block is verified against", DefaultValueFactory = _ => ".devnet/genesis.json" };
        var listen = new Option<string>("--listen") { Description = "where to serve the state over HTTP", DefaultValueFactory = _ => "http://127.0.0.1:27300" };
        var feeder = new Option<string?>("--feeder") { Description = "oracle, perps, options: the oracle feeder's Ed25519 public key (64 hex characters)" };
        var marketMaker = new Option<string?>("--market-maker") { Description = "perps, options: the options market maker's Ed25519 public key (64 hex characters)" };
        var oracleNs = new Option<ulong?>("--oracle-namespace") { Description = "perps, options: the oracle's namespace" };
        var perpsNs = new Option<ulong?>("--perps-namespace") { Description = "options: the perps rollup's namespace (perps: --namespace)" };
        var optionsNs = new Option<ulong?>("--options-namespace") { Description = "perps: the options rollup's namespace (options: --namespace)" };
        var command = new Command("rollup", "run a demo rollup's executor: follow its namespace (verified), apply it, serve its state (docs/ROLLUPS.md)")
        {
            kind, ns, url, data, genesis, listen, feeder, marketMaker, oracleNs, perpsNs, optionsNs,
        };
        command.SetAction(async (result, ct) =>
        {
            var kindName = result.GetValue(kind) ?? "";
            if (!Uri.TryCreate(result.GetValue(url), UriKind.Absolute, out var api) || !Uri.TryCreate(result.GetValue(listen), UriKind.Absolute, out var listenUrl))
            {
                Console.Error.WriteLine("fairway rollup: --url and --listen must be absolute URLs");
                return 2;
            }

            TrustedChain trust;
            RollupExecutor executor;
            try
            {
                var machine = Machine(kindName, result.GetValue(ns), result.GetValue(feeder), result.GetValue(marketMaker),
                    result.GetValue(oracleNs), result.GetValue(perpsNs), result.GetValue(optionsNs));
                trust = TrustedChain.FromGenesisFile(result.GetValue(genesis)!);
                executor = RollupExecutor.Open(result.GetValue(data)!, machine, Crypto.Ed25519Verifier.Instance);
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
            MapState(app, executor);
            await app.StartAsync(stop.Token).ConfigureAwait(false);
            Console.WriteLine($"{kindName} rollup of namespace {result.GetValue(ns)}: state at {listenUrl}v1/rollup, resuming after height {executor.Height}");
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

    /// <summary>The rollup's genesis for <paramref name="kind"/>; what is missing or malformed throws <see cref="ArgumentException"/>.</summary>
    private static RollupMachine Machine(string kind, ulong ns, string? feeder, string? marketMaker, ulong? oracleNs, ulong? perpsNs, ulong? optionsNs)
    {
        switch (kind)
        {
            case "amm":
                return RollupMachine.Amm(ns);
            case "oracle":
                return RollupMachine.Oracle(ns, Key(feeder, "--feeder"));
            case "perps" or "options":
                var oracle = oracleNs ?? throw new ArgumentException($"--kind {kind} reads the oracle: give --oracle-namespace");
                var perps = kind == "perps" ? ns : perpsNs ?? throw new ArgumentException("--kind options reads the perps rollup too (bundles): give --perps-namespace");
                var options = kind == "options" ? ns : optionsNs ?? throw new ArgumentException("--kind perps reads the options rollup too (bundles): give --options-namespace");
                return RollupMachine.Market(kind, oracle, perps, options, Key(feeder, "--feeder"), Key(marketMaker, "--market-maker"));
            default:
                throw new ArgumentException($"--kind must be oracle, amm, perps or options, got \"{kind}\"");
        }
    }

    private static PublicKey Key(string? hex, string flag) =>
        hex is { Length: 64 } && hex.All(Uri.IsHexDigit) ? PublicKey.ParseHex(hex) : throw new ArgumentException($"{flag} must be an Ed25519 public key, 64 hex characters");

    private static void MapState(WebApplication app, RollupExecutor executor)
    {
        app.MapGet("/v1/rollup", () =>
        {
            var (height, machine) = executor.Snapshot();
            var body = new Dictionary<string, object?>
            {
                ["kind"] = machine.Kind,
                ["namespace"] = machine.Namespace,
                ["reads"] = machine.Reads,
                ["height"] = height,
                ["state_root"] = machine.StateRoot().ToHex(),
            };
            foreach (var (key, value) in machine.Summary())
            {
                body[key] = value;
            }

            return Results.Json(body);
        });
        app.MapGet("/v1/rollup/accounts/{key}", (string key) => ByKey(executor, key, (m, k) => m.Account(k), "no such account"));
        app.MapGet("/v1/rollup/positions/{key}", (string key) =>
            ByKey(executor, key, (m, k) => m.Positions(k), "no positions: the account is unknown, or this rollup keeps none (perps and options do)"));
        app.MapGet("/v1/rollup/pool", () =>
        {
            var (height, machine) = executor.Snapshot();
            return machine.Pool() is { } pool
                ? Results.Json(WithHeight(height, pool))
                : Results.Json(new { error = new { code = "not_found", message = $"the {machine.Kind} rollup has no pool (the amm does)" } }, statusCode: 404);
        });
        app.MapGet("/v1/rollup/root/{height}", (string height) =>
            ulong.TryParse(height, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var h) && executor.RootAt(h) is { } root
                ? Results.Json(new { height = h, state_root = root.ToHex() })
                : Results.Json(new { error = new { code = "not_found", message = $"no state root kept for height {height} (the last {RollupExecutor.RootsKept} heights applied are)" } }, statusCode: 404));
    }

    private static IResult ByKey(RollupExecutor executor, string key, Func<RollupMachine, PublicKey, IReadOnlyDictionary<string, object?>?> read, string missing)
    {
        if (key.Length != 64 || !key.All(Uri.IsHexDigit))
        {
            return Results.Json(new { error = new { code = "bad_key", message = "an account is a 64-hex-character Ed25519 public key" } }, statusCode: 400);
        }

        var (height, machine) = executor.Snapshot();
        return read(machine, PublicKey.ParseHex(key)) is { } found
            ? Results.Json(WithHeight(height, found))
            : Results.Json(new { error = new { code = "not_found", message = missing } }, statusCode: 404);
    }

    private static Dictionary<string, object?> WithHeight(ulong height, IReadOnlyDictionary<string, object?> fields)
    {
        var body = new Dictionary<string, object?> { ["height"] = height };
        foreach (var (name, value) in fields)
        {
            body[name] = value;
        }

        return body;
    }
}

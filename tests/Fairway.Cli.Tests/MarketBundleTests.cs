using Fairway.Client;
using Fairway.Crypto;
using Fairway.Rollups.Accounts;
using Fairway.Rollups.Market;
using Fairway.Rollups.Options;
using Fairway.Rollups.Oracle;
using Fairway.Rollups.Perps;

namespace Fairway.Cli.Tests;

/// <summary>
/// The issue's case, end to end on a real validator: buy a call on the options rollup and short the perpetual on the
/// perps rollup as one bundle (<c>POST /v1/submit/bundle</c>), then a second bundle whose perps leg breaks its limit
/// price. The perps and options executors (real processes) both apply the first and revert both legs of the second.
/// </summary>
public sealed class MarketBundleTests
{
    private const ulong OracleNs = 20;
    private const ulong PerpsNs = 21;
    private const ulong OptionsNs = 22;
    private const ulong Price = 2_000_000_000;
    private const ulong Start = 1_000_000;

    private static readonly OptionSeries Call = new(IsCall: true, Strike: Price, Expiry: Start + (30UL * 24 * 3_600_000));

    [Fact]
    public async Task A_bundle_applies_on_both_rollups_and_a_bundle_with_a_failing_leg_reverts_on_both()
    {
        await using var node = await LocalValidator.StartAsync(validators: 1);
        var genesis = Path.Combine(node.Directory, "genesis.json");
        using var client = new FairwayClient(node.ApiUrl, TrustedChain.FromGenesisFile(genesis));
        var feeder = Ed25519Signer.FromSeedPhrase("market-bundle-feeder");
        var maker = Ed25519Signer.FromSeedPhrase("market-bundle-maker");
        var trader = Ed25519Signer.FromSeedPhrase("market-bundle-trader");

        // One at a time: each depends on the one before.
        (ulong Ns, byte[] Payload)[] setup =
        [
            (OracleNs, RollupTransaction.Sign(OracleNs, OracleKind.PriceUpdate, 0, OracleState.PriceUpdateBody(Price, Start), feeder).Encode()),
            (OptionsNs, RollupTransaction.Sign(OptionsNs, OptionsKind.Faucet, 0, OptionsState.FaucetBody(), maker).Encode()),
            (OptionsNs, RollupTransaction.Sign(OptionsNs, OptionsKind.SetVolatility, 1, OptionsState.SetVolatilityBody(500_000), maker).Encode()),
            (OptionsNs, RollupTransaction.Sign(OptionsNs, OptionsKind.Faucet, 0, OptionsState.FaucetBody(), trader).Encode()),
            (PerpsNs, RollupTransaction.Sign(PerpsNs, PerpsKind.Faucet, 0, PerpsState.FaucetBody(), trader).Encode()),
        ];
        foreach (var (ns, payload) in setup)
        {
            var receipt = await client.SubmitAsync(ns, payload);
            await client.WaitForAsync(receipt.Hash, Commitment.Firm, TimeSpan.FromSeconds(60));
        }

        // Bundle 1: buy one call, short one unit at any price at or above 1 micro-USD. Both legs hold.
        var good = await SubmitBundleAsync(client, trader, nonce: 1, shortLimit: 1);

        // Bundle 2: the same, but the short asks at least 3,000 USD while the oracle says 2,000: the perps leg fails.
        var bad = await SubmitBundleAsync(client, trader, nonce: 2, shortLimit: 3_000_000_000);
        var height = Math.Max(good, bad);

        string[] market = ["--feeder", feeder.PublicKey.ToHex(), "--market-maker", maker.PublicKey.ToHex(), "--oracle-namespace", $"{OracleNs}"];
        var perpsData = Directory.CreateTempSubdirectory("fairway-perps-").FullName;
        var optionsData = Directory.CreateTempSubdirectory("fairway-options-").FullName;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            // One unit short: the first bundle's leg only.
            var perps = await RollupCommandTests.RunExecutorUntilAsync(http, node, genesis, perpsData, height,
                ["--kind", "perps", "--namespace", $"{PerpsNs}", "--options-namespace", $"{OptionsNs}", .. market],
                ($"positions/{trader.PublicKey.ToHex()}", "size", $"{-(long)PerpsState.Unit}"));

            // One call held: the first bundle's leg only.
            var options = await RollupCommandTests.RunExecutorUntilAsync(http, node, genesis, optionsData, height,
                ["--kind", "options", "--namespace", $"{OptionsNs}", "--perps-namespace", $"{PerpsNs}", .. market],
                ($"positions/{trader.PublicKey.ToHex()}", "positions", $"[{{\"call\":true,\"strike\":{Call.Strike},\"expiry\":{Call.Expiry},\"quantity\":{OptionsState.Unit}}}]"));

            // Both executors ran the same market: the same root over all three rollups.
            Assert.Equal(perps.GetProperty("market_root").GetString(), options.GetProperty("market_root").GetString());
            Assert.Equal(1, options.GetProperty("positions").GetInt32());
        }
        finally
        {
            Directory.Delete(perpsData, recursive: true);
            Directory.Delete(optionsData, recursive: true);
        }
    }

    /// <summary>Submits the call-and-short bundle and returns the height it landed at (both legs at the same one).</summary>
    private static async Task<ulong> SubmitBundleAsync(FairwayClient client, Ed25519Signer trader, ulong nonce, ulong shortLimit)
    {
        var payloads = BundleEnvelope.Build(
        [
            new BundleLegRequest(OptionsNs, OptionsKind.Buy, nonce, OptionsState.BuyBody(Call, OptionsState.Unit, 1_000_000_000), trader),
            new BundleLegRequest(PerpsNs, PerpsKind.Trade, nonce, PerpsState.TradeBody(-(long)PerpsState.Unit, shortLimit), trader),
        ]);
        var bundle = await client.SubmitBundleAsync([(OptionsNs, payloads[0]), (PerpsNs, payloads[1])]);
        var first = await client.WaitForAsync(bundle.Legs[0], Commitment.Firm, TimeSpan.FromSeconds(60));
        var second = await client.WaitForAsync(bundle.Legs[1], Commitment.Firm, TimeSpan.FromSeconds(60));
        Assert.Equal(first.Height, second.Height);
        return first.Height!.Value;
    }
}

using System.Text.Json.Nodes;
using Fairway.Client;
using Fairway.Core.Auction;
using Fairway.Core.Crypto;
using Fairway.Crypto;
using Fairway.Rollups.Accounts;
using Fairway.Rollups.Market;
using Fairway.Rollups.Perps;

namespace Fairway.Devnet.Tests;

/// <summary>
/// The express-lane auction on real processes: the demo perps rollup (namespace 4, policy auction, 16-second epochs)
/// holds the bidders' deposits. Three bidders seal bids for the next epoch (one above its deposit); the highest valid
/// bid wins at the second price; the winner's bundles, sent out of order, lead the namespace's output in sequence
/// order; the next epoch's first height settles the price to the users of the lane's epoch; and the perps rollup, run
/// here over the verified namespace streams as its executor runs it, shows the payment and the rebates.
/// </summary>
[Collection("processes")]
public class AuctionTests
{
    private const ulong Perps = 4;
    private const ulong Oracle = 1;
    private const ulong Options = 9;
    /// <summary>
    /// Long enough for the whole lane phase (the decision reaching every validator, three bundles, three fair-lane trades
    /// each waited on until firm) to fall inside the one epoch on a loaded machine; the trades check that it did.
    /// </summary>
    private const ulong EpochMs = 16_000;
    private const ulong Usd = 1_000_000;

    private static readonly Ed25519Signer Feeder = Ed25519Signer.FromSeedPhrase("auction-devnet-feeder");
    private static readonly Ed25519Signer Maker = Ed25519Signer.FromSeedPhrase("auction-devnet-maker");
    private static readonly Ed25519Signer Alice = Ed25519Signer.FromSeedPhrase("auction-devnet-alice");
    private static readonly Ed25519Signer Bob = Ed25519Signer.FromSeedPhrase("auction-devnet-bob");
    private static readonly Ed25519Signer Carol = Ed25519Signer.FromSeedPhrase("auction-devnet-carol");
    private static readonly Ed25519Signer User1 = Ed25519Signer.FromSeedPhrase("auction-devnet-user-1");
    private static readonly Ed25519Signer User2 = Ed25519Signer.FromSeedPhrase("auction-devnet-user-2");

    private static ReadOnlyMemory<byte> Tx(Ed25519Signer who, ulong nonce, byte kind, byte[]? body = null) =>
        RollupTransaction.Sign(Perps, kind, nonce, body ?? [], who).Encode();

    [Fact]
    public async Task Three_bidders_the_winner_leads_the_next_epoch_and_the_rollup_shows_the_payment_and_the_rebates()
    {
        await using var cluster = new TestCluster();
        var genesisPath = Path.Combine(cluster.Directory, "genesis.json");
        var genesis = JsonNode.Parse(File.ReadAllText(genesisPath))!;
        var perps = genesis["namespaces"]!.AsArray().Single(n => n!["policy"]!.GetValue<string>() == "auction")!;
        Assert.Equal(Perps, perps["id"]!.GetValue<ulong>());
        perps["auction_epoch_ms"] = EpochMs;
        perps["reserve_price"] = 1 * Usd;
        perps["auction_deposits"] = new JsonObject
        {
            ["rollup"] = "perps",
            ["oracle_namespace"] = Oracle,
            ["options_namespace"] = Options,
            ["feeder"] = Feeder.PublicKey.ToHex(),
            ["market_maker"] = Maker.PublicKey.ToHex(),
        };
        File.WriteAllText(genesisPath, genesis.ToJsonString());

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await EncryptedLaneTests.StartWithKeyAsync(cluster, http);
        using var client = new FairwayClient(new Uri(cluster.Nodes[0].ApiUrl), TrustedChain.FromGenesisFile(genesisPath));

        // Accounts: every trader draws the faucet; the bidders put 50, 50 and 20 USD on deposit.
        var setup = new List<FanOutSubmitResult>();
        foreach (var who in new[] { Alice, Bob, Carol, User1, User2 })
        {
            setup.Add(await client.SubmitAsync(Perps, Tx(who, 0, PerpsKind.Faucet), stake: null));
        }

        foreach (var (who, amount) in new[] { (Alice, 50 * Usd), (Bob, 50 * Usd), (Carol, 20 * Usd) })
        {
            setup.Add(await client.SubmitAsync(Perps, Tx(who, 1, PerpsKind.AuctionDeposit, PerpsState.AuctionDepositBody(amount)), stake: null));
        }

        Assert.All(setup, s => Assert.True(s.Included, string.Join("; ", s.Failures.Values)));
        foreach (var s in setup)
        {
            await client.WaitForAsync(s.Hash, Commitment.Firm, TestCluster.Deadline);
        }

        // Bid at the start of an epoch, so the bids' blocks fall in it: E takes bids for E + 1.
        var start = (await client.GetExpressLaneAsync(Perps)).Epoch;
        await TestCluster.WaitUntilAsync(async () => (await client.GetExpressLaneAsync(Perps)).Epoch > start, "a fresh auction epoch");
        var lane = await client.GetExpressLaneAsync(Perps);
        var target = lane.BiddingEpoch;
        Assert.Equal((EpochMs, 1 * Usd), (lane.EpochMs, lane.ReservePrice));
        var bids = new[] { (Alice, 30 * Usd), (Bob, 25 * Usd), (Carol, 40 * Usd) };
        foreach (var (who, amount) in bids)
        {
            var bid = await client.BidAsync(Perps, target, amount, who);
            Assert.True(bid.Included, string.Join("; ", bid.Failures.Values));
        }

        // Clear errors for what cannot count: a bid for a closed epoch, one for an epoch too far ahead.
        var late = await client.BidAsync(Perps, target - 1, 99 * Usd, Bob);
        Assert.False(late.Included);
        Assert.All(late.Failures.Values, f => Assert.Contains("bid_after_close", f, StringComparison.Ordinal));
        var early = await client.BidAsync(Perps, target + 1, 99 * Usd, Bob);
        Assert.All(early.Failures.Values, f => Assert.Contains("wrong_epoch", f, StringComparison.Ordinal));

        // The epoch's first height decides it: Carol's bid is above her deposit, Alice wins and pays Bob's 25.
        AuctionOutcome? outcome = null;
        await TestCluster.WaitUntilAsync(async () => (outcome = await client.GetAuctionAsync(Perps, target)) is not null, "the auction decided");
        Assert.Equal((Alice.PublicKey, 25 * Usd, 3, 2), (outcome!.Winner, outcome.Price, outcome.BidsCounted, outcome.BidsValid));
        var others = Enumerable.Range(1, 3).Select(i => new FairwayClient(new Uri(cluster.Nodes[i].ApiUrl), TrustedChain.FromGenesisFile(genesisPath))).ToList();
        await TestCluster.WaitUntilAsync(
            async () => (await Task.WhenAll(others.Select(c => c.GetAuctionAsync(Perps, target)))).All(o => o?.Winner == Alice.PublicKey), "every validator decided alike");
        others.ForEach(c => c.Dispose());

        // Alice's bundles, sent 1 before 0: her nonces 2 and 3 only execute in sequence order. Bob is not the controller.
        var notController = await client.SubmitPriorityBundleAsync(Perps, target, 0, [Tx(Bob, 2, PerpsKind.AuctionWithdraw, PerpsState.AuctionWithdrawBody(1 * Usd))], Bob);
        Assert.All(notController.Failures.Values, f => Assert.Contains("not_controller", f, StringComparison.Ordinal));
        var second = Tx(Alice, 3, PerpsKind.AuctionWithdraw, PerpsState.AuctionWithdrawBody(2 * Usd));
        var first = Tx(Alice, 2, PerpsKind.AuctionWithdraw, PerpsState.AuctionWithdrawBody(1 * Usd));
        Assert.True((await client.SubmitPriorityBundleAsync(Perps, target, 1, [second], Alice)).Included);
        Assert.True((await client.SubmitPriorityBundleAsync(Perps, target, 0, [first], Alice)).Included);

        // Users trade in the fair lane during the lane's epoch: user 1 twice, user 2 once. Each waits for the one before:
        // the fair rules order by receive time, and one user's two transactions sent a moment apart may swap.
        foreach (var trade in new[]
        {
            Tx(User1, 1, PerpsKind.AuctionDeposit, PerpsState.AuctionDepositBody(1 * Usd)),
            Tx(User1, 2, PerpsKind.AuctionWithdraw, PerpsState.AuctionWithdrawBody(1 * Usd)),
            Tx(User2, 1, PerpsKind.AuctionDeposit, PerpsState.AuctionDepositBody(1 * Usd)),
        })
        {
            var sent = await client.SubmitAsync(Perps, trade, stake: null);
            var firm = await client.WaitForAsync(sent.Hash, Commitment.Firm, TestCluster.Deadline);
            var at = (await cluster.BlockAsync(0, firm.Height!.Value))!.Value.GetProperty("timestamp_ms").GetUInt64();
            Assert.True(at / EpochMs == target, $"a trade was output in auction epoch {at / EpochMs}, not the lane's epoch {target}: the test overran the epoch");
        }

        // The next epoch's first height settles: wait for it, then read every height's verified streams up to it.
        await TestCluster.WaitUntilAsync(async () => await client.GetAuctionAsync(Perps, target + 1) is not null, "the next epoch begun");
        var market = new MarketState(Oracle, Perps, Options, Feeder.PublicKey, Maker.PublicKey);
        AuctionRecord? settlement = null;
        (ulong Height, List<ReadOnlyMemory<byte>> Payloads)? bundleHeight = null;
        for (var height = 1UL; settlement is null; height++)
        {
            await cluster.WaitForHeightAsync([0], height);
            var streams = await Task.WhenAll(new[] { Oracle, Perps, Options }.Select(ns => client.GetNamespaceAsync(height, ns)));
            var perpsPayloads = streams[1].Transactions.Select(t => t.Payload).ToList();
            market.ApplyHeight(
                [.. streams[0].Transactions.Select(t => t.Payload)], perpsPayloads, [.. streams[2].Transactions.Select(t => t.Payload)], Ed25519Verifier.Instance);
            if (perpsPayloads.Any(p => p.Span.SequenceEqual(first.Span)))
            {
                bundleHeight = (height, perpsPayloads);
            }

            settlement ??= perpsPayloads.Select(p => AuctionRecord.TryDecode(p.Span)).FirstOrDefault(r => r is { Kind: AuctionRecordKind.Settlement, Epoch: var e } && e == target);
        }

        // The bundles lead their height's namespace output, after the chain's records, in sequence order.
        Assert.NotNull(bundleHeight);
        var leading = bundleHeight!.Value.Payloads.SkipWhile(p => AuctionRecord.HasMagic(p.Span)).ToList();
        Assert.True(leading[0].Span.SequenceEqual(first.Span), "bundle 0 does not lead the namespace's output");
        Assert.True(leading.Count > 1 && leading[1].Span.SequenceEqual(second.Span), "bundle 1 does not follow bundle 0 (it may only come in the same height, after it)");

        // The settlement pays exactly the price to the lane epoch's users, 2 : 1.
        Assert.NotNull(settlement);
        Assert.Equal(25 * Usd, settlement!.Shares.Aggregate(0UL, (sum, s) => sum + s.Amount));
        var share = settlement.Shares.ToDictionary(s => s.User, s => s.Amount);
        Assert.Equal(new[] { User1.PublicKey, User2.PublicKey }.ToHashSet(), share.Keys.ToHashSet());
        Assert.Equal(16_666_667UL, share[User1.PublicKey]);
        Assert.Equal(8_333_333UL, share[User2.PublicKey]);

        // The rollup: Alice paid 25 out of her 50 deposit and withdrew 3 through her bundles (nonces in order);
        // the users got their shares; the pool is empty; Bob and Carol kept their deposits.
        var alice = market.Perps.Find(Alice.PublicKey)!;
        Assert.Equal((50 - 25 - 3) * Usd, alice.AuctionDeposit);
        Assert.Equal(PerpsState.FaucetAmount - (50 * Usd) + (3 * Usd), alice.Collateral);
        Assert.Equal(4UL, alice.Nonce);
        Assert.Equal(PerpsState.FaucetAmount + 16_666_667, market.Perps.Find(User1.PublicKey)!.Collateral);
        Assert.Equal(PerpsState.FaucetAmount - (1 * Usd) + 8_333_333, market.Perps.Find(User2.PublicKey)!.Collateral);
        Assert.Equal(0UL, market.Perps.AuctionPool);
        Assert.Equal(50 * Usd, market.Perps.Find(Bob.PublicKey)!.AuctionDeposit);
        Assert.Equal(20 * Usd, market.Perps.Find(Carol.PublicKey)!.AuctionDeposit);

        // Operators see it too: the two bundle transactions output first, on every validator alike.
        foreach (var i in Enumerable.Range(0, 4))
        {
            await TestCluster.WaitUntilAsync(
                async () => (await cluster.MetricsAsync(i))?.Contains("fairway_express_transactions_total{namespace=\"4\"} 2\n", StringComparison.Ordinal) == true,
                $"validator {i} counting the two express transactions");
        }
    }
}

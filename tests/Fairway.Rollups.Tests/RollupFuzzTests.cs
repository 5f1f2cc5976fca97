using Fairway.Core.Auction;
using Fairway.Rollups.Market;
using Fairway.Rollups.Options;
using Fairway.Rollups.Oracle;
using Fairway.Rollups.Perps;
using static Fairway.Rollups.Tests.RollupTestKit;

namespace Fairway.Rollups.Tests;

/// <summary>Whatever a client sends, the states answer with a receipt, never an exception, and stay decodable.</summary>
public sealed class RollupFuzzTests
{
    private const ulong OracleNs = 41;
    private const ulong PerpsNs = 42;
    private const ulong OptionsNs = 43;

    [Fact]
    public void Random_bodies_and_mangled_envelopes_never_throw_and_every_executor_agrees()
    {
        var random = new Random(13);
        var signers = new[] { Feeder, Maker, Alice, Bob };
        var nonces = new Dictionary<(ulong, int), ulong>();
        byte[] RandomBody() => random.Next(5) switch
        {
            3 => PerpsState.AuctionDepositBody((ulong)random.NextInt64(0, (long)(12_000 * Usd))),
            0 => PerpsState.TradeBody(random.NextInt64(-3_000_000_000, 3_000_000_000), (ulong)random.NextInt64(0, 200_000_000)),
            1 => OptionsState.BuyBody(new OptionSeries(random.Next(2) == 0, (ulong)random.NextInt64(1, 200_000_000), (ulong)random.NextInt64(0, (long)(10 * Day))), (ulong)random.NextInt64(0, 5_000_000), (ulong)random.NextInt64(0, 50_000_000)),
            2 => [.. Enumerable.Range(0, random.Next(0, 40)).Select(_ => (byte)random.Next(256))],
            _ => OptionsState.ExerciseBody(new OptionSeries(random.Next(2) == 0, (ulong)random.NextInt64(1, 200_000_000), (ulong)random.NextInt64(0, (long)(10 * Day))), (ulong)random.NextInt64(0, 5_000_000)),
        };
        byte[] Next(ulong ns, int who, byte kind, byte[] body)
        {
            var nonce = nonces.GetValueOrDefault((ns, who));
            nonces[(ns, who)] = nonce + 1;
            return Tx(ns, signers[who], random.Next(10) == 0 ? nonce + 1 : nonce, kind, body);
        }

        var first = new MarketState(OracleNs, PerpsNs, OptionsNs, Feeder.PublicKey, Maker.PublicKey);
        var second = new MarketState(OracleNs, PerpsNs, OptionsNs, Feeder.PublicKey, Maker.PublicKey);
        var time = 1_000UL;
        var outcomes = new HashSet<string>();
        var (deposited, pooled) = (false, false);
        for (var height = 0; height < 60; height++)
        {
            time += (ulong)random.Next(1, 4 * (int)Hour);
            var oracle = Payloads(Next(OracleNs, 0, OracleKind.PriceUpdate, OracleState.PriceUpdateBody((ulong)random.NextInt64(50_000_000, 150_000_000), time)));
            var perps = new List<ReadOnlyMemory<byte>>();
            var options = new List<ReadOnlyMemory<byte>>();
            for (var i = 0; i < 6; i++)
            {
                var who = random.Next(1, 4);
                perps.Add(Next(PerpsNs, who, (byte)random.Next(0, 7), random.Next(3) == 0 ? [] : RandomBody()));
                options.Add(Next(OptionsNs, random.Next(1, 4), (byte)random.Next(0, 6), random.Next(3) == 0 ? [] : RandomBody()));
            }

            if (random.Next(2) == 0)
            {
                var who = random.Next(2, 4);
                var legs = BundleEnvelope.Build([
                    new BundleLegRequest(OptionsNs, OptionsKind.Buy, nonces.GetValueOrDefault((OptionsNs, who)), RandomBody(), signers[who]),
                    new BundleLegRequest(PerpsNs, PerpsKind.Trade, nonces.GetValueOrDefault((PerpsNs, who)), RandomBody(), signers[who]),
                ]);
                var mangled = (byte[])legs[random.Next(2)].Clone();
                mangled[random.Next(mangled.Length)] ^= (byte)random.Next(1, 256);
                perps.Insert(random.Next(perps.Count), random.Next(4) == 0 ? mangled : legs[1]);
                options.Insert(random.Next(options.Count), legs[0]);
            }

            // A bidder who keeps its nonces (the others soon lose theirs) moves money in and out of its auction deposit.
            var bidder = first.Perps.Find(Carol.PublicKey);
            perps.Insert(random.Next(perps.Count + 1), bidder is null
                ? Tx(PerpsNs, Carol, 0, PerpsKind.Faucet)
                : Tx(PerpsNs, Carol, bidder.Nonce, (byte)random.Next(PerpsKind.AuctionDeposit, PerpsKind.AuctionWithdraw + 1), PerpsState.AuctionDepositBody((ulong)random.NextInt64(0, (long)(6_000 * Usd)))));

            // The chain's auction records: a result for someone, a settlement to some users (the pool may fall short),
            // now and then one for another namespace or a mangled one.
            if (random.Next(2) == 0)
            {
                var price = (ulong)random.NextInt64(0, (long)(5_000 * Usd));
                var split = (ulong)random.NextInt64(0, (long)price + 1);
                var record = random.Next(2) == 0
                    ? AuctionRecord.Result(random.Next(6) == 0 ? OptionsNs : PerpsNs, (ulong)height, random.Next(2) == 0 ? Carol.PublicKey : signers[random.Next(1, 4)].PublicKey, price, 1, 1)
                    : AuctionRecord.Settlement(PerpsNs, (ulong)height, signers[1].PublicKey, price,
                        [new RebateShare(signers[random.Next(1, 4)].PublicKey, split), new RebateShare(signers[random.Next(0, 4)].PublicKey, price - split)]);
                var encoded = record.Encode();
                if (random.Next(6) == 0)
                {
                    encoded[random.Next(AuctionRecord.Magic.Length, encoded.Length)] ^= (byte)random.Next(1, 256);
                }

                perps.Insert(random.Next(perps.Count + 1), encoded);
            }

            var receipts = first.ApplyHeight(oracle, perps, options, Verifier);
            second.ApplyHeight(oracle, perps, options, Verifier);
            Assert.All(receipts.Perps.Concat(receipts.Options), r => Assert.NotNull(r));
            outcomes.UnionWith(receipts.Perps.Concat(receipts.Options).Select(r => r.Outcome));
            Assert.Equal(first.StateRoot(), second.StateRoot());
            PerpsStateTests.AssertConserved(first.Perps);
            deposited |= first.Perps.Accounts.Any(a => a.Value.AuctionDeposit > 0);
            pooled |= first.Perps.AuctionPool > 0;
        }

        Assert.Equal(["applied", "failed", "skipped"], outcomes.Order());
        Assert.Equal(first.Encode(), MarketState.Decode(first.Encode()).Encode());
        Assert.True(deposited && pooled, "the run should have held auction deposits and an auction pool at some height");
        PerpsStateTests.AssertConserved(first.Perps);
        Assert.Equal(first.Options.Minted, first.Options.Accounts.Aggregate(0UL, (s, a) => s + a.Value.Balance));
    }

    [Fact]
    public void A_bundle_with_both_legs_on_one_rollup_runs_there_alone_and_a_foreign_leg_fails()
    {
        var market = new MarketState(OracleNs, PerpsNs, OptionsNs, Feeder.PublicKey, Maker.PublicKey);
        market.ApplyHeight(
            Payloads(Tx(OracleNs, Feeder, 0, OracleKind.PriceUpdate, OracleState.PriceUpdateBody(100 * Usd, 1))),
            Payloads(Tx(PerpsNs, Alice, 0, PerpsKind.Faucet)),
            [],
            Verifier);

        var spread = BundleEnvelope.Build([
            new BundleLegRequest(PerpsNs, PerpsKind.Trade, 1, PerpsState.TradeBody((long)Unit, 100 * Usd), Alice),
            new BundleLegRequest(PerpsNs, PerpsKind.Trade, 2, PerpsState.TradeBody(-2 * (long)Unit, 100 * Usd), Alice),
        ]);
        var receipts = market.ApplyHeight([], Payloads(spread[0], spread[1]), [], Verifier);
        Assert.All(receipts.Perps, r => Assert.True(r.IsApplied, r.Reason));
        Assert.Equal(-(long)Unit, market.Perps.Find(Alice.PublicKey)!.Size);

        var foreign = BundleEnvelope.Build([
            new BundleLegRequest(PerpsNs, PerpsKind.Trade, 3, PerpsState.TradeBody((long)Unit, 100 * Usd), Alice),
            new BundleLegRequest(99, 1, 0, [], Alice),
        ]);
        var refused = market.ApplyHeight([], Payloads(foreign[0]), [], Verifier);
        Assert.Contains("namespace 99", refused.Perps[0].Reason, StringComparison.Ordinal);
        Assert.Equal(3UL, market.Perps.Find(Alice.PublicKey)!.Nonce);
    }
}

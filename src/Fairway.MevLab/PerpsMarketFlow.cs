using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Crypto;
using Fairway.Rollups.Accounts;
using Fairway.Rollups.Market;
using Fairway.Rollups.Oracle;
using Fairway.Rollups.Perps;
using Fairway.Simulation;

namespace Fairway.MevLab;

/// <summary>
/// The lab's perpetuals market, as one order flow: a feeder posting a seeded price path to the oracle, leveraged traders
/// whom the path pushes under their maintenance margin, honest liquidator bots racing for the 2% bonus, and the
/// adversary sniping them: on reading a competitor's liquidation it sends its own of the same account ahead of it.
/// The price path, the traders' positions and their reopenings are drawn per round whatever the sequencer does, so an
/// honest run and an attacked run see the same market.
/// </summary>
internal sealed class PerpsMarketFlow : IOrderFlow
{
    public const ulong OracleNamespace = 2;
    public const ulong PerpsNamespace = 3;

    /// <summary>The market state needs an options namespace; nothing is sent there.</summary>
    private const ulong OptionsNamespace = 4;

    public const int Traders = 200;

    /// <summary>Honest bots, each racing the others (and the adversary) for every liquidatable account.</summary>
    public const int Liquidators = 2;

    /// <summary>
    /// Keys per liquidator: each liquidation takes one with nothing in flight, so no transaction waits on another's
    /// nonce; it returns when its transaction lands. The liquidations one bot has in flight at most.
    /// </summary>
    private const int KeysPerLiquidator = 64;

    /// <summary>The adversary's keys: one snipe per competitor's liquidation, so as many as all the bots have.</summary>
    private const int AdversaryKeys = Liquidators * KeysPerLiquidator;

    /// <summary>100 USD, micro-USD: the opening price.</summary>
    internal const ulong StartPrice = 100_000_000;

    /// <summary>The feeder's key, shared with the options market, which reads the same oracle.</summary>
    internal const string FeederPhrase = "fairway-mev-lab/perps/feeder";

    /// <summary>
    /// Per-round volatility of the price path. With about 1,000 rounds a simulated minute, a few percent over a short run:
    /// enough to push the most leveraged traders (liquidatable after a move of about 5%) under their margin.
    /// </summary>
    private const double StepVolatility = 0.003;

    private const double JumpChancePerRound = 0.005;

    /// <summary>A flat trader with collateral reopens at this chance per round (liquidations keep coming on a long run).</summary>
    private const double ReopenChancePerRound = 0.01;

    /// <summary>Leverage is drawn in this range: the top is just under the 10x the initial margin allows.</summary>
    private const double LeverageMin = 6, LeverageMax = 9.7;

    /// <summary>How far a reopening trade's limit lets the price move before it lands.</summary>
    private const double TradeSlippage = 0.01;

    /// <summary>Liquidations in flight tracked at most, the bots' and the adversary's, so lost ones cannot hold memory forever.</summary>
    private const int TrackedMax = 65_536;

    private readonly Random _schedule;
    private readonly bool _adversarial;
    private readonly Ed25519Signer _feeder = Ed25519Signer.FromSeedPhrase(FeederPhrase);
    private readonly Ed25519Signer[] _traders;
    private readonly Ed25519Signer[][] _bots;
    private readonly Ed25519Signer[] _adversary;
    private readonly Dictionary<PublicKey, int> _botOf = [];
    private readonly Queue<int>[] _freeBotKeys;
    private readonly Queue<int> _freeAdversaryKeys = new();

    /// <summary>Per bot, the accounts it has a liquidation in flight for.</summary>
    private readonly HashSet<PublicKey>[] _botTargets;

    /// <summary>Every liquidation sent: who sent it (bot index, or -1 for the adversary), its key, its target.</summary>
    private readonly Dictionary<Hash, (int Sender, int Key, PublicKey Target)> _liquidations = [];

    /// <summary>Each trader's reopening trade in flight (one at a time: its nonce is the next one).</summary>
    private readonly Hash?[] _traderPending;
    private readonly Dictionary<Hash, int> _traderTrades = [];
    private double _price = StartPrice;
    private Hash? _feederPending;

    public PerpsMarketFlow(ulong seed, bool adversarial)
    {
        _schedule = new Random((int)(seed * 104_729 % int.MaxValue));
        _adversarial = adversarial;
        _traders = [.. Enumerable.Range(0, Traders).Select(i => Ed25519Signer.FromSeedPhrase($"fairway-mev-lab/perps/trader/{i}"))];
        _traderPending = new Hash?[Traders];
        _bots = [.. Enumerable.Range(0, Liquidators).Select(b =>
            Enumerable.Range(0, KeysPerLiquidator).Select(k => Ed25519Signer.FromSeedPhrase($"fairway-mev-lab/perps/liquidator/{b}/{k}")).ToArray())];
        _adversary = [.. Enumerable.Range(0, AdversaryKeys).Select(k => Ed25519Signer.FromSeedPhrase($"fairway-mev-lab/perps/adversary/{k}"))];
        _freeBotKeys = [.. Enumerable.Range(0, Liquidators).Select(_ => new Queue<int>(Enumerable.Range(0, KeysPerLiquidator)))];
        _botTargets = [.. Enumerable.Range(0, Liquidators).Select(_ => new HashSet<PublicKey>())];
        for (var b = 0; b < Liquidators; b++)
        {
            foreach (var key in _bots[b])
            {
                _botOf[key.PublicKey] = b;
            }
        }

        for (var k = 0; k < AdversaryKeys; k++)
        {
            _freeAdversaryKeys.Enqueue(k);
        }

        State = new MarketState(OracleNamespace, PerpsNamespace, OptionsNamespace, _feeder.PublicKey, _feeder.PublicKey);
        Genesis();
    }

    /// <summary>The market as an executor of the output holds it.</summary>
    public MarketState State { get; }

    /// <summary>Liquidations the honest bots won (applied: the account was still liquidatable when theirs came).</summary>
    public int HonestLiquidations { get; private set; }

    /// <summary>Liquidations the adversary sent ahead of a competitor's it had read (each was a competitor's first).</summary>
    public int SnipesTried { get; private set; }

    /// <summary>Snipes that applied: the adversary took the bonus of an account a competitor had sent a liquidation for first.</summary>
    public int Sniped { get; private set; }

    /// <summary>Bonus the adversary took, micro-USD.</summary>
    public ulong AdversaryBonus { get; private set; }

    /// <summary>Bonus the honest bots took, micro-USD.</summary>
    public ulong OthersBonus { get; private set; }

    public IReadOnlyList<Transaction> Submit(ulong round, long nowMs)
    {
        var sent = new List<Transaction>();

        // The path moves every round whether or not the feeder can post: the feed shows the price whenever it gets a turn.
        var step = StepVolatility * Gaussian();
        var jump = _schedule.NextDouble() < JumpChancePerRound ? (_schedule.Next(2) == 0 ? -1 : 1) * (0.03 + (0.03 * _schedule.NextDouble())) : 0;
        _price = Math.Clamp(_price * Math.Exp(step + jump), 1_000_000, 10_000_000_000);

        // The feeder signs consecutive nonces, which the oracle takes only in order: one update in flight at a time.
        if (_feederPending is null)
        {
            var update = Sign(OracleNamespace, _feeder, OracleKind.PriceUpdate, State.Oracle.FeederNonce,
                OracleState.PriceUpdateBody((ulong)_price, OracleTimestamp(round)));
            _feederPending = update.Hash;
            sent.Add(update);
        }

        for (var t = 0; t < Traders; t++)
        {
            // Drawn for every trader every round, so the schedule is the same whatever the sequencer did.
            var reopen = _schedule.NextDouble() < ReopenChancePerRound;
            var leverage = LeverageMin + ((LeverageMax - LeverageMin) * _schedule.NextDouble());
            var side = _schedule.Next(2) == 0 ? 1 : -1;
            if (!reopen || _traderPending[t] is not null || State.Perps.Find(_traders[t].PublicKey) is not { Size: 0, Collateral: >= PerpsState.FaucetAmount / 10 } account)
            {
                continue;
            }

            var price = State.Perps.OraclePrice;
            var size = side * (long)(account.Collateral * leverage / price * PerpsState.Unit);
            var limit = (ulong)(price * (1 + (side * TradeSlippage)));
            var trade = Sign(PerpsNamespace, _traders[t], PerpsKind.Trade, account.Nonce, PerpsState.TradeBody(size, limit));
            _traderPending[t] = trade.Hash;
            _traderTrades[trade.Hash] = t;
            sent.Add(trade);
        }

        // The bots read the output: every account under its maintenance margin there gets a liquidation from each bot
        // that has none in flight for it.
        var liquidatable = State.Perps.Accounts.Where(p => State.Perps.IsLiquidatable(p.Value)).Select(p => p.Key).ToList();
        for (var b = 0; b < Liquidators; b++)
        {
            foreach (var target in liquidatable)
            {
                if (_freeBotKeys[b].Count == 0 || _liquidations.Count >= TrackedMax || !_botTargets[b].Add(target))
                {
                    continue;
                }

                var key = _freeBotKeys[b].Dequeue();
                sent.Add(Liquidate(b, key, _bots[b][key], target));
            }
        }

        return sent;
    }

    /// <summary>
    /// The adversary reads a competitor's liquidation and, when it can place a batch ahead of it, sends its own of the
    /// same account there: first valid wins, so placed first it takes the bonus. A ciphertext does not decode, so under
    /// <c>encrypted</c> it has nothing to go on.
    /// </summary>
    public MevAttack? React(Transaction victim, long nowMs, bool leads)
    {
        if (!_adversarial || !leads || victim.Namespace != PerpsNamespace
            || RollupTransaction.TryDecode(victim.Payload.Span) is not { Kind: PerpsKind.Liquidate } liquidation
            || !_botOf.ContainsKey(liquidation.Sender) || liquidation.Body.Length != PublicKey.Size
            || _freeAdversaryKeys.Count == 0 || _liquidations.Count >= TrackedMax)
        {
            return null;
        }

        // One snipe per competitor's liquidation, each ahead of its own: competitors' liquidations of the same account
        // travel in different batches, and whichever lands first takes the bonus. The extra snipes then fail, at no cost
        // but a nonce on a key of their own.
        var target = new PublicKey(liquidation.Body);
        SnipesTried++;
        var key = _freeAdversaryKeys.Dequeue();
        return new MevAttack([Liquidate(-1, key, _adversary[key], target)], []);
    }

    public void OnOutput(ulong height, IReadOnlyList<Transaction> transactions, long nowMs)
    {
        var oracle = transactions.Where(t => t.Namespace == OracleNamespace).ToList();
        var perps = transactions.Where(t => t.Namespace == PerpsNamespace).ToList();
        if (oracle.Count == 0 && perps.Count == 0)
        {
            return;
        }

        var receipts = State.ApplyHeight([.. oracle.Select(t => t.Payload)], [.. perps.Select(t => t.Payload)], [], Ed25519Verifier.Instance);
        if (_feederPending is { } pending && oracle.Any(t => t.Hash == pending))
        {
            _feederPending = null;
        }

        for (var i = 0; i < perps.Count; i++)
        {
            var hash = perps[i].Hash;
            if (_traderTrades.Remove(hash, out var trader))
            {
                _traderPending[trader] = null;
            }

            if (!_liquidations.Remove(hash, out var sent))
            {
                continue;
            }

            // Applied means won (first valid wins; the rest fail). An account a jump left underwater pays no bonus, but the
            // win still counts: the bonus figures say what the wins were worth.
            var receipt = receipts.Perps[i];
            if (sent.Sender < 0)
            {
                _freeAdversaryKeys.Enqueue(sent.Key);
                if (receipt.IsApplied)
                {
                    Sniped++;
                    AdversaryBonus += receipt.Amount;
                }
            }
            else
            {
                _freeBotKeys[sent.Sender].Enqueue(sent.Key);
                _botTargets[sent.Sender].Remove(sent.Target);
                if (receipt.IsApplied)
                {
                    HonestLiquidations++;
                    OthersBonus += receipt.Amount;
                }
            }
        }
    }

    /// <summary>The oracle's clock runs on rounds, not on simulated time, so funding is the same however the run is ordered.</summary>
    internal static ulong OracleTimestamp(ulong round) => 1_000 + (round * 100);

    private Transaction Liquidate(int sender, int key, Ed25519Signer signer, PublicKey target)
    {
        var nonce = State.Perps.Find(signer.PublicKey)?.Nonce ?? 0;
        var tx = Sign(PerpsNamespace, signer, PerpsKind.Liquidate, nonce, PerpsState.LiquidateBody(target));
        _liquidations[tx.Hash] = (sender, key, target);
        return tx;
    }

    private static Transaction Sign(ulong ns, Ed25519Signer signer, byte kind, ulong nonce, byte[] body) =>
        new(ns, RollupTransaction.Sign(ns, kind, nonce, body, signer).Encode());

    private double Gaussian()
    {
        // Box-Muller on the schedule's own draws, so the path depends on the seed alone.
        var u = 1 - _schedule.NextDouble();
        var v = _schedule.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }

    /// <summary>
    /// Applied locally, as the chain's state before the run: the first price, every account's faucet draw, and each
    /// trader's opening position at a leverage drawn just under what the initial margin allows, half long, half short.
    /// </summary>
    private void Genesis()
    {
        var oracle = new List<ReadOnlyMemory<byte>>
        {
            Sign(OracleNamespace, _feeder, OracleKind.PriceUpdate, 0, OracleState.PriceUpdateBody(StartPrice, OracleTimestamp(0))).Payload,
        };
        var perps = new List<ReadOnlyMemory<byte>>();
        foreach (var key in _traders.Concat(_bots.SelectMany(b => b)).Concat(_adversary))
        {
            perps.Add(Sign(PerpsNamespace, key, PerpsKind.Faucet, 0, PerpsState.FaucetBody()).Payload);
        }

        for (var t = 0; t < Traders; t++)
        {
            var leverage = LeverageMin + ((LeverageMax - LeverageMin) * _schedule.NextDouble());
            var side = t % 2 == 0 ? 1 : -1;
            var size = side * (long)(PerpsState.FaucetAmount * leverage / StartPrice * PerpsState.Unit);
            perps.Add(Sign(PerpsNamespace, _traders[t], PerpsKind.Trade, 1, PerpsState.TradeBody(size, StartPrice)).Payload);
        }

        var receipts = State.ApplyHeight(oracle, perps, [], Ed25519Verifier.Instance);
        if (receipts.Oracle.Concat(receipts.Perps).FirstOrDefault(r => !r.IsApplied) is { } failed)
        {
            throw new InvalidOperationException($"the lab's perps genesis failed: {failed.Reason}");
        }
    }
}

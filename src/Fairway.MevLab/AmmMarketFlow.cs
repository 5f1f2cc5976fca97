using System.Numerics;
using Fairway.Core.Auction;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Crypto;
using Fairway.Rollups.Accounts;
using Fairway.Rollups.Amm;
using Fairway.Rollups.Mev;
using Fairway.Simulation;

namespace Fairway.MevLab;

/// <summary>
/// The lab's market on the AMM rollup, as one order flow through the simulator: traders' swaps drawn from a seeded
/// schedule that does not depend on what the sequencer does (so an honest run and an attacked run see the same orders),
/// the adversary's sandwiches, and the rollup executed on what came out. Under <c>encrypted</c> the adversary sees
/// ciphertexts, which do not decode as swaps, so it has nothing to react to.
/// </summary>
internal sealed class AmmMarketFlow : IOrderFlow
{
    public const ulong AmmNamespace = 1;

    /// <summary>Each side of the pool at genesis: a deep pool, so a single order moves the price by well under 1%.</summary>
    public const ulong PoolDepth = 500_000_000_000;

    /// <summary>
    /// Accounts the adversary holds. Each sandwich takes two that have nothing in flight (one per leg, so no leg waits on
    /// another's nonce), and each returns when its leg has landed: the number of sandwiches in flight at once.
    /// </summary>
    private const int AdversaryAccounts = 256;

    /// <summary>The share of the closed-form largest front-run the adversary sends (see <see cref="React"/>).</summary>
    private const double FrontRunMargin = 0.5;

    /// <summary>
    /// How far below its expected output the front-run may fill, in basis points. Tight, so a front-run that lands behind
    /// its victim (which moved the price first) fails instead of buying at the top: a misplaced sandwich then costs little.
    /// </summary>
    private const int FrontGuardBps = 10;

    /// <summary>The least expected profit, in basis points of the front-run, for which the adversary attacks.</summary>
    private const int ProfitHurdleBps = 20;

    private static readonly double[] Tolerances = [0.005, 0.01, 0.02, 0.03];

    /// <summary>
    /// Under <c>auction</c>: the share of the value it expects from an epoch's lane the adversary bids (its expected
    /// sandwich profit over the swaps it has seen so far, per epoch of that flow), and the share its rival bids. The
    /// adversary keeps a margin for the sandwiches that fail or land when it holds no lane yet; the rival, which has the
    /// same view, a wider one. A second-price auction then charges the adversary the rival's bid.
    /// </summary>
    public const double AdversaryBidShare = 0.5;

    /// <inheritdoc cref="AdversaryBidShare"/>
    public const double RivalBidShare = 0.3;

    private readonly Random _schedule;
    private readonly double _orderChancePerRound;
    private readonly Ed25519Signer[] _traders;
    private readonly Dictionary<PublicKey, int> _traderIndex = [];
    private readonly Ed25519Signer[] _adversary;
    private readonly bool _adversarial;
    private readonly Hash?[] _pending;
    private readonly Dictionary<Hash, Order> _orders = [];
    private readonly Dictionary<Hash, Attack> _attacksByVictim = [];
    private readonly Dictionary<Hash, (int Position, string Outcome, ulong AmountOut)> _landed = [];
    private readonly Dictionary<Hash, ulong> _frontIn = [];
    private readonly Dictionary<Hash, ulong> _legIn = [];
    private readonly Dictionary<Hash, (double Before, double After)> _legPrices = [];

    /// <summary>Swaps in flight the adversary keeps track of at most (a lost one would otherwise stay forever).</summary>
    private const int PendingSeenMax = 4_096;

    /// <summary>Swaps the adversary has seen or sent and not yet seen land, in the order it expects them.</summary>
    private readonly List<(Hash Tx, bool SellA, ulong AmountIn, ulong MinOut)> _pendingSeen = [];
    private readonly Queue<int> _freeAdversary = new();
    private readonly ulong[] _adversaryNonce = new ulong[AdversaryAccounts];
    private readonly Dictionary<Hash, int> _adversaryInFlight = [];
    private int _position;
    private IReadOnlyList<PublicKey> _searchers = [];
    private readonly HashSet<PublicKey> _adversaryAccounts = [];
    private double _opportunity;
    private long? _firstSeenMs;

    /// <summary>What each sandwich sent was expected to bring, in token A, by its victim.</summary>
    private readonly Dictionary<Hash, double> _expectedOf = [];

    /// <summary>Sandwiches whose outcome the adversary must see before it trusts its own record over its expectation.</summary>
    private const int RealizationSample = 4;

    public AmmMarketFlow(ulong seed, int traders, bool adversarial)
    {
        _schedule = new Random((int)(seed * 7919 % int.MaxValue));
        _adversarial = adversarial;

        // About one order per round across all traders, whatever their number.
        _orderChancePerRound = Math.Min(1.0, 1.0 / traders);
        _traders = [.. Enumerable.Range(0, traders).Select(i => Ed25519Signer.FromSeedPhrase($"fairway-mev-lab/trader/{i}"))];
        _adversary = [.. Enumerable.Range(0, AdversaryAccounts).Select(i => Ed25519Signer.FromSeedPhrase($"fairway-mev-lab/adversary/{i}"))];
        _pending = new Hash?[traders];
        for (var i = 0; i < traders; i++)
        {
            _traderIndex[_traders[i].PublicKey] = i;
        }

        _adversaryAccounts.UnionWith(_adversary.Select(a => a.PublicKey));
        for (var i = 0; i < AdversaryAccounts; i++)
        {
            _freeAdversary.Enqueue(i);

            // The faucet used nonce 0.
            _adversaryNonce[i] = 1;
        }

        State = Genesis();
    }

    /// <summary>The rollup as an executor of the output holds it.</summary>
    public AmmState State { get; }

    public IReadOnlyCollection<Order> Orders => _orders.Values;

    public IReadOnlyDictionary<Hash, Order> OrdersByHash => _orders;

    public IReadOnlyCollection<Attack> Attacks => _attacksByVictim.Values;


    public IEnumerable<PublicKey> TraderKeys => _traders.Select(t => t.PublicKey);

    public IEnumerable<PublicKey> AdversaryKeys => _adversary.Select(a => a.PublicKey);

    /// <summary>Under <c>auction</c>: the express lanes of the AMM namespace the adversary won.</summary>
    public int LanesWon { get; private set; }

    /// <summary>What the adversary paid for them (the auction's unit here is token A's base unit).</summary>
    public double LanePricePaid { get; private set; }

    /// <summary>Of the settlements, what went back to the traders, to the adversary (its swap accounts and its bidder key), and to anyone else.</summary>
    public double RebatesToTraders { get; private set; }

    /// <inheritdoc cref="RebatesToTraders"/>
    public double RebatesToAdversary { get; private set; }

    /// <inheritdoc cref="RebatesToTraders"/>
    public double RebatesToOthers { get; private set; }

    /// <summary>What the lanes of the AMM namespace sold for, whoever won them.</summary>
    public double LanePricesTotal { get; private set; }

    /// <summary>Auctions of the AMM namespace decided (result records read).</summary>
    public int AuctionEpochs { get; private set; }

    /// <summary>A trader's swap: who, when it was sent and landed, what it sold and how it went.</summary>
    public sealed class Order(int trader, long submittedMs, bool sellA, ulong amountIn)
    {
        public int Trader { get; } = trader;

        public long SubmittedMs { get; } = submittedMs;

        public bool SellA { get; } = sellA;

        public ulong AmountIn { get; } = amountIn;

        public long? IncludedMs { get; set; }

        /// <summary>What a front-run ahead of it cost, in the token it bought (0 when none landed ahead of it).</summary>
        public ulong LossOut { get; set; }
    }

    /// <summary>A sandwich the adversary sent: its two legs and the victim's swap.</summary>
    public sealed record Attack(Hash Victim, Hash Front, Hash Back, bool SellA);

    /// <summary>
    /// What a sandwich earned, in token A: the token it put in front less what the back-run brought back, and the other
    /// token left over, marked at the pool's price at its legs. Marking each attack when it ends keeps the
    /// figure to what the ordering took, not to where the price wandered afterwards with the inventory of failed ones.
    /// </summary>
    public double ProfitOf(Attack attack)
    {
        ArgumentNullException.ThrowIfNull(attack);
        var front = Leg(attack.Front);
        var back = Leg(attack.Back);
        if (front is null && back is null)
        {
            return 0;
        }

        // X is the token the victim sells (the front-run's input), Y the one it buys.
        var netX = (back?.Out ?? 0) - (front?.In ?? 0);
        var netY = (front?.Out ?? 0) - (back?.In ?? 0);
        // One leg alone is marked at the price before it (the cost of its fee and impact); a closed pair's small
        // remainder at the price after the back-run.
        var aPerB = front is not null && back is not null ? back.Value.Prices.After : (back ?? front)!.Value.Prices.Before;
        var xInA = attack.SellA ? netX : netX * aPerB;
        var yInA = attack.SellA ? netY * aPerB : netY;
        return xInA + yInA;
    }

    private (double In, double Out, (double Before, double After) Prices)? Leg(Hash leg) =>
        _legPrices.TryGetValue(leg, out var prices) ? (_legIn[leg], _landed[leg].AmountOut, prices) : null;

    /// <summary>Whether the sandwich closed around its victim: front, victim and back applied, in that order.</summary>
    public bool Succeeded(Attack attack) =>
        _landed.TryGetValue(attack.Front, out var front) && _landed.TryGetValue(attack.Victim, out var victim) && _landed.TryGetValue(attack.Back, out var back)
        && front.Outcome == "applied" && victim.Outcome == "applied" && back.Outcome == "applied"
        && front.Position < victim.Position && victim.Position < back.Position;

    public IReadOnlyList<Transaction> Submit(ulong round, long nowMs)
    {
        var sent = new List<Transaction>();
        for (var t = 0; t < _traders.Length; t++)
        {
            // Every draw is made for every trader every round, so the schedule is the same whatever the sequencer did.
            var place = _schedule.NextDouble() < _orderChancePerRound;
            var sellA = _schedule.Next(2) == 0;
            var size = 0.0005 + (0.0045 * _schedule.NextDouble());
            var tolerance = Tolerances[_schedule.Next(Tolerances.Length)];
            if (!place || _pending[t] is not null || State.ReserveA == 0)
            {
                continue;
            }

            var (reserveIn, reserveOut) = sellA ? (State.ReserveA, State.ReserveB) : (State.ReserveB, State.ReserveA);
            var amountIn = (ulong)(reserveIn * size);
            var quote = ConstantProduct.AmountOut(amountIn, reserveIn, reserveOut, AmmState.FeePpm);

            // As a wallet does: the quote at the state it last saw, less the trader's tolerance.
            var minOut = (ulong)(quote * (long)Math.Round((1 - tolerance) * 1_000_000) / 1_000_000);
            var nonce = State.Find(_traders[t].PublicKey)!.Nonce;
            var tx = new Transaction(AmmNamespace, RollupTransaction.Sign(
                AmmNamespace, AmmKind.Swap, nonce, AmmState.SwapBody(sellA, amountIn, minOut), _traders[t]).Encode());
            _pending[t] = tx.Hash;
            _orders[tx.Hash] = new Order(t, nowMs, sellA, amountIn);
            sent.Add(tx);
        }

        return sent;
    }

    public MevAttack? React(Transaction victim, long nowMs, bool leads)
    {
        if (!_adversarial || victim.Namespace != AmmNamespace
            || RollupTransaction.TryDecode(victim.Payload.Span) is not { Kind: AmmKind.Swap } swap || !_traderIndex.ContainsKey(swap.Sender)
            || AmmState.TryReadSwapBody(swap.Body) is not { AmountIn: > 0 } order)
        {
            return null;
        }

        var (sellA, amountIn, minOut) = order;
        if (minOut == 0 || _pendingSeen.Count >= PendingSeenMax)
        {
            Expect(victim.Hash, sellA, amountIn, minOut);
            return null;
        }

        // The adversary prices the victim against the pool as it will be when the victim executes: what the output last
        // showed, with the swaps it has seen pending played on top (see PendingView). Its front-run is
        // the closed-form largest one the victim's minimum tolerates (Zhou et al. 2021), cut by a margin: other swaps
        // land between what it saw and its proposal, and a front-run at the very limit would push the victim past it.
        var (viewA, viewB) = PendingView();
        var (reserveIn, reserveOut) = sellA ? (viewA, viewB) : (viewB, viewA);
        var bound = Sandwich.SlippageBound(reserveIn, reserveOut, AmmState.FeePpm / (double)ConstantProduct.FeeDenominator, amountIn, minOut);
        var frontIn = new BigInteger(Math.Min(bound * FrontRunMargin, AmmState.FaucetAmount / 2));
        // A searcher's hurdle: a sandwich whose expected profit is thin turns into a loss when the pool is not quite as
        // expected, so it attacks only when the profit is worth at least ProfitHurdleBps of what it puts in front.
        var expected = frontIn.Sign > 0 ? Sandwich.Outcome(reserveIn, reserveOut, AmmState.FeePpm, amountIn, frontIn).Profit : BigInteger.Zero;
        var worthIt = frontIn.Sign > 0 && expected * 10_000 >= frontIn * ProfitHurdleBps;

        // What the sandwich would bring, in token A, whether or not it can be placed now: what a lane is worth to it.
        _firstSeenMs ??= nowMs;
        _opportunity += worthIt ? (double)expected * (sellA ? 1 : viewA / (double)viewB) : 0;
        if (!leads || _freeAdversary.Count < 2 || !worthIt)
        {
            Expect(victim.Hash, sellA, amountIn, minOut);
            return null;
        }

        var bought = ConstantProduct.AmountOut(frontIn, reserveIn, reserveOut, AmmState.FeePpm);
        var frontKey = _freeAdversary.Dequeue();
        var backKey = _freeAdversary.Dequeue();

        // Guards, as a searcher's bundle has them: the front-run only at about the price it expects, the back-run only for
        // at least half the profit it expects (selling alone, without its front-run ahead of the victim, fetches less).
        var frontMin = (ulong)(bought * (10_000 - FrontGuardBps) / 10_000);
        var backMin = (ulong)(frontIn + (expected / 2));
        var front = Sign(frontKey, AmmState.SwapBody(sellA, (ulong)frontIn, frontMin));
        var back = Sign(backKey, AmmState.SwapBody(!sellA, (ulong)bought, backMin));
        _adversaryInFlight[front.Hash] = frontKey;
        _frontIn[front.Hash] = (ulong)frontIn;
        _legIn[front.Hash] = (ulong)frontIn;
        _legIn[back.Hash] = (ulong)bought;
        _adversaryInFlight[back.Hash] = backKey;
        _expectedOf[victim.Hash] = (double)expected * (sellA ? 1 : viewA / (double)viewB);
        _attacksByVictim.TryAdd(victim.Hash, new Attack(victim.Hash, front.Hash, back.Hash, sellA));
        Expect(front.Hash, sellA, (ulong)frontIn, frontMin);
        Expect(victim.Hash, sellA, amountIn, minOut);
        Expect(back.Hash, !sellA, (ulong)bought, backMin);
        return new MevAttack([front], [back]);
    }

    /// <summary>
    /// The pool the adversary expects: the output's, then each swap it has seen and not yet seen land, in the order it
    /// expects them (a swap whose minimum would fail is left out, as the pool would). Bounded by what is in flight.
    /// </summary>
    private (ulong A, ulong B) PendingView()
    {
        var (a, b) = (State.ReserveA, State.ReserveB);
        foreach (var (_, sellA, amountIn, minOut) in _pendingSeen)
        {
            var (reserveIn, reserveOut) = sellA ? (a, b) : (b, a);
            var amountOut = (ulong)ConstantProduct.AmountOut(amountIn, reserveIn, reserveOut, AmmState.FeePpm);
            if (amountOut < minOut || amountOut >= reserveOut)
            {
                continue;
            }

            (a, b) = sellA ? (a + amountIn, b - amountOut) : (a - amountOut, b + amountIn);
        }

        return (a, b);
    }

    private void Expect(Hash tx, bool sellA, ulong amountIn, ulong minOut)
    {
        if (_pendingSeen.Count < PendingSeenMax)
        {
            _pendingSeen.Add((tx, sellA, amountIn, minOut));
        }
    }

    private Transaction Sign(int adversary, byte[] body)
    {
        var key = _adversary[adversary];
        var nonce = _adversaryNonce[adversary]++;
        return new Transaction(AmmNamespace, RollupTransaction.Sign(AmmNamespace, AmmKind.Swap, nonce, body, key).Encode());
    }

    /// <summary>
    /// The sender; the adversary's swap accounts are one user, its searcher (the key it bids and signs bundles with), so
    /// its own swaps may ride in its bundles (a bundle carries only the controller's own transactions).
    /// </summary>
    public PublicKey? UserOf(ReadOnlySpan<byte> payload) =>
        RollupTransaction.TryDecode(payload)?.Sender is { } sender && _searchers.Count > 0 && _adversaryAccounts.Contains(sender) ? _searchers[0]
        : RollupTransaction.TryDecode(payload)?.Sender;

    public void UseAuctionKeys(IReadOnlyList<PublicKey> searchers) => _searchers = searchers ?? throw new ArgumentNullException(nameof(searchers));

    /// <summary>
    /// The adversary's and its rival's bids for the AMM namespace's next lane: their shares of the sandwich profit the swaps
    /// seen so far promised per epoch. Nothing before it has seen any, nor in a run without the adversary.
    /// </summary>
    public IReadOnlyList<ulong> AuctionBids(ulong @namespace, ulong epoch, ulong epochMs, long nowMs)
    {
        if (!_adversarial || @namespace != AmmNamespace || _searchers.Count < 2 || _firstSeenMs is not { } first || _opportunity <= 0)
        {
            return [];
        }

        var perEpoch = _opportunity / Math.Max(nowMs - first, (long)epochMs) * epochMs * Realization();
        return [(ulong)(perEpoch * AdversaryBidShare), (ulong)(perEpoch * RivalBidShare)];
    }

    /// <summary>
    /// What the sandwiches sent so far brought for what they were expected to, between 0 and 1: read off the outputs
    /// (anyone can), once enough of them have landed; 1 before. A lane is worth what it really earns, not what it promises.
    /// </summary>
    private double Realization()
    {
        var done = Attacks.Where(a => _expectedOf.ContainsKey(a.Victim) && _landed.ContainsKey(a.Victim) && _landed.ContainsKey(a.Back)).ToList();
        if (done.Count < RealizationSample)
        {
            return 1;
        }

        var expected = done.Sum(a => _expectedOf[a.Victim]);
        return expected <= 0 ? 0 : Math.Clamp(done.Sum(ProfitOf) / expected, 0, 1);
    }

    /// <summary>An auction record in the AMM namespace: who won its lane at what price, and where a settlement paid it.</summary>
    private void OnRecord(AuctionRecord record)
    {
        AuctionEpochs += record.Kind == AuctionRecordKind.Result ? 1 : 0;
        if (record is { Kind: AuctionRecordKind.Result, Winner: { } winner })
        {
            LanePricesTotal += record.Price;
            if (_searchers.Count > 0 && winner == _searchers[0])
            {
                LanesWon++;
                LanePricePaid += record.Price;
            }
        }

        foreach (var share in record.Shares)
        {
            if (_traderIndex.ContainsKey(share.User))
            {
                RebatesToTraders += share.Amount;
            }
            else if (_adversaryAccounts.Contains(share.User) || (_searchers.Count > 0 && share.User == _searchers[0]))
            {
                RebatesToAdversary += share.Amount;
            }
            else
            {
                RebatesToOthers += share.Amount;
            }
        }
    }

    public void OnOutput(ulong height, IReadOnlyList<Transaction> transactions, long nowMs)
    {
        foreach (var tx in transactions)
        {
            if (tx.Namespace != AmmNamespace)
            {
                continue;
            }

            // The chain's own records (an auction's) are no swaps: read, not executed.
            if (AuctionRecord.HasMagic(tx.Payload.Span))
            {
                if (AuctionRecord.TryDecode(tx.Payload.Span) is { } record)
                {
                    OnRecord(record);
                }

                continue;
            }

            var order = _orders.GetValueOrDefault(tx.Hash);
            var counterfactual = order is not null && _attacksByVictim.TryGetValue(tx.Hash, out var attack) ? WithoutFrontRun(order, attack) : null;
            var priceBefore = State.ReserveA / (double)State.ReserveB;
            var receipt = State.Apply(tx.Payload.Span, Ed25519Verifier.Instance);
            _pendingSeen.RemoveAll(p => p.Tx == tx.Hash);
            _landed.TryAdd(tx.Hash, (_position++, receipt.Outcome, receipt.Amount));
            if (receipt.Outcome == "applied" && _legIn.ContainsKey(tx.Hash))
            {
                _legPrices[tx.Hash] = (priceBefore, State.ReserveA / (double)State.ReserveB);
            }
            if (counterfactual is { } honestOut && receipt.Outcome == "applied" && honestOut > receipt.Amount)
            {
                order!.LossOut = honestOut - receipt.Amount;
            }

            if (_adversaryInFlight.Remove(tx.Hash, out var adversary))
            {
                // Landed, so its nonce is used (a skipped leg would hold it, but the adversary signs its own nonces right).
                _freeAdversary.Enqueue(adversary);
            }

            if (order is not null && order.IncludedMs is null)
            {
                order.IncludedMs = nowMs;
                _pending[order.Trader] = null;
            }
        }
    }

    /// <summary>
    /// What a victim would have received had the adversary's front-run not landed ahead of it: the pool as it is, with
    /// the front-run's trade taken back out. Null when the front-run is not ahead of it (it cost the victim nothing).
    /// </summary>
    private ulong? WithoutFrontRun(Order order, Attack attack)
    {
        if (!_landed.TryGetValue(attack.Front, out var front) || front.Outcome != "applied" || !_frontIn.TryGetValue(attack.Front, out var frontIn))
        {
            return null;
        }

        var (reserveIn, reserveOut) = order.SellA ? (State.ReserveA, State.ReserveB) : (State.ReserveB, State.ReserveA);
        return (ulong)ConstantProduct.AmountOut(order.AmountIn, reserveIn - frontIn, reserveOut + front.AmountOut, AmmState.FeePpm);
    }

    /// <summary>The value of what a set of accounts holds, in token A, a unit of B counted as <paramref name="aPerB"/> of A.</summary>
    public double ValueOf(IEnumerable<PublicKey> keys, double aPerB) =>
        keys.Select(State.Find).Where(a => a is not null).Sum(a => a!.A + (a.B * aPerB));

    private AmmState Genesis()
    {
        // Everyone draws the faucet; a market maker seeds the pool at a price of one.
        var state = new AmmState(AmmNamespace);
        var maker = Ed25519Signer.FromSeedPhrase("fairway-mev-lab/market-maker");
        foreach (var key in _traders.Concat(_adversary).Append(maker))
        {
            Require(state.Apply(RollupTransaction.Sign(AmmNamespace, AmmKind.Faucet, 0, [], key).Encode(), Ed25519Verifier.Instance));
        }

        Require(state.Apply(RollupTransaction.Sign(AmmNamespace, AmmKind.AddLiquidity, 1, AmmState.AddLiquidityBody(PoolDepth, PoolDepth), maker).Encode(), Ed25519Verifier.Instance));
        return state;
    }

    private static void Require(RollupReceipt receipt)
    {
        if (receipt.Outcome != "applied")
        {
            throw new InvalidOperationException($"the lab's genesis failed: {receipt.Reason}");
        }
    }
}

using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Crypto;
using Fairway.Rollups.Accounts;
using Fairway.Rollups.Market;
using Fairway.Rollups.Oracle;
using Fairway.Rollups.Options;
using Fairway.Simulation;

namespace Fairway.MevLab;

/// <summary>
/// The lab's options market, as one order flow: holders bought calls and puts at genesis on series that expire during
/// the run; shortly before each expiry the holders in the money send an exercise, which pays the intrinsic value at the
/// oracle price when it lands. The adversary is the market maker, who pays those exercises: it holds every exercise it
/// can read out of what it places until the series' expiry update has landed, so the exercise fails "expired" and the
/// series settles at the expiry price instead. It sends nothing; it only delays. The price is the perps market's oracle
/// (namespace 2, one feeder): this flow executes those updates on its own market state, so it adds no oracle traffic.
/// </summary>
internal sealed class OptionsMarketFlow : IOrderFlow
{
    public const ulong OptionsNamespace = 4;

    /// <summary>The market state needs a perps namespace; this flow sends nothing there.</summary>
    private const ulong PerpsNamespace = PerpsMarketFlow.PerpsNamespace;

    /// <summary>Series in the market: one expiry each, every <see cref="ExpirySpacingRounds"/> rounds of oracle time.</summary>
    public const int SeriesCount = 10;

    /// <summary>Holders per series, half calls, half puts, all struck at the opening price: about half end in the money.</summary>
    public const int HoldersPerSeries = 16;

    private const ulong FirstExpiryRound = 40;
    private const ulong ExpirySpacingRounds = 40;

    /// <summary>
    /// How long before expiry, in oracle ms, a holder exercises: thirty rounds of oracle time, several times an honest
    /// network's inclusion delay, so an exercise misses its expiry only when someone holds it.
    /// </summary>
    public const ulong ExerciseLeadMs = 3_000;

    /// <summary>Ten units per position.</summary>
    private const ulong Quantity = 10 * OptionsState.Unit;

    /// <summary>80%: the market maker's implied volatility, which only prices the genesis purchases.</summary>
    private const ulong VolatilityPpm = 800_000;

    private readonly bool _adversarial;
    private readonly Ed25519Signer _marketMaker = Ed25519Signer.FromSeedPhrase("fairway-mev-lab/options/market-maker");

    /// <summary>One key per position, so each exercise has its own next nonce and none waits on another.</summary>
    private readonly (Ed25519Signer Key, OptionSeries Series)[] _positions;

    /// <summary>Whether each holder has decided (exercise or let it settle): once, at the first output inside the window.</summary>
    private readonly bool[] _decided;

    /// <summary>Exercises sent and not yet landed: the position, the intrinsic value per unit and the time when sent.</summary>
    private readonly Dictionary<Hash, (int Position, ulong ValueAtSend, long SentMs)> _pending = [];

    /// <summary>Inclusion delays, one per exercise that landed (so at most one per position).</summary>
    private readonly List<double> _delaysMs = [];
    private readonly List<double> _heldDelaysMs = [];

    /// <summary>Exercises the adversary holds (a subset of <see cref="_pending"/>, so bounded by the positions).</summary>
    private readonly HashSet<Hash> _held = [];

    /// <summary>Each series' settlement price, once its expiry update has landed.</summary>
    private readonly Dictionary<OptionSeries, ulong> _settledAt = [];

    public OptionsMarketFlow(bool adversarial)
    {
        _adversarial = adversarial;
        var series = Enumerable.Range(0, SeriesCount)
            .Select(s => PerpsMarketFlow.OracleTimestamp(FirstExpiryRound + ((ulong)s * ExpirySpacingRounds))).ToArray();
        _positions = [.. Enumerable.Range(0, SeriesCount * HoldersPerSeries).Select(i => (
            Ed25519Signer.FromSeedPhrase($"fairway-mev-lab/options/holder/{i}"),
            new OptionSeries(i % 2 == 0, PerpsMarketFlow.StartPrice, series[i / HoldersPerSeries])))];
        _decided = new bool[_positions.Length];
        State = new MarketState(PerpsMarketFlow.OracleNamespace, PerpsNamespace, OptionsNamespace,
            Ed25519Signer.FromSeedPhrase(PerpsMarketFlow.FeederPhrase).PublicKey, _marketMaker.PublicKey);
        Genesis();
    }

    /// <summary>The market as an executor of the output holds it.</summary>
    public MarketState State { get; }

    public int ExercisesSent { get; private set; }

    /// <summary>From each exercise's submission to the output that carried it, ms.</summary>
    public IReadOnlyList<double> DelaysMs => _delaysMs;

    /// <summary>The same for the exercises the adversary held.</summary>
    public IReadOnlyList<double> HeldDelaysMs => _heldDelaysMs;

    /// <summary>Exercises that landed before expiry and paid.</summary>
    public int ExercisesPaid { get; private set; }

    /// <summary>Exercises that landed at or after their expiry and failed "expired", held or not.</summary>
    public int ExercisesExpired { get; private set; }

    /// <summary>Exercises the adversary read and held.</summary>
    public int ExercisesHeld { get; private set; }

    /// <summary>
    /// Held exercises that failed "expired": the hold made them miss their expiry, so the holder was paid at the
    /// settlement price instead of the price when the exercise landed.
    /// </summary>
    public int ExercisesDelayed { get; private set; }

    /// <summary>
    /// Over the delayed exercises, micro-USD: what they were worth at the price when sent less what settlement paid for
    /// them. Signed: the price can move either way while an exercise is held.
    /// </summary>
    public long DelayedValueLost { get; private set; }

    /// <summary>
    /// What the holders own, micro-USD: their balances and their open positions at the last oracle price. Compared
    /// with the honest run's, what the holds cost them.
    /// </summary>
    public ulong HolderValue
    {
        get
        {
            var price = State.Options.OraclePrice;
            var value = 0UL;
            foreach (var (key, series) in _positions)
            {
                value += State.Options.Find(key.PublicKey)?.Balance ?? 0;
                value += (ulong)((UInt128)series.IntrinsicValue(price) * State.Options.PositionOf(key.PublicKey, series) / OptionsState.Unit);
            }

            return value;
        }
    }

    /// <summary>
    /// At the first output within <see cref="ExerciseLeadMs"/> of its expiry, each holder decides once: in the money
    /// there, it exercises; out of it, it lets the series settle. Deciding once keeps every exercise a full lead ahead of
    /// expiry, so one that misses it was held, not sent late by a holder the price had just put in the money.
    /// </summary>
    public IReadOnlyList<Transaction> Submit(ulong round, long nowMs)
    {
        var options = State.Options;
        var sent = new List<Transaction>();
        for (var i = 0; i < _positions.Length; i++)
        {
            var (key, series) = _positions[i];
            if (_decided[i] || options.OracleTime >= series.Expiry || options.OracleTime + ExerciseLeadMs < series.Expiry)
            {
                continue;
            }

            _decided[i] = true;
            var value = series.IntrinsicValue(options.OraclePrice);
            var quantity = options.PositionOf(key.PublicKey, series);
            if (value == 0 || quantity == 0 || options.Find(key.PublicKey) is not { } account)
            {
                continue;
            }

            var tx = Sign(key, OptionsKind.Exercise, account.Nonce, OptionsState.ExerciseBody(series, quantity));
            _pending[tx.Hash] = (i, value, nowMs);
            ExercisesSent++;
            sent.Add(tx);
        }

        return sent;
    }

    /// <summary>
    /// The market maker holds an exercise it can read (a ciphertext does not decode: under <c>encrypted</c> it cannot),
    /// whether or not it leads now: it keeps it out whenever it does.
    /// </summary>
    public MevAttack? React(Transaction victim, long nowMs, bool leads)
    {
        ArgumentNullException.ThrowIfNull(victim);
        if (!_adversarial || victim.Namespace != OptionsNamespace || !_pending.ContainsKey(victim.Hash)
            || RollupTransaction.TryDecode(victim.Payload.Span) is not { Kind: OptionsKind.Exercise })
        {
            return null;
        }

        _held.Add(victim.Hash);
        ExercisesHeld++;
        return new MevAttack([], [], Hold: true);
    }

    /// <summary>Held until its series' expiry update has landed in the output: after that the exercise can only fail.</summary>
    public bool StillHolds(Transaction victim, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(victim);
        return _held.Contains(victim.Hash) && _pending.TryGetValue(victim.Hash, out var pending)
            && State.Options.OracleTime < _positions[pending.Position].Series.Expiry;
    }

    public void OnOutput(ulong height, IReadOnlyList<Transaction> transactions, long nowMs)
    {
        var oracle = transactions.Where(t => t.Namespace == PerpsMarketFlow.OracleNamespace).ToList();
        var options = transactions.Where(t => t.Namespace == OptionsNamespace).ToList();
        if (oracle.Count == 0 && options.Count == 0)
        {
            return;
        }

        // As the market applies a height (every oracle update first), one update at a time, to see which settled a series.
        foreach (var update in oracle)
        {
            if (State.ApplyHeight([update.Payload], [], [], Ed25519Verifier.Instance).Oracle[0].IsApplied)
            {
                foreach (var (_, series) in _positions)
                {
                    if (series.Expiry <= State.Options.OracleTime)
                    {
                        _settledAt.TryAdd(series, State.Options.OraclePrice);
                    }
                }
            }
        }

        var receipts = State.ApplyHeight([], [], [.. options.Select(t => t.Payload)], Ed25519Verifier.Instance).Options;
        for (var i = 0; i < options.Count; i++)
        {
            var hash = options[i].Hash;
            if (!_pending.Remove(hash, out var pending))
            {
                continue;
            }

            var held = _held.Remove(hash);
            _delaysMs.Add(nowMs - pending.SentMs);
            if (held)
            {
                _heldDelaysMs.Add(nowMs - pending.SentMs);
            }

            if (receipts[i].IsApplied)
            {
                ExercisesPaid++;
                continue;
            }

            if (receipts[i].Reason != "expired")
            {
                continue;
            }

            ExercisesExpired++;
            if (held)
            {
                var series = _positions[pending.Position].Series;
                var settled = series.IntrinsicValue(_settledAt.GetValueOrDefault(series, State.Options.OraclePrice));
                ExercisesDelayed++;
                DelayedValueLost += (long)(((Int128)pending.ValueAtSend - settled) * Quantity / OptionsState.Unit);
            }
        }
    }

    private static Transaction Sign(Ed25519Signer signer, byte kind, ulong nonce, byte[] body) =>
        new(OptionsNamespace, RollupTransaction.Sign(OptionsNamespace, kind, nonce, body, signer).Encode());

    /// <summary>
    /// Applied locally, as the chain's state before the run: the perps market's opening price (the feeder's first update,
    /// so its later ones apply here in turn), the market maker's funds and volatility, and every holder's purchase.
    /// </summary>
    private void Genesis()
    {
        var feeder = Ed25519Signer.FromSeedPhrase(PerpsMarketFlow.FeederPhrase);
        var price = new Transaction(PerpsMarketFlow.OracleNamespace, RollupTransaction.Sign(PerpsMarketFlow.OracleNamespace, OracleKind.PriceUpdate, 0,
            OracleState.PriceUpdateBody(PerpsMarketFlow.StartPrice, PerpsMarketFlow.OracleTimestamp(0)), feeder).Encode());
        var setup = new List<ReadOnlyMemory<byte>>
        {
            Sign(_marketMaker, OptionsKind.Faucet, 0, OptionsState.FaucetBody()).Payload,
            Sign(_marketMaker, OptionsKind.SetVolatility, 1, OptionsState.SetVolatilityBody(VolatilityPpm)).Payload,
        };
        foreach (var (key, series) in _positions)
        {
            setup.Add(Sign(key, OptionsKind.Faucet, 0, OptionsState.FaucetBody()).Payload);
            setup.Add(Sign(key, OptionsKind.Buy, 1, OptionsState.BuyBody(series, Quantity, OptionsState.FaucetAmount)).Payload);
        }

        var receipts = State.ApplyHeight([price.Payload], [], setup, Ed25519Verifier.Instance);
        if (receipts.Oracle.Concat(receipts.Options).FirstOrDefault(r => !r.IsApplied) is { } failed)
        {
            throw new InvalidOperationException($"the lab's options genesis failed: {failed.Reason}");
        }
    }
}

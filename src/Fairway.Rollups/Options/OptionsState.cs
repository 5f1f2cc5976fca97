using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Rollups.Accounts;
using Fairway.Rollups.Market;
using Fairway.Rollups.Oracle;

namespace Fairway.Rollups.Options;

/// <summary>The options rollup's kinds of <see cref="RollupTransaction"/>.</summary>
public static class OptionsKind
{
    /// <summary>Empty body: a new account draws micro-USD once (the market maker <see cref="OptionsState.MarketMakerFaucetAmount"/>, anyone else <see cref="OptionsState.FaucetAmount"/>).</summary>
    public const byte Faucet = 1;

    /// <summary>Body: u64 implied volatility in ppm. The market maker's only.</summary>
    public const byte SetVolatility = 2;

    /// <summary>Body: series (u8 type, u64 strike, u64 expiry), u64 quantity in micro-units, u64 maximum premium in micro-USD.</summary>
    public const byte Buy = 3;

    /// <summary>Body: series (u8 type, u64 strike, u64 expiry), u64 quantity in micro-units.</summary>
    public const byte Exercise = 4;
}

/// <summary>
/// The options rollup: European calls and puts on the oracle's price, cash-settled in micro-USD, sold by one configured
/// market maker at Black–Scholes prices (r = 0, its implied volatility, time to expiry in oracle time). The market
/// maker's balance is the collateral pool: it must cover the worst case of everything sold (the strike per unit).
/// Σ balances = Σ faucet draws at all times: premiums and payouts only move money between accounts.
/// </summary>
public sealed class OptionsState(ulong @namespace, PublicKey marketMaker) : AccountRollupState<OptionsState.Account>(@namespace, "an options")
{
    /// <summary>10,000 USD, in micro-USD.</summary>
    public const ulong FaucetAmount = 10_000_000_000;

    /// <summary>1,000,000 USD, in micro-USD.</summary>
    public const ulong MarketMakerFaucetAmount = 1_000_000_000_000;

    public const int AccountsMax = 100_000;
    public const int SeriesMax = 256;
    public const int PositionsMax = 100_000;

    /// <summary>Micro-units in one unit of the underlying (quantities are in micro-units).</summary>
    public const ulong Unit = 1_000_000;

    /// <summary>The largest purchase, 100,000 units.</summary>
    public const ulong QuantityMax = 100_000_000_000;

    /// <summary>A series' open quantity at most, 10^9 units: its worst case stays far inside 64 bits.</summary>
    public const ulong SeriesOpenMax = 1_000_000_000_000_000;

    /// <summary>500%.</summary>
    public const ulong VolatilityMaxPpm = 5_000_000;

    /// <summary>Series expire at most five years of oracle time ahead.</summary>
    public const ulong ExpiryHorizonMaxMs = 5 * BlackScholes.MillisecondsPerYear;

    private readonly SortedDictionary<OptionSeries, Book> _series = [];

    public sealed class Account : NoncedAccount
    {
        /// <summary>Micro-USD.</summary>
        public ulong Balance { get; internal set; }
    }

    /// <summary>A series' open quantity and who holds it.</summary>
    public sealed class Book
    {
        public ulong OpenQuantity { get; internal set; }

        internal Dictionary<PublicKey, ulong> Holders { get; } = [];

        public IReadOnlyDictionary<PublicKey, ulong> Positions => Holders;
    }

    public PublicKey MarketMaker { get; } = marketMaker;

    /// <summary>The market maker's implied volatility in ppm (0: not set, nothing sells).</summary>
    public ulong VolatilityPpm { get; private set; }

    /// <summary>The last oracle price seen, micro-USD per unit.</summary>
    public ulong OraclePrice { get; private set; }

    /// <summary>The last oracle timestamp seen, ms: the clock expiries are measured on.</summary>
    public ulong OracleTime { get; private set; }

    /// <summary>Σ of faucet draws, micro-USD.</summary>
    public ulong Minted { get; private set; }

    public int PositionCount => _series.Values.Sum(b => b.Holders.Count);

    public Book? FindSeries(OptionSeries series) => _series.GetValueOrDefault(series);

    /// <summary>Every series <paramref name="holder"/> holds, in series order (for readers; at most <see cref="SeriesMax"/>).</summary>
    public IEnumerable<(OptionSeries Series, ulong Quantity)> PositionsOf(PublicKey holder) =>
        _series.Where(s => s.Value.Holders.ContainsKey(holder)).Select(s => (s.Key, s.Value.Holders[holder]));

    public ulong PositionOf(PublicKey holder, OptionSeries series) => _series.GetValueOrDefault(series)?.Holders.GetValueOrDefault(holder) ?? 0;

    /// <summary>What the market maker's balance must cover: Σ over series of strike · open quantity / 10^6, each rounded up.</summary>
    public ulong Locked => (ulong)LockedExact;

    private Int128 LockedExact => _series.Aggregate((Int128)0, (sum, s) => sum + WorstCase(s.Key, s.Value.OpenQuantity));

    /// <summary>
    /// The premium of <paramref name="quantity"/> micro-units at the current oracle price and time, micro-USD, rounded
    /// up; null when nothing can be quoted (no price, no volatility, expired).
    /// </summary>
    public ulong? Quote(OptionSeries series, ulong quantity)
    {
        if (OraclePrice == 0 || VolatilityPpm == 0 || OracleTime >= series.Expiry || series.Strike is 0 or > OracleState.PriceMax)
        {
            return null;
        }

        var time = series.Expiry - OracleTime;
        var perUnit = series.IsCall
            ? BlackScholes.CallExact(OraclePrice, series.Strike, time, VolatilityPpm) - BlackScholes.CallExact(OraclePrice, 2 * series.Strike, time, VolatilityPpm)
            : BlackScholes.PutExact(OraclePrice, series.Strike, time, VolatilityPpm);
        return (ulong)WideIntegers.CeilDiv(Int128.Max(0, perUnit) * quantity, FixedPoint.One * Unit);
    }

    /// <summary>
    /// A new oracle reading. Every series whose expiry is at or before its timestamp settles at its price: each holder
    /// is paid the intrinsic value from the market maker's balance, and the series is gone. Returns what was paid.
    /// </summary>
    public ulong OnOracleUpdate(ulong price, ulong timestamp)
    {
        OraclePrice = price;
        OracleTime = timestamp;
        var paid = 0UL;
        var expired = _series.Keys.TakeWhile(s => s.Expiry <= timestamp).ToList();
        foreach (var series in expired)
        {
            var book = _series[series];
            foreach (var (holder, quantity) in book.Holders.OrderBy(p => p.Key.ToHex(), StringComparer.Ordinal))
            {
                paid += Pay(holder, series.IntrinsicValue(price), quantity);
            }

            _series.Remove(series);
        }

        return paid;
    }

    public static byte[] FaucetBody() => [];

    public static byte[] SetVolatilityBody(ulong volatilityPpm)
    {
        var writer = new CanonicalWriter(8);
        writer.WriteU64(volatilityPpm);
        return writer.ToArray();
    }

    public static byte[] BuyBody(OptionSeries series, ulong quantity, ulong maxPremium)
    {
        var writer = new CanonicalWriter(OptionSeries.EncodedSize + 16);
        series.WriteTo(writer);
        writer.WriteU64(quantity);
        writer.WriteU64(maxPremium);
        return writer.ToArray();
    }

    public static byte[] ExerciseBody(OptionSeries series, ulong quantity)
    {
        var writer = new CanonicalWriter(OptionSeries.EncodedSize + 8);
        series.WriteTo(writer);
        writer.WriteU64(quantity);
        return writer.ToArray();
    }

    public override byte[] Encode()
    {
        var writer = new CanonicalWriter(128 + (AccountMap.Count * 49) + (PositionCount * 40) + (_series.Count * 29));
        writer.WriteRaw(StateDomain);
        writer.WriteU64(Namespace);
        writer.WritePublicKey(MarketMaker);
        writer.WriteU64(VolatilityPpm);
        writer.WriteU64(OraclePrice);
        writer.WriteU64(OracleTime);
        writer.WriteU64(Minted);
        writer.WriteCount(AccountMap.Count);
        foreach (var (key, account) in AccountMap.OrderBy(p => p.Key.ToHex(), StringComparer.Ordinal))
        {
            writer.WritePublicKey(key);
            writer.WriteU64(account.Balance);
            writer.WriteU64(account.Nonce);
            writer.WriteBool(account.Fauceted);
        }

        writer.WriteCount(_series.Count);
        foreach (var (series, book) in _series)
        {
            series.WriteTo(writer);
            writer.WriteU64(book.OpenQuantity);
            writer.WriteCount(book.Holders.Count);
            foreach (var (holder, quantity) in book.Holders.OrderBy(p => p.Key.ToHex(), StringComparer.Ordinal))
            {
                writer.WritePublicKey(holder);
                writer.WriteU64(quantity);
            }
        }

        return writer.ToArray();
    }

    /// <summary>A state from <see cref="Encode"/>; anything malformed or inconsistent throws <see cref="EncodingException"/>.</summary>
    public static OptionsState Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = Admission.OpenState(bytes, StateDomain, "an options rollup state");
        var state = new OptionsState(reader.ReadU64("namespace"), reader.ReadPublicKey("market maker"))
        {
            VolatilityPpm = reader.ReadU64("volatility"),
            OraclePrice = reader.ReadU64("oracle price"),
            OracleTime = reader.ReadU64("oracle time"),
            Minted = reader.ReadU64("minted"),
        };
        var accounts = reader.ReadCount(AccountsMax, "accounts");
        for (var i = 0; i < accounts; i++)
        {
            var key = reader.ReadPublicKey("account key");
            var account = new Account
            {
                Balance = reader.ReadU64("balance"),
                Nonce = reader.ReadU64("nonce"),
                Fauceted = reader.ReadBool("fauceted"),
            };
            if (!state.AccountMap.TryAdd(key, account))
            {
                throw new EncodingException("an account twice");
            }
        }

        var seriesCount = reader.ReadCount(SeriesMax, "series");
        var positions = 0;
        for (var i = 0; i < seriesCount; i++)
        {
            var series = OptionSeries.Read(ref reader);
            var book = new Book { OpenQuantity = reader.ReadU64("open quantity") };
            var holders = reader.ReadCount(PositionsMax - positions, "holders");
            positions += holders;
            var sum = 0UL;
            for (var j = 0; j < holders; j++)
            {
                var holder = reader.ReadPublicKey("holder");
                var quantity = reader.ReadU64("quantity");
                if (quantity == 0 || quantity > SeriesOpenMax || !book.Holders.TryAdd(holder, quantity))
                {
                    throw new EncodingException("a holder twice, or a quantity out of range");
                }

                sum += quantity;
                if (sum > SeriesOpenMax)
                {
                    throw new EncodingException("a series' open quantity out of range");
                }
            }

            if (sum != book.OpenQuantity || sum == 0 || !state._series.TryAdd(series, book))
            {
                throw new EncodingException("a series twice, or its open quantity is not its holders' sum");
            }
        }

        reader.EnsureEnd("options rollup state");
        return state;
    }

    private static ReadOnlySpan<byte> StateDomain => "fairway/rollup/options/state/v1"u8;

    private static Int128 WorstCase(OptionSeries series, ulong quantity) =>
        WideIntegers.CeilDiv((Int128)series.Strike * quantity, Unit);

    private protected override int AccountsLimit => AccountsMax;

    private protected override RollupReceipt Execute(RollupTransaction tx, byte kind, byte[] body, ISignatureVerifier verifier)
    {
        if (Admit(tx, verifier, out var account) is { } skipped)
        {
            return skipped;
        }

        try
        {
            return kind switch
            {
                OptionsKind.Faucet => Faucet(tx.Sender, account, body),
                OptionsKind.SetVolatility => SetVolatility(tx.Sender, body),
                OptionsKind.Buy => Buy(tx.Sender, account, body),
                OptionsKind.Exercise => Exercise(tx.Sender, body),
                _ => RollupReceipt.Failed($"unknown kind {kind}"),
            };
        }
        catch (EncodingException e)
        {
            return RollupReceipt.Failed($"malformed body: {e.Message}");
        }
    }

    private RollupReceipt Faucet(PublicKey sender, Account account, byte[] body)
    {
        new CanonicalReader(body).EnsureEnd("faucet body");
        if (account.Fauceted)
        {
            return RollupReceipt.Failed("the faucet gives once per account");
        }

        var amount = sender == MarketMaker ? MarketMakerFaucetAmount : FaucetAmount;
        account.Fauceted = true;
        account.Balance += amount;
        Minted += amount;
        return RollupReceipt.Applied(amount);
    }

    private RollupReceipt SetVolatility(PublicKey sender, byte[] body)
    {
        var reader = new CanonicalReader(body);
        var volatility = reader.ReadU64("volatility");
        reader.EnsureEnd("set-volatility body");
        if (sender != MarketMaker)
        {
            return RollupReceipt.Failed("only the market maker sets the volatility");
        }

        if (volatility is 0 or > VolatilityMaxPpm)
        {
            return RollupReceipt.Failed($"volatility {volatility} ppm: it must be above 0 and at most {VolatilityMaxPpm}");
        }

        VolatilityPpm = volatility;
        return RollupReceipt.Applied(volatility);
    }

    private RollupReceipt Buy(PublicKey buyer, Account account, byte[] body)
    {
        var reader = new CanonicalReader(body);
        var series = OptionSeries.Read(ref reader);
        var quantity = reader.ReadU64("quantity");
        var maxPremium = reader.ReadU64("maximum premium");
        reader.EnsureEnd("buy body");
        if (buyer == MarketMaker)
        {
            return RollupReceipt.Failed("the market maker sells, it does not buy");
        }

        if (series.Strike is 0 or > OracleState.PriceMax || quantity is 0 or > QuantityMax)
        {
            return RollupReceipt.Failed($"strike and quantity must be above 0 and at most {OracleState.PriceMax} and {QuantityMax}");
        }

        if (OracleTime >= series.Expiry)
        {
            return RollupReceipt.Failed("expired");
        }

        if (series.Expiry - OracleTime > ExpiryHorizonMaxMs)
        {
            return RollupReceipt.Failed($"the expiry is more than {ExpiryHorizonMaxMs} ms of oracle time ahead");
        }

        if (Quote(series, quantity) is not { } premium)
        {
            return RollupReceipt.Failed("no quote: no oracle price or no volatility yet");
        }

        if (premium > maxPremium)
        {
            return RollupReceipt.Failed($"premium {premium} above the limit {maxPremium}");
        }

        if (account.Balance < premium)
        {
            return RollupReceipt.Failed($"insufficient funds: premium {premium}, balance {account.Balance}");
        }

        var book = _series.GetValueOrDefault(series);
        if ((book is null && _series.Count >= SeriesMax) || (book?.Holders.ContainsKey(buyer) != true && PositionCount >= PositionsMax))
        {
            return RollupReceipt.Failed("the rollup holds as many series or positions as it may");
        }

        var open = book?.OpenQuantity ?? 0;
        if (SeriesOpenMax - open < quantity)
        {
            return RollupReceipt.Failed($"the series holds as much open quantity as it may, {SeriesOpenMax}");
        }

        var locked = LockedExact - WorstCase(series, open) + WorstCase(series, open + quantity);
        if (Find(MarketMaker) is not { } maker || (Int128)maker.Balance + premium < locked)
        {
            return RollupReceipt.Failed($"insufficient market-maker collateral: {locked} must be covered");
        }

        if (book is null)
        {
            _series[series] = book = new Book();
        }

        account.Balance -= premium;
        maker.Balance += premium;
        book.OpenQuantity += quantity;
        book.Holders[buyer] = book.Holders.GetValueOrDefault(buyer) + quantity;
        return RollupReceipt.Applied(premium);
    }

    private RollupReceipt Exercise(PublicKey holder, byte[] body)
    {
        var reader = new CanonicalReader(body);
        var series = OptionSeries.Read(ref reader);
        var quantity = reader.ReadU64("quantity");
        reader.EnsureEnd("exercise body");
        if (OracleTime >= series.Expiry)
        {
            return RollupReceipt.Failed("expired");
        }

        if (quantity == 0 || _series.GetValueOrDefault(series) is not { } book || book.Holders.GetValueOrDefault(holder) < quantity)
        {
            return RollupReceipt.Failed("no such position: quantity 0 or above what is held");
        }

        var value = series.IntrinsicValue(OraclePrice);
        if (value == 0)
        {
            return RollupReceipt.Failed("out of the money");
        }

        var paid = Pay(holder, value, quantity);
        book.OpenQuantity -= quantity;
        if ((book.Holders[holder] -= quantity) == 0)
        {
            book.Holders.Remove(holder);
        }

        if (book.OpenQuantity == 0)
        {
            _series.Remove(series);
        }

        return RollupReceipt.Applied(paid);
    }

    /// <summary>
    /// Pays value · quantity / 10^6 (rounded down) from the market maker to the holder. The market maker always has it:
    /// its balance covers <see cref="Locked"/>, which covers the strike on every open unit, and value ≤ strike.
    /// </summary>
    private ulong Pay(PublicKey holder, ulong value, ulong quantity)
    {
        var amount = (ulong)((Int128)value * quantity / Unit);
        if (amount == 0)
        {
            return 0;
        }

        var maker = AccountMap[MarketMaker];
        amount = Math.Min(amount, maker.Balance);
        maker.Balance -= amount;
        AccountMap[holder].Balance += amount;
        return amount;
    }
}

using Fairway.Core.Auction;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Rollups.Accounts;
using Fairway.Rollups.Market;

namespace Fairway.Rollups.Perps;

/// <summary>The perpetuals rollup's kinds of <see cref="RollupTransaction"/>.</summary>
public static class PerpsKind
{
    /// <summary>Empty body: a new account draws <see cref="PerpsState.FaucetAmount"/> of collateral, once.</summary>
    public const byte Faucet = 1;

    /// <summary>Body: i64 size delta (micro-units; above 0 buys), u64 limit price (micro-USD per unit: the most a buy pays, the least a sell takes).</summary>
    public const byte Trade = 2;

    /// <summary>Body: the 32-byte key of the account to liquidate.</summary>
    public const byte Liquidate = 3;

    /// <summary>Body: u64 amount (micro-USD): moves that much collateral into the account's auction deposit.</summary>
    public const byte AuctionDeposit = 4;

    /// <summary>Body: u64 amount (micro-USD): moves that much of the account's auction deposit back into its collateral.</summary>
    public const byte AuctionWithdraw = 5;
}

/// <summary>
/// The perpetuals rollup: one market on the oracle's price. Every trade executes at the oracle price against the house
/// (<see cref="Pool"/>), which pays traders' gains, takes their losses, holds funding in flight and rounding dust.
/// <para>
/// Its namespace may run an express-lane auction: an account moves collateral into its auction deposit
/// (<see cref="PerpsKind.AuctionDeposit"/>, back with <see cref="PerpsKind.AuctionWithdraw"/>); the chain's
/// <see cref="AuctionRecord"/>s in the stream move a winner's price from its deposit into <see cref="AuctionPool"/>
/// and pay the pool out to the epoch's users. The deposit is not margin: only collateral backs a position.
/// </para>
/// So Σ collateral + Σ auction deposits + auction pool + pool = Σ faucet draws, exactly, at all times. The oracle's
/// readings come in through <see cref="OnOracleUpdate"/> (the market state feeds them from the oracle namespace).
/// </summary>
public sealed class PerpsState(ulong @namespace) : AccountRollupState<PerpsState.Account>(@namespace, "a perps")
{
    /// <summary>10,000 USD of collateral, in micro-USD.</summary>
    public const ulong FaucetAmount = 10_000_000_000;

    public const int AccountsMax = 100_000;

    /// <summary>Micro-units in one unit of the underlying (sizes are in micro-units).</summary>
    public const long Unit = 1_000_000;

    /// <summary>The largest position, 100,000 units: with the oracle's price cap, a notional fits in 64 bits.</summary>
    public const long SizeMax = 100_000_000_000;

    /// <summary>Collateral an account holds at most, 10^12 USD: gains beyond stay with the house, so every sum fits 64 bits.</summary>
    public const ulong CollateralMax = 1_000_000_000_000_000_000;

    public const long InitialMarginPpm = 100_000;
    public const long MaintenanceMarginPpm = 50_000;
    public const long LiquidationBonusPpm = 20_000;

    /// <summary>The heavier side pays the lighter 0.1% per hour of oracle time of the open-interest imbalance's notional (capped at the lighter side's).</summary>
    public const long FundingRatePpmPerHour = 1_000;

    /// <summary>Oracle time one update accrues at most (an hour), so a long gap in the feed cannot charge a day at once.</summary>
    public const ulong FundingIntervalMaxMs = 3_600_000;

    /// <summary>Funding indices count micro-USD per micro-unit of position times this.</summary>
    public static readonly Int128 FundingIndexScale = 1_000_000_000_000;

    private const long Ppm = 1_000_000;
    private const long MillisecondsPerHour = 3_600_000;

    public sealed class Account : NoncedAccount
    {
        /// <summary>Collateral in micro-USD, with gains, losses and funding settled up to the last position change.</summary>
        public ulong Collateral { get; internal set; }

        /// <summary>Micro-units, above 0 long, below 0 short.</summary>
        public long Size { get; internal set; }

        /// <summary>The oracle price at the last position change: unrealised PnL counts from it.</summary>
        public ulong EntryPrice { get; internal set; }

        /// <summary>The position's side's funding index at the last position change.</summary>
        public Int128 FundingEntry { get; internal set; }

        /// <summary>Micro-USD held for the namespace's express-lane auction (at most <see cref="CollateralMax"/>): not margin.</summary>
        public ulong AuctionDeposit { get; internal set; }
    }

    /// <summary>The last oracle price seen, micro-USD per unit (0: none yet, and nobody can trade).</summary>
    public ulong OraclePrice { get; private set; }

    /// <summary>The last oracle timestamp seen, ms.</summary>
    public ulong OracleTime { get; private set; }

    /// <summary>Σ of long sizes, micro-units.</summary>
    public ulong LongOpenInterest { get; private set; }

    /// <summary>Σ of |short sizes|, micro-units.</summary>
    public ulong ShortOpenInterest { get; private set; }

    /// <summary>What one micro-unit long has paid in funding since the start (below 0: received), times <see cref="FundingIndexScale"/>.</summary>
    public Int128 LongFundingIndex { get; private set; }

    /// <summary>The same for one micro-unit short.</summary>
    public Int128 ShortFundingIndex { get; private set; }

    /// <summary>The house's balance, micro-USD; may go below 0 (it is the counterparty of every trade).</summary>
    public Int128 Pool { get; private set; }

    /// <summary>Σ of faucet draws, micro-USD.</summary>
    public ulong Minted { get; private set; }

    /// <summary>Auction prices taken from winners' deposits and not yet paid out by a settlement, micro-USD.</summary>
    public ulong AuctionPool { get; private set; }

    /// <summary>
    /// A new oracle reading. Before taking it, funding accrues over the oracle time since the last reading (at most
    /// <see cref="FundingIntervalMaxMs"/>), priced at the new price: F = min(|L − S|, min(L, S)) · price / 10^6, times
    /// rate · Δt, floored, paid by the heavier side to the lighter one when both sides are open.
    /// </summary>
    public void OnOracleUpdate(ulong price, ulong timestamp)
    {
        if (OraclePrice != 0 && timestamp > OracleTime)
        {
            AccrueFunding(price, Math.Min(timestamp - OracleTime, FundingIntervalMaxMs));
        }

        OraclePrice = price;
        OracleTime = timestamp;
    }

    /// <summary>Collateral + unrealised PnL − funding owed, at the oracle price, micro-USD.</summary>
    public Int128 Equity(Account account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return account.Collateral + UnrealisedPnl(account) - FundingOwed(account);
    }

    /// <summary>The notional of a size at the oracle price, micro-USD, rounded up.</summary>
    public Int128 Notional(long size) => WideIntegers.CeilDiv((Int128)Math.Abs(size) * OraclePrice, Unit);

    public Int128 InitialMargin(long size) => WideIntegers.CeilDiv(Notional(size) * InitialMarginPpm, Ppm);

    public Int128 MaintenanceMargin(long size) => WideIntegers.CeilDiv(Notional(size) * MaintenanceMarginPpm, Ppm);

    public bool IsLiquidatable(Account account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return account.Size != 0 && OraclePrice != 0 && Equity(account) < MaintenanceMargin(account.Size);
    }

    public static byte[] FaucetBody() => [];

    public static byte[] TradeBody(long sizeDelta, ulong limitPrice)
    {
        var writer = new CanonicalWriter(16);
        writer.WriteI64(sizeDelta);
        writer.WriteU64(limitPrice);
        return writer.ToArray();
    }

    public static byte[] LiquidateBody(PublicKey target)
    {
        var writer = new CanonicalWriter(PublicKey.Size);
        writer.WritePublicKey(target);
        return writer.ToArray();
    }

    public static byte[] AuctionDepositBody(ulong amount) => AmountBody(amount);

    public static byte[] AuctionWithdrawBody(ulong amount) => AmountBody(amount);

    public override byte[] Encode()
    {
        var writer = new CanonicalWriter(168 + (AccountMap.Count * 113));
        writer.WriteRaw(StateDomain);
        writer.WriteU64(Namespace);
        writer.WriteU64(OraclePrice);
        writer.WriteU64(OracleTime);
        writer.WriteU64(LongOpenInterest);
        writer.WriteU64(ShortOpenInterest);
        writer.WriteI128(LongFundingIndex);
        writer.WriteI128(ShortFundingIndex);
        writer.WriteI128(Pool);
        writer.WriteU64(Minted);
        writer.WriteU64(AuctionPool);
        writer.WriteCount(AccountMap.Count);
        foreach (var (key, account) in AccountMap.OrderBy(p => p.Key.ToHex(), StringComparer.Ordinal))
        {
            writer.WritePublicKey(key);
            writer.WriteU64(account.Collateral);
            writer.WriteU64(account.AuctionDeposit);
            writer.WriteI64(account.Size);
            writer.WriteU64(account.EntryPrice);
            writer.WriteI128(account.FundingEntry);
            writer.WriteU64(account.Nonce);
            writer.WriteBool(account.Fauceted);
        }

        return writer.ToArray();
    }

    /// <summary>A state from <see cref="Encode"/>; anything malformed throws <see cref="EncodingException"/>.</summary>
    public static PerpsState Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = Admission.OpenState(bytes, StateDomain, "a perps rollup state");
        var state = new PerpsState(reader.ReadU64("namespace"))
        {
            OraclePrice = reader.ReadU64("oracle price"),
            OracleTime = reader.ReadU64("oracle time"),
            LongOpenInterest = reader.ReadU64("long open interest"),
            ShortOpenInterest = reader.ReadU64("short open interest"),
            LongFundingIndex = reader.ReadI128("long funding index"),
            ShortFundingIndex = reader.ReadI128("short funding index"),
            Pool = reader.ReadI128("pool"),
            Minted = reader.ReadU64("minted"),
            AuctionPool = reader.ReadU64("auction pool"),
        };
        var count = reader.ReadCount(AccountsMax, "accounts");
        for (var i = 0; i < count; i++)
        {
            var key = reader.ReadPublicKey("account key");
            var account = new Account
            {
                Collateral = reader.ReadU64("collateral"),
                AuctionDeposit = reader.ReadU64("auction deposit"),
                Size = reader.ReadI64("size"),
                EntryPrice = reader.ReadU64("entry price"),
                FundingEntry = reader.ReadI128("funding entry"),
                Nonce = reader.ReadU64("nonce"),
                Fauceted = reader.ReadBool("fauceted"),
            };
            if (account.Size is > SizeMax or < -SizeMax || account.AuctionDeposit > CollateralMax || !state.AccountMap.TryAdd(key, account))
            {
                throw new EncodingException("an account twice, or a size or auction deposit out of range");
            }
        }

        reader.EnsureEnd("perps rollup state");
        return state;
    }

    /// <summary>v2: v1 with the auction pool after the total minted and each account's auction deposit after its collateral.</summary>
    private static ReadOnlySpan<byte> StateDomain => "fairway/rollup/perps/state/v2"u8;

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
                PerpsKind.Faucet => Faucet(account, body),
                PerpsKind.Trade => Trade(account, body),
                PerpsKind.Liquidate => Liquidate(tx.Sender, account, body),
                PerpsKind.AuctionDeposit => Deposit(account, body),
                PerpsKind.AuctionWithdraw => Withdraw(account, body),
                _ => RollupReceipt.Failed($"unknown kind {kind}"),
            };
        }
        catch (EncodingException e)
        {
            return RollupReceipt.Failed($"malformed body: {e.Message}");
        }
    }

    private RollupReceipt Faucet(Account account, byte[] body)
    {
        new CanonicalReader(body).EnsureEnd("faucet body");
        if (account.Fauceted)
        {
            return RollupReceipt.Failed("the faucet gives once per account");
        }

        var amount = Math.Min(FaucetAmount, CollateralMax - account.Collateral);
        account.Fauceted = true;
        account.Collateral += amount;
        Minted += amount;
        return RollupReceipt.Applied(amount);
    }

    private RollupReceipt Trade(Account account, byte[] body)
    {
        var reader = new CanonicalReader(body);
        var delta = reader.ReadI64("size delta");
        var limit = reader.ReadU64("limit price");
        reader.EnsureEnd("trade body");
        if (OraclePrice == 0)
        {
            return RollupReceipt.Failed("no oracle price yet");
        }

        if (delta == 0 || delta is > 2 * SizeMax or < -2 * SizeMax)
        {
            return RollupReceipt.Failed($"size delta {delta}: it must be nonzero and at most {2 * SizeMax} either way");
        }

        if (delta > 0 ? OraclePrice > limit : OraclePrice < limit)
        {
            return RollupReceipt.Failed($"price moved beyond the limit: the oracle price is {OraclePrice}, the limit {limit}");
        }

        var size = account.Size + delta;
        if (size is > SizeMax or < -SizeMax)
        {
            return RollupReceipt.Failed($"a position of {size} is beyond the limit of {SizeMax}");
        }

        // Reducing a position (same side, smaller) is always allowed; anything else needs the initial margin after it.
        var reducing = Math.Abs(size) < Math.Abs(account.Size) && (size == 0 || Math.Sign(size) == Math.Sign(account.Size));
        var equity = Equity(account);
        if (!reducing && equity < InitialMargin(size))
        {
            return RollupReceipt.Failed($"insufficient margin: equity {equity}, initial margin {InitialMargin(size)}");
        }

        SetPosition(account, size);
        return RollupReceipt.Applied();
    }

    private RollupReceipt Liquidate(PublicKey liquidatorKey, Account liquidator, byte[] body)
    {
        var reader = new CanonicalReader(body);
        var targetKey = reader.ReadPublicKey("target");
        reader.EnsureEnd("liquidate body");
        if (targetKey == liquidatorKey)
        {
            return RollupReceipt.Failed("an account cannot liquidate itself");
        }

        if (AccountMap.GetValueOrDefault(targetKey) is not { } target || !IsLiquidatable(target))
        {
            return RollupReceipt.Failed("not liquidatable");
        }

        var notional = Notional(target.Size);
        SetPosition(target, 0);
        var bonus = (ulong)Int128.Min(notional * LiquidationBonusPpm / Ppm, Math.Min(target.Collateral, CollateralMax - liquidator.Collateral));
        target.Collateral -= bonus;
        liquidator.Collateral += bonus;
        return RollupReceipt.Applied(bonus);
    }

    private RollupReceipt Deposit(Account account, byte[] body)
    {
        var amount = ReadAmount(body, "auction deposit body");
        if (amount == 0)
        {
            return RollupReceipt.Failed("an auction deposit of 0");
        }

        if (account.Collateral < amount)
        {
            return RollupReceipt.Failed($"insufficient collateral: {account.Collateral}, an auction deposit of {amount}");
        }

        if (account.AuctionDeposit > CollateralMax - amount)
        {
            return RollupReceipt.Failed($"the auction deposit would exceed {CollateralMax}: it holds {account.AuctionDeposit}, adding {amount}");
        }

        // What is deposited leaves the margin: an open position must still meet its initial margin without it.
        var equity = Equity(account) - amount;
        if (account.Size != 0 && equity < InitialMargin(account.Size))
        {
            return RollupReceipt.Failed($"insufficient margin: equity after the deposit {equity}, initial margin {InitialMargin(account.Size)}");
        }

        account.Collateral -= amount;
        account.AuctionDeposit += amount;
        return RollupReceipt.Applied(amount);
    }

    private static RollupReceipt Withdraw(Account account, byte[] body)
    {
        var amount = ReadAmount(body, "auction withdraw body");
        if (amount == 0)
        {
            return RollupReceipt.Failed("an auction withdrawal of 0");
        }

        if (account.AuctionDeposit < amount)
        {
            return RollupReceipt.Failed($"insufficient auction deposit: {account.AuctionDeposit}, a withdrawal of {amount}");
        }

        if (account.Collateral > CollateralMax - amount)
        {
            return RollupReceipt.Failed($"the collateral would exceed {CollateralMax}: it holds {account.Collateral}, adding {amount}");
        }

        account.AuctionDeposit -= amount;
        account.Collateral += amount;
        return RollupReceipt.Applied(amount);
    }

    /// <summary>
    /// An <see cref="AuctionRecord"/> in the stream: the ordering stage writes them and drops every submitted payload
    /// with their prefix, so one here is the chain's and carries neither signature nor nonce. That holds only where the
    /// namespace's policy is auction: on any other, nothing drops a forged record, and a forged result and settlement
    /// could move any account's deposit to the forger. A record for another namespace, or a malformed one, is skipped
    /// and changes nothing. Never throws.
    /// </summary>
    private protected override RollupReceipt? ApplyChainRecord(ReadOnlySpan<byte> payload)
    {
        if (!AuctionRecord.HasMagic(payload))
        {
            return null;
        }

        if (AuctionRecord.TryDecode(payload) is not { } record)
        {
            return RollupReceipt.Skipped("a malformed auction record");
        }

        if (record.Namespace != Namespace)
        {
            return RollupReceipt.Skipped($"an auction record for namespace {record.Namespace}, not this one");
        }

        return record.Kind == AuctionRecordKind.Result ? ApplyResult(record) : ApplySettlement(record);
    }

    /// <summary>
    /// The winner's price moves from its auction deposit into <see cref="AuctionPool"/>; the receipt's amount is what
    /// moved. The ordering stage counts a bid only up to the bidder's deposit, read from this same state, so the price
    /// is covered; should the deposit somehow be short (or the winner hold no account), only what it holds moves and the
    /// rest is never charged. The pool takes at most what keeps it within 64 bits (never reached: deposits are capped).
    /// </summary>
    private RollupReceipt ApplyResult(AuctionRecord record)
    {
        if (record.Winner is not { } winner || record.Price == 0)
        {
            return RollupReceipt.Applied();
        }

        if (AccountMap.GetValueOrDefault(winner) is not { } account)
        {
            return RollupReceipt.Applied();
        }

        var taken = Math.Min(Math.Min(record.Price, account.AuctionDeposit), ulong.MaxValue - AuctionPool);
        account.AuctionDeposit -= taken;
        AuctionPool += taken;
        return RollupReceipt.Applied(taken);
    }

    /// <summary>
    /// Pays each share, in the record's order, from <see cref="AuctionPool"/> into its user's collateral, opening the
    /// account when it has none. A share is paid only as far as the pool holds, the collateral stays within
    /// <see cref="CollateralMax"/> and, for a new account, the rollup has room for one (<see cref="AccountsMax"/>); what
    /// cannot be paid stays in the pool. The receipt's amount is what was paid.
    /// </summary>
    private RollupReceipt ApplySettlement(AuctionRecord record)
    {
        var paid = 0UL;
        foreach (var share in record.Shares)
        {
            var account = AccountMap.GetValueOrDefault(share.User);
            var room = CollateralMax - (account?.Collateral ?? 0);
            var amount = Math.Min(Math.Min(share.Amount, AuctionPool), room);
            if (amount == 0)
            {
                continue;
            }

            if (account is null)
            {
                if (AccountMap.Count >= AccountsMax)
                {
                    continue;
                }

                AccountMap[share.User] = account = new Account();
            }

            AuctionPool -= amount;
            account.Collateral += amount;
            paid += amount;
        }

        return RollupReceipt.Applied(paid);
    }

    private static byte[] AmountBody(ulong amount)
    {
        var writer = new CanonicalWriter(8);
        writer.WriteU64(amount);
        return writer.ToArray();
    }

    private static ulong ReadAmount(byte[] body, string what)
    {
        var reader = new CanonicalReader(body);
        var amount = reader.ReadU64("amount");
        reader.EnsureEnd(what);
        return amount;
    }

    /// <summary>
    /// Settles the account at the oracle price (PnL and funding into collateral, the house on the other side; a deficit
    /// beyond the collateral is the house's loss) and gives it its new size from here.
    /// </summary>
    private void SetPosition(Account account, long size)
    {
        var settled = Int128.Clamp(Equity(account), 0, CollateralMax);
        Pool -= settled - account.Collateral;
        account.Collateral = (ulong)settled;
        if (account.Size > 0)
        {
            LongOpenInterest -= (ulong)account.Size;
        }
        else
        {
            ShortOpenInterest -= (ulong)-account.Size;
        }

        if (size > 0)
        {
            LongOpenInterest += (ulong)size;
        }
        else
        {
            ShortOpenInterest += (ulong)-size;
        }

        account.Size = size;
        account.EntryPrice = size == 0 ? 0 : OraclePrice;
        account.FundingEntry = size > 0 ? LongFundingIndex : size < 0 ? ShortFundingIndex : 0;
    }

    /// <summary>size · (price − entry) / 10^6, rounded down.</summary>
    private Int128 UnrealisedPnl(Account account) =>
        account.Size == 0 ? 0 : WideIntegers.FloorDiv((Int128)account.Size * ((Int128)OraclePrice - account.EntryPrice), Unit);

    /// <summary>|size| · (index − entry index) / scale, rounded up: what the account owes (below 0: is owed).</summary>
    private Int128 FundingOwed(Account account)
    {
        if (account.Size == 0)
        {
            return 0;
        }

        var index = account.Size > 0 ? LongFundingIndex : ShortFundingIndex;
        return WideIntegers.CeilDiv(Math.Abs(account.Size) * (index - account.FundingEntry), FundingIndexScale);
    }

    private void AccrueFunding(ulong price, ulong elapsedMs)
    {
        var (longs, shorts) = (LongOpenInterest, ShortOpenInterest);
        if (longs == 0 || shorts == 0 || longs == shorts)
        {
            return;
        }

        // The imbalance, but never more than the lighter side holds: so no unit on either side pays or receives more
        // than the rate on its own notional, however lopsided the market.
        var (payers, payees) = longs > shorts ? (longs, shorts) : (shorts, longs);
        var charged = Math.Min(payers - payees, payees);
        var notional = (Int128)charged * price / Unit;
        var flow = notional * FundingRatePpmPerHour * elapsedMs / ((Int128)Ppm * MillisecondsPerHour);
        if (flow == 0)
        {
            return;
        }

        // The payers' index rounds up and the payees' down: the house keeps the dust, and never pays more than it took.
        var paid = WideIntegers.CeilDiv(flow * FundingIndexScale, payers);
        var received = flow * FundingIndexScale / payees;
        if (longs > shorts)
        {
            LongFundingIndex += paid;
            ShortFundingIndex -= received;
        }
        else
        {
            ShortFundingIndex += paid;
            LongFundingIndex -= received;
        }
    }
}

using System.Numerics;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Rollups.Accounts;

namespace Fairway.Rollups.Amm;

/// <summary>What the AMM rollup does with a transaction: the kinds of <see cref="RollupTransaction"/> it takes.</summary>
public static class AmmKind
{
    /// <summary>A new account draws <see cref="AmmState.FaucetAmount"/> of each token, once (a demo's stand-in for a bridge).</summary>
    public const byte Faucet = 1;

    /// <summary>Body: u64 amount of A, u64 amount of B. Both are taken; the shares are the smaller of the two ratios.</summary>
    public const byte AddLiquidity = 2;

    /// <summary>Body: u8 direction (0 sells A for B, 1 sells B for A), u64 amount in, u64 minimum out.</summary>
    public const byte Swap = 3;
}

/// <summary>What a swap asks: which token it sells, how much, and the least it takes in return.</summary>
public readonly record struct SwapOrder(bool SellA, ulong AmountIn, ulong MinOut);

/// <summary>
/// The AMM rollup's state: accounts with balances of tokens A and B, LP shares and nonces, and one constant-product
/// pool (Uniswap V2 arithmetic, 0.3% fee). A deterministic function of the namespace's transactions in stream order:
/// every executor fed the same stream holds the same <see cref="StateRoot"/> after each height.
/// </summary>
public sealed class AmmState(ulong @namespace) : IRollupState
{
    public const ulong FaucetAmount = 1_000_000_000_000;

    public const int FeePpm = 3_000;

    /// <summary>Accounts a state holds at most: a faucet draw is free, so without a cap anyone could grow every executor's state.</summary>
    public const int AccountsMax = 1_000_000;

    private readonly Dictionary<PublicKey, Account> _accounts = [];

    public sealed class Account : NoncedAccount
    {
        public ulong A { get; internal set; }

        public ulong B { get; internal set; }

        public ulong Shares { get; internal set; }
    }

    public ulong Namespace { get; } = @namespace;

    public ulong ReserveA { get; private set; }

    public ulong ReserveB { get; private set; }

    public ulong TotalShares { get; private set; }

    public int AccountCount => _accounts.Count;

    public Account? Find(PublicKey key) => _accounts.GetValueOrDefault(key);

    /// <summary>Applies one payload of the namespace's stream. Never throws on what a client sent: bad input is skipped or fails.</summary>
    public RollupReceipt Apply(ReadOnlySpan<byte> payload, ISignatureVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        if (RollupTransaction.TryDecode(payload) is not { } tx)
        {
            return RollupReceipt.Skipped("not an AMM transaction");
        }

        if (Admission.Admit(tx, Namespace, verifier, _accounts, AccountsMax, out var account) is { } skipped)
        {
            return skipped;
        }

        try
        {
            return tx.Kind switch
            {
                AmmKind.Faucet => Faucet(account),
                AmmKind.AddLiquidity => AddLiquidity(account, tx.Body),
                AmmKind.Swap => Swap(account, tx.Body),
                _ => RollupReceipt.Failed($"unknown kind {tx.Kind}"),
            };
        }
        catch (EncodingException e)
        {
            return RollupReceipt.Failed($"malformed body: {e.Message}");
        }
    }

    /// <summary>SHA-256 of the whole state in one canonical encoding (accounts in key order).</summary>
    public Hash StateRoot() => Hash.Compute(Encode());

    /// <summary>The whole state, canonically: what the root hashes and what an executor persists.</summary>
    public byte[] Encode()
    {
        var writer = new CanonicalWriter(64 + (_accounts.Count * 72));
        writer.WriteRaw(StateDomain);
        writer.WriteU64(Namespace);
        writer.WriteU64(ReserveA);
        writer.WriteU64(ReserveB);
        writer.WriteU64(TotalShares);
        writer.WriteCount(_accounts.Count);
        foreach (var (key, account) in _accounts.OrderBy(p => p.Key.ToHex(), StringComparer.Ordinal))
        {
            writer.WritePublicKey(key);
            writer.WriteU64(account.A);
            writer.WriteU64(account.B);
            writer.WriteU64(account.Shares);
            writer.WriteU64(account.Nonce);
            writer.WriteBool(account.Fauceted);
        }

        return writer.ToArray();
    }

    private static ReadOnlySpan<byte> StateDomain => "fairway/rollup/amm/state/v1"u8;

    /// <summary>A state from <see cref="Encode"/>; anything malformed throws <see cref="EncodingException"/>.</summary>
    public static AmmState Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = Admission.OpenState(bytes, StateDomain, "an AMM rollup state");
        var state = new AmmState(reader.ReadU64("namespace"))
        {
            ReserveA = reader.ReadU64("reserve A"),
            ReserveB = reader.ReadU64("reserve B"),
            TotalShares = reader.ReadU64("total shares"),
        };
        var count = reader.ReadCount(AccountsMax, "accounts");
        for (var i = 0; i < count; i++)
        {
            var key = reader.ReadPublicKey("account key");
            var account = new Account
            {
                A = reader.ReadU64("balance A"),
                B = reader.ReadU64("balance B"),
                Shares = reader.ReadU64("shares"),
                Nonce = reader.ReadU64("nonce"),
                Fauceted = reader.ReadBool("fauceted"),
            };
            if (!state._accounts.TryAdd(key, account))
            {
                throw new EncodingException("an account twice");
            }
        }

        reader.EnsureEnd("AMM rollup state");
        return state;
    }

    public static byte[] SwapBody(bool sellA, ulong amountIn, ulong minOut)
    {
        var writer = new CanonicalWriter(17);
        writer.WriteU8(sellA ? (byte)0 : (byte)1);
        writer.WriteU64(amountIn);
        writer.WriteU64(minOut);
        return writer.ToArray();
    }

    /// <summary>A swap's body, as <see cref="SwapBody"/> writes it; anything else throws <see cref="EncodingException"/>.</summary>
    public static SwapOrder ReadSwapBody(ReadOnlySpan<byte> body)
    {
        var reader = new CanonicalReader(body);
        var direction = reader.ReadU8("direction");
        var amountIn = reader.ReadU64("amount in");
        var minOut = reader.ReadU64("minimum out");
        reader.EnsureEnd("swap body");
        var sellA = direction switch
        {
            0 => true,
            1 => false,
            _ => throw new EncodingException($"direction {direction}: 0 sells A, 1 sells B"),
        };
        return new SwapOrder(sellA, amountIn, minOut);
    }

    /// <summary>The swap a body holds, or null when it is not one (for readers of the stream: the MEV lab, the auditor).</summary>
    public static SwapOrder? TryReadSwapBody(ReadOnlySpan<byte> body)
    {
        try
        {
            return ReadSwapBody(body);
        }
        catch (EncodingException)
        {
            return null;
        }
    }

    public static byte[] AddLiquidityBody(ulong amountA, ulong amountB)
    {
        var writer = new CanonicalWriter(16);
        writer.WriteU64(amountA);
        writer.WriteU64(amountB);
        return writer.ToArray();
    }

    private static RollupReceipt Faucet(Account account)
    {
        if (account.Fauceted)
        {
            return RollupReceipt.Failed("the faucet gives once per account");
        }

        account.Fauceted = true;
        account.A += FaucetAmount;
        account.B += FaucetAmount;
        return RollupReceipt.Applied();
    }

    private RollupReceipt AddLiquidity(Account account, byte[] body)
    {
        var reader = new CanonicalReader(body);
        var a = reader.ReadU64("amount A");
        var b = reader.ReadU64("amount B");
        reader.EnsureEnd("add-liquidity body");
        if (a == 0 || b == 0 || account.A < a || account.B < b)
        {
            return RollupReceipt.Failed("amounts must be above 0 and within the balances");
        }

        // The first deposit sets the price; later ones get the smaller of the two ratios (the rest is a gift to the pool).
        var shares = TotalShares == 0
            ? (ulong)Sqrt(new BigInteger(a) * b)
            : (ulong)BigInteger.Min(new BigInteger(a) * TotalShares / ReserveA, new BigInteger(b) * TotalShares / ReserveB);
        if (shares == 0 || ulong.MaxValue - ReserveA < a || ulong.MaxValue - ReserveB < b)
        {
            return RollupReceipt.Failed("the deposit is too small for a share, or the pool would overflow");
        }

        account.A -= a;
        account.B -= b;
        account.Shares += shares;
        ReserveA += a;
        ReserveB += b;
        TotalShares += shares;
        return RollupReceipt.Applied(shares);
    }

    private RollupReceipt Swap(Account account, byte[] body)
    {
        var (sellA, amountIn, minOut) = ReadSwapBody(body);
        if (amountIn == 0 || (sellA ? account.A : account.B) < amountIn || ReserveA == 0 || ReserveB == 0)
        {
            return RollupReceipt.Failed("the amount must be above 0 and within the balance, and the pool must hold both tokens");
        }

        var (reserveIn, reserveOut) = sellA ? (ReserveA, ReserveB) : (ReserveB, ReserveA);
        if (ulong.MaxValue - reserveIn < amountIn)
        {
            return RollupReceipt.Failed("the pool would overflow");
        }

        var amountOut = (ulong)ConstantProduct.AmountOut(amountIn, reserveIn, reserveOut, FeePpm);
        if (amountOut < minOut)
        {
            return RollupReceipt.Failed($"slippage: {amountOut} out, at least {minOut} asked");
        }

        if (sellA)
        {
            account.A -= amountIn;
            account.B += amountOut;
            ReserveA += amountIn;
            ReserveB -= amountOut;
        }
        else
        {
            account.B -= amountIn;
            account.A += amountOut;
            ReserveB += amountIn;
            ReserveA -= amountOut;
        }

        return RollupReceipt.Applied(amountOut);
    }

    private static BigInteger Sqrt(BigInteger n)
    {
        if (n < 2)
        {
            return n;
        }

        var x = (BigInteger)Math.Sqrt((double)n);
        while (x * x > n)
        {
            x--;
        }

        while ((x + 1) * (x + 1) <= n)
        {
            x++;
        }

        return x;
    }
}

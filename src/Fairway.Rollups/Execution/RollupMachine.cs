using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Rollups.Accounts;
using Fairway.Rollups.Amm;
using Fairway.Rollups.Market;
using Fairway.Rollups.Oracle;

namespace Fairway.Rollups.Execution;

/// <summary>
/// What an executor runs: one rollup's deterministic state over the namespace streams it reads, height by height. The
/// AMM and the oracle read their own namespace; perps and options read the oracle's, the perps' and the options'
/// together (<see cref="MarketState"/>), so a bundle across them is applied or reverted alike by both executors.
/// </summary>
public abstract class RollupMachine
{
    /// <summary>The kinds <c>fairway rollup --kind</c> takes.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["oracle", "amm", "perps", "options"];

    public abstract string Kind { get; }

    /// <summary>The namespace of the rollup this executor serves.</summary>
    public abstract ulong Namespace { get; }

    /// <summary>Every namespace it reads, its own first.</summary>
    public abstract IReadOnlyList<ulong> Reads { get; }

    /// <summary>One height of every namespace in <see cref="Reads"/>, each in stream order. Never throws on what clients sent.</summary>
    public abstract void ApplyHeight(IReadOnlyDictionary<ulong, IReadOnlyList<ReadOnlyMemory<byte>>> streams, ISignatureVerifier verifier);

    /// <summary>The whole state, canonically: what an executor persists.</summary>
    public abstract byte[] Encode();

    /// <summary>The same machine (configuration) holding a state from <see cref="Encode"/>; malformed bytes throw <see cref="EncodingException"/>.</summary>
    public abstract RollupMachine Decode(ReadOnlySpan<byte> bytes);

    /// <summary>The served rollup's state root.</summary>
    public abstract Hash StateRoot();

    /// <summary>The state in brief, for <c>GET /v1/rollup</c>.</summary>
    public abstract IReadOnlyDictionary<string, object?> Summary();

    /// <summary>An account's state, for <c>GET /v1/rollup/accounts/{key}</c>; null when the rollup holds none for it.</summary>
    public abstract IReadOnlyDictionary<string, object?>? Account(PublicKey key);

    /// <summary>The pool, for <c>GET /v1/rollup/pool</c>; null for a rollup without one (only the AMM has one).</summary>
    public virtual IReadOnlyDictionary<string, object?>? Pool() => null;

    /// <summary>An account's positions, for <c>GET /v1/rollup/positions/{key}</c>; null for a rollup without positions or an unknown account.</summary>
    public virtual IReadOnlyDictionary<string, object?>? Positions(PublicKey key) => null;

    public static RollupMachine Amm(ulong @namespace) => new AmmMachine(new AmmState(@namespace));

    public static RollupMachine Oracle(ulong @namespace, PublicKey feeder) => new OracleMachine(new OracleState(@namespace, feeder));

    /// <param name="kind"><c>perps</c> or <c>options</c>: which of the market's rollups is served.</param>
    public static RollupMachine Market(string kind, ulong oracleNamespace, ulong perpsNamespace, ulong optionsNamespace, PublicKey feeder, PublicKey marketMaker) =>
        kind is "perps" or "options"
            ? new MarketMachine(kind, new MarketState(oracleNamespace, perpsNamespace, optionsNamespace, feeder, marketMaker))
            : throw new ArgumentException($"a market executor serves perps or options, not {kind}");

    private static IReadOnlyList<ReadOnlyMemory<byte>> Stream(IReadOnlyDictionary<ulong, IReadOnlyList<ReadOnlyMemory<byte>>> streams, ulong @namespace) =>
        streams.TryGetValue(@namespace, out var payloads) ? payloads : [];

    /// <summary>A rollup that reads only its own namespace and applies it in stream order.</summary>
    private abstract class SingleMachine(IRollupState state) : RollupMachine
    {
        public override ulong Namespace => state.Namespace;

        public override IReadOnlyList<ulong> Reads => [state.Namespace];

        public override void ApplyHeight(IReadOnlyDictionary<ulong, IReadOnlyList<ReadOnlyMemory<byte>>> streams, ISignatureVerifier verifier)
        {
            foreach (var payload in Stream(streams, state.Namespace))
            {
                state.Apply(payload.Span, verifier);
            }
        }

        public override byte[] Encode() => state.Encode();

        public override Hash StateRoot() => state.StateRoot();
    }

    private sealed class AmmMachine(AmmState state) : SingleMachine(state)
    {
        public override string Kind => "amm";

        public override RollupMachine Decode(ReadOnlySpan<byte> bytes) => new AmmMachine(AmmState.Decode(bytes));

        public override IReadOnlyDictionary<string, object?> Summary() => new Dictionary<string, object?>
        {
            ["reserve_a"] = state.ReserveA,
            ["reserve_b"] = state.ReserveB,
            ["total_shares"] = state.TotalShares,
            ["accounts"] = state.AccountCount,
        };

        public override IReadOnlyDictionary<string, object?>? Account(PublicKey key) => state.Find(key) is { } a
            ? new Dictionary<string, object?> { ["a"] = a.A, ["b"] = a.B, ["shares"] = a.Shares, ["nonce"] = a.Nonce }
            : null;

        public override IReadOnlyDictionary<string, object?>? Pool() => new Dictionary<string, object?>
        {
            ["reserve_a"] = state.ReserveA,
            ["reserve_b"] = state.ReserveB,
            ["total_shares"] = state.TotalShares,
            ["fee_ppm"] = AmmState.FeePpm,
        };
    }

    private sealed class OracleMachine(OracleState state) : SingleMachine(state)
    {
        public override string Kind => "oracle";

        public override RollupMachine Decode(ReadOnlySpan<byte> bytes)
        {
            var decoded = OracleState.Decode(bytes);
            return decoded.Feeder == state.Feeder
                ? new OracleMachine(decoded)
                : throw new EncodingException("the stored oracle state names another feeder than the one configured");
        }

        public override IReadOnlyDictionary<string, object?> Summary() => new Dictionary<string, object?>
        {
            ["feeder"] = state.Feeder.ToHex(),
            ["price"] = state.Price,
            ["timestamp"] = state.Timestamp,
            ["updates"] = state.UpdateCount,
        };

        public override IReadOnlyDictionary<string, object?>? Account(PublicKey key) => null;
    }

    private sealed class MarketMachine(string kind, MarketState state) : RollupMachine
    {
        public override string Kind => kind;

        public override ulong Namespace => kind == "perps" ? state.Perps.Namespace : state.Options.Namespace;

        public override IReadOnlyList<ulong> Reads => kind == "perps"
            ? [state.Perps.Namespace, state.Oracle.Namespace, state.Options.Namespace]
            : [state.Options.Namespace, state.Oracle.Namespace, state.Perps.Namespace];

        public override void ApplyHeight(IReadOnlyDictionary<ulong, IReadOnlyList<ReadOnlyMemory<byte>>> streams, ISignatureVerifier verifier) =>
            state.ApplyHeight(Stream(streams, state.Oracle.Namespace), Stream(streams, state.Perps.Namespace), Stream(streams, state.Options.Namespace), verifier);

        public override byte[] Encode() => state.Encode();

        public override RollupMachine Decode(ReadOnlySpan<byte> bytes)
        {
            var decoded = MarketState.Decode(bytes);
            return decoded.Oracle.Namespace == state.Oracle.Namespace && decoded.Perps.Namespace == state.Perps.Namespace
                && decoded.Options.Namespace == state.Options.Namespace && decoded.Oracle.Feeder == state.Oracle.Feeder
                && decoded.Options.MarketMaker == state.Options.MarketMaker
                ? new MarketMachine(kind, decoded)
                : throw new EncodingException("the stored market state has other namespaces, feeder or market maker than configured");
        }

        public override Hash StateRoot() => kind == "perps" ? state.Perps.StateRoot() : state.Options.StateRoot();

        public override IReadOnlyDictionary<string, object?> Summary() => kind == "perps"
            ? new Dictionary<string, object?>
            {
                ["oracle_price"] = state.Perps.OraclePrice,
                ["oracle_time"] = state.Perps.OracleTime,
                ["long_open_interest"] = state.Perps.LongOpenInterest,
                ["short_open_interest"] = state.Perps.ShortOpenInterest,
                ["auction_pool"] = state.Perps.AuctionPool,
                ["market_root"] = state.StateRoot().ToHex(),
            }
            : new Dictionary<string, object?>
            {
                ["oracle_price"] = state.Options.OraclePrice,
                ["oracle_time"] = state.Options.OracleTime,
                ["volatility_ppm"] = state.Options.VolatilityPpm,
                ["accounts"] = state.Options.AccountCount,
                ["positions"] = state.Options.PositionCount,
                ["locked"] = state.Options.Locked,
                ["market_root"] = state.StateRoot().ToHex(),
            };

        /// <summary>Perps: the position (size, entry, equity, whether it can be liquidated); options: the series held.</summary>
        public override IReadOnlyDictionary<string, object?>? Positions(PublicKey key) =>
            Account(key) is { } account ? account.Where(p => p.Key is "size" or "entry_price" or "equity" or "liquidatable" or "positions").ToDictionary() : null;

        public override IReadOnlyDictionary<string, object?>? Account(PublicKey key)
        {
            if (kind == "perps")
            {
                return state.Perps.Find(key) is { } a
                    ? new Dictionary<string, object?>
                    {
                        ["collateral"] = a.Collateral,
                        ["size"] = a.Size,
                        ["entry_price"] = a.EntryPrice,
                        ["equity"] = (long)Int128.Clamp(state.Perps.Equity(a), long.MinValue, long.MaxValue),
                        ["liquidatable"] = state.Perps.IsLiquidatable(a),
                        ["auction_deposit"] = a.AuctionDeposit,
                        ["nonce"] = a.Nonce,
                    }
                    : null;
            }

            return state.Options.Find(key) is { } o
                ? new Dictionary<string, object?>
                {
                    ["balance"] = o.Balance,
                    ["nonce"] = o.Nonce,
                    ["positions"] = state.Options.PositionsOf(key).Select(p => new Dictionary<string, object?>
                    {
                        ["call"] = p.Series.IsCall,
                        ["strike"] = p.Series.Strike,
                        ["expiry"] = p.Series.Expiry,
                        ["quantity"] = p.Quantity,
                    }).ToList(),
                }
                : null;
        }
    }
}

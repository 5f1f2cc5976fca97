using System.Text.Json.Serialization;

namespace Fairway.Node.Config;

/// <summary>The genesis file every validator of a chain shares: who validates, with what stake, where, and how fast.</summary>
public sealed record GenesisDocument
{
    [JsonPropertyName("chain_id")]
    public required string ChainId { get; init; }

    [JsonPropertyName("validators")]
    public required IReadOnlyList<GenesisValidator> Validators { get; init; }

    [JsonPropertyName("consensus")]
    public ConsensusTiming Consensus { get; init; } = new();

    /// <summary>The ordering policy of every namespace not declared in <see cref="Namespaces"/>.</summary>
    [JsonPropertyName("default_policy")]
    public string DefaultPolicy { get; init; } = "fcfs";

    /// <summary>Namespaces with a declared ordering policy.</summary>
    [JsonPropertyName("namespaces")]
    public IReadOnlyList<GenesisNamespace> Namespaces { get; init; } = [];

    /// <summary>When present, the validators generate a threshold encryption key at genesis (every validator needs a <c>dkg_key</c>).</summary>
    [JsonPropertyName("encryption")]
    public GenesisEncryption? Encryption { get; init; }

    /// <summary>When present, the network settles its output on this L1 (docs/SETTLEMENT.md).</summary>
    [JsonPropertyName("settlement")]
    public GenesisSettlement? Settlement { get; init; }
}

/// <summary>
/// The L1 contracts every validator of the network uses, and the settlement interval: the light client's chain of
/// statements covers every <see cref="IntervalHeights"/>-th height, the same for every validator, so their signatures meet.
/// </summary>
public sealed record GenesisSettlement
{
    [JsonPropertyName("l1_chain_id")]
    public required ulong L1ChainId { get; init; }

    [JsonPropertyName("stake_table")]
    public required string StakeTable { get; init; }

    [JsonPropertyName("light_client")]
    public required string LightClient { get; init; }

    /// <summary>
    /// The <c>FairwayInbox</c> for forced inclusion; absent on a chain without one. Every validator of a chain must agree
    /// on it (it decides what blocks carry), so it is part of genesis, not of a node's config.
    /// </summary>
    [JsonPropertyName("inbox")]
    public string? Inbox { get; init; }

    [JsonPropertyName("interval_heights")]
    public ulong IntervalHeights { get; init; } = 10;

    /// <summary>Also settle once this much block time has passed since the last statement (0: by heights alone).</summary>
    [JsonPropertyName("interval_ms")]
    public ulong IntervalMs { get; init; }
}

/// <summary>
/// The key generation at genesis: dealings count when committed at heights 1 to <see cref="DealingHeights"/>, complaints
/// during the next <see cref="ComplaintHeights"/>; at the height after that every validator finishes the same key set.
/// </summary>
public sealed record GenesisEncryption
{
    [JsonPropertyName("dealing_heights")]
    public ulong DealingHeights { get; init; } = 10;

    [JsonPropertyName("complaint_heights")]
    public ulong ComplaintHeights { get; init; } = 10;
}

/// <summary>A namespace genesis declares: its id, a name for people, and its ordering policy.</summary>
public sealed record GenesisNamespace
{
    [JsonPropertyName("id")]
    public required ulong Id { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("policy")]
    public required string Policy { get; init; }

    /// <summary>Policy <c>auction</c>: the length of an auction epoch in block time, ms (default 60,000).</summary>
    [JsonPropertyName("auction_epoch_ms")]
    public ulong? AuctionEpochMs { get; init; }

    /// <summary>Policy <c>auction</c>: the lowest bid that counts, in the rollup's unit (default 0).</summary>
    [JsonPropertyName("reserve_price")]
    public ulong? ReservePrice { get; init; }

    /// <summary>Policy <c>auction</c>: an Ed25519 key (hex) the whole price goes to, instead of the epoch's users pro rata.</summary>
    [JsonPropertyName("rebate_to")]
    public string? RebateTo { get; init; }

    /// <summary>Policy <c>auction</c>: the rollup that holds the bidders' deposits, which every validator runs to read them.</summary>
    [JsonPropertyName("auction_deposits")]
    public GenesisAuctionDeposits? AuctionDeposits { get; init; }
}

/// <summary>
/// Where an <c>auction</c> namespace's deposits are kept: the demo market rollup (<c>perps</c>), with the configuration
/// its executor runs with (<c>fairway rollup --kind perps</c>). Every validator runs that rollup over the outputs.
/// </summary>
public sealed record GenesisAuctionDeposits
{
    [JsonPropertyName("rollup")]
    public required string Rollup { get; init; }

    [JsonPropertyName("oracle_namespace")]
    public required ulong OracleNamespace { get; init; }

    [JsonPropertyName("options_namespace")]
    public required ulong OptionsNamespace { get; init; }

    [JsonPropertyName("feeder")]
    public required string Feeder { get; init; }

    [JsonPropertyName("market_maker")]
    public required string MarketMaker { get; init; }
}

public sealed record GenesisValidator
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("public_key")]
    public required string PublicKey { get; init; }

    /// <summary>The validator's key-generation transport key (ristretto255, hex): dealers pad its shares to it.</summary>
    [JsonPropertyName("dkg_key")]
    public string? DkgKey { get; init; }

    [JsonPropertyName("stake")]
    public ulong Stake { get; init; } = 1;

    /// <summary>host:port other validators dial.</summary>
    [JsonPropertyName("p2p")]
    public required string P2p { get; init; }

    /// <summary>The validator's public API URL, for tools; not used by consensus.</summary>
    [JsonPropertyName("api")]
    public string? Api { get; init; }
}

public sealed record ConsensusTiming
{
    // One source for the defaults: the simulator runs the core with these same values.
    private static readonly Fairway.Consensus.Engine.ConsensusConfig Defaults = new();

    [JsonPropertyName("tick_ms")]
    public int TickMs { get; init; } = 10;

    /// <summary>A round's timeout before any round latency is observed, and the ceiling of the adaptive timeout.</summary>
    [JsonPropertyName("timeout_base_ticks")]
    public int TimeoutBaseTicks { get; init; } = Defaults.TimeoutBaseTicks;

    /// <summary>Floor of the adaptive timeout, and the timeout of a round whose leader has gone silent.</summary>
    [JsonPropertyName("timeout_min_ticks")]
    public int TimeoutMinTicks { get; init; } = Defaults.TimeoutMinTicks;

    [JsonPropertyName("timeout_backoff_exponent_max")]
    public int TimeoutBackoffExponentMax { get; init; } = Defaults.TimeoutBackoffExponentMax;

    /// <summary>Committed blocks that decide who may lead (a validator absent from them, or that failed to lead, does not); 0 turns it off.</summary>
    [JsonPropertyName("leader_reputation_window_blocks")]
    public int LeaderReputationWindowBlocks { get; init; } = Defaults.LeaderReputationWindowBlocks;
}

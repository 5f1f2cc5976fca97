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
}

public sealed record GenesisValidator
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("public_key")]
    public required string PublicKey { get; init; }

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
    [JsonPropertyName("tick_ms")]
    public int TickMs { get; init; } = 10;

    [JsonPropertyName("timeout_base_ticks")]
    public int TimeoutBaseTicks { get; init; } = 100;

    [JsonPropertyName("timeout_backoff_exponent_max")]
    public int TimeoutBackoffExponentMax { get; init; } = 3;
}

using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

using Fairway.Core.Crypto;
using Fairway.Ordering.Output;

namespace Fairway.Node.Config;

/// <summary>
/// Reads config and genesis files strictly: unknown keys, missing keys and bad values are refused with a message that
/// names the key. Environment variables <c>FAIRWAY_&lt;KEY&gt;</c> (e.g. <c>FAIRWAY_API_LISTEN</c>) override config keys.
/// </summary>
public static class ConfigLoader
{
    private const int FileBytesMax = 1024 * 1024;

    /// <summary>The largest <c>disk_reserve_bytes</c> taken: more is surely a typo (a unit slip), not a reserve.</summary>
    private const long DiskReserveBytesMax = 1L << 40;

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    public static NodeConfig LoadNodeConfig(string path, IDictionary<string, string?>? environment = null)
    {
        var json = ReadObject(path);
        var env = environment ?? Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);
        foreach (var (name, value) in env)
        {
            if (!name.StartsWith("FAIRWAY_", StringComparison.Ordinal) || value is null)
            {
                continue;
            }

            var key = name["FAIRWAY_".Length..].ToLowerInvariant();
            if (key == "query_postgres")
            {
                var query = json["query"] as JsonObject ?? new JsonObject();
                query["postgres"] = value;
                json["query"] = query;
                continue;
            }

            if (!NodeConfigKeys.Contains(key) || key == "query")
            {
                continue;
            }

            if (key == "peer_addresses")
            {
                // An object, not a scalar: the variable holds it as JSON, e.g. {"2": "10.0.0.7:27002"}.
                json[key] = ParseEnvironmentObject(name, value);
                continue;
            }

            json[key] = long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && key is not ("validator" or "key_file" or "genesis_file" or "data_dir" or "p2p_listen" or "api_listen" or "test_clock_file")
                ? JsonValue.Create(number)
                : JsonValue.Create(value);
        }

        var config = Deserialize<NodeConfig>(json, path);
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        config = config with
        {
            KeyFile = config.KeyFile.Length == 0 ? "" : Path.GetFullPath(config.KeyFile, baseDir),
            GenesisFile = Path.GetFullPath(config.GenesisFile, baseDir),
            DataDir = Path.GetFullPath(config.DataDir, baseDir),
            TestClockFile = config.TestClockFile is { Length: > 0 } clockFile ? Path.GetFullPath(clockFile, baseDir) : config.TestClockFile,
            L1 = config.L1 is { } l1 ? l1 with { SettlementKeyFile = Path.GetFullPath(l1.SettlementKeyFile, baseDir) } : null,
        };
        // The process environment as before, or the one passed in (tests), may allow test-only keys.
        var allowTest = Environment.GetEnvironmentVariable("FAIRWAY_ALLOW_TEST_SETTINGS") == "1"
            || (env.TryGetValue("FAIRWAY_ALLOW_TEST_SETTINGS", out var allow) && allow == "1");
        Validate(config, path, allowTest);
        return config;
    }

    /// <summary>
    /// Where this validator dials each peer: genesis's <c>p2p</c> address unless <c>peer_addresses</c> names another for
    /// that index. The indices are checked here, against genesis, because the config alone does not know the roster.
    /// </summary>
    public static IReadOnlyDictionary<int, EndPoint> PeerEndPoints(NodeConfig config, GenesisDocument genesis, int selfIndex, string path)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(genesis);
        var peers = new Dictionary<int, EndPoint>();
        for (var i = 0; i < genesis.Validators.Count; i++)
        {
            if (i != selfIndex)
            {
                peers[i] = Network.TransportOptions.ParseEndPoint(genesis.Validators[i].P2p);
            }
        }

        foreach (var (key, address) in config.PeerAddresses ?? new Dictionary<string, string>())
        {
            var index = int.Parse(key, NumberStyles.None, CultureInfo.InvariantCulture);
            Require(index < genesis.Validators.Count, path, "peer_addresses", $"names validator {index}, but genesis has validators 0 to {genesis.Validators.Count - 1}");
            Require(index != selfIndex, path, "peer_addresses", $"names validator {index}, which is this validator; list only peers");
            peers[index] = Network.TransportOptions.ParseEndPoint(address);
        }

        return peers;
    }

    private static JsonNode ParseEnvironmentObject(string name, string value)
    {
        try
        {
            return JsonNode.Parse(value) as JsonObject ?? throw new ConfigException($"{name}: must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new ConfigException($"{name}: not valid JSON ({e.Message})", e);
        }
    }

    /// <summary>The shape of <c>peer_addresses</c>; which indices exist is checked against genesis in <see cref="PeerEndPoints"/>.</summary>
    private static void ValidatePeerAddresses(NodeConfig c, string path)
    {
        if (c.PeerAddresses is not { } addresses)
        {
            return;
        }

        Require(!c.IsFullNode, path, "peer_addresses", "only a validator dials peers; a full node reads from the URLs in follow");
        Require(addresses.Count <= 1024, path, "peer_addresses", "names at most 1024 validators");
        foreach (var (key, address) in addresses)
        {
            // Decimal without sign or leading zeros, so "2" and "02" cannot both name validator 2.
            Require(
                key.Length is >= 1 and <= 4 && key.All(char.IsAsciiDigit) && (key == "0" || key[0] != '0'),
                path,
                "peer_addresses",
                $"key \"{key}\" must be a validator index in decimal, e.g. \"2\"");
            Require(IsHostPort(address), path, $"peer_addresses.{key}", $"\"{address}\" must be host:port");
        }
    }

    private static bool IsHostPort(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Any(char.IsWhiteSpace))
        {
            return false;
        }

        try
        {
            Network.TransportOptions.ParseEndPoint(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public static GenesisDocument LoadGenesis(string path)
    {
        var genesis = Deserialize<GenesisDocument>(ReadObject(path), path);
        Require(!string.IsNullOrWhiteSpace(genesis.ChainId), path, "chain_id", "must not be empty");
        Require(genesis.Validators.Count is >= 1 and <= 1024, path, "validators", "needs 1 to 1024 validators");
        for (var i = 0; i < genesis.Validators.Count; i++)
        {
            var v = genesis.Validators[i];
            var key = $"validators[{i}]";
            Require(!string.IsNullOrWhiteSpace(v.Name), path, key + ".name", "must not be empty");
            Require(IsHex(v.PublicKey, 64), path, key + ".public_key", "must be 64 hex characters (an Ed25519 public key)");
            Require(TryParseEndPoint(v.P2p, out _), path, key + ".p2p", "must be host:port");
        }

        Require(genesis.Validators.Select(v => v.Name).Distinct(StringComparer.Ordinal).Count() == genesis.Validators.Count, path, "validators", "names must be unique");
        // A member with stake 0 is a standby: on the roster, following the chain, until the stake table gives it weight.
        Require(genesis.Validators.Any(v => v.Stake > 0), path, "validators", "at least one validator needs a positive stake (stake 0 marks a standby member)");
        Require(genesis.Validators.Aggregate(0m, (sum, v) => sum + v.Stake) <= ulong.MaxValue, path, "validators", "stakes add up to more than 2^64 - 1");
        Require(genesis.Consensus.TickMs is >= 1 and <= 1000, path, "consensus.tick_ms", "must be between 1 and 1000");
        Require(genesis.Consensus.TimeoutBaseTicks is >= 2 and <= 100_000, path, "consensus.timeout_base_ticks", "must be between 2 and 100000");
        Require(genesis.Consensus.TimeoutBackoffExponentMax is >= 0 and <= 10, path, "consensus.timeout_backoff_exponent_max", "must be between 0 and 10");
        Require(genesis.Consensus.TimeoutMinTicks >= 1 && genesis.Consensus.TimeoutMinTicks <= genesis.Consensus.TimeoutBaseTicks, path,
            "consensus.timeout_min_ticks", "must be between 1 and consensus.timeout_base_ticks");
        Require(genesis.Consensus.LeaderReputationWindowBlocks is >= 0 and <= 1_000, path, "consensus.leader_reputation_window_blocks", "must be between 0 and 1000");
        if (genesis.Encryption is { } encryption)
        {
            Require(encryption.DealingHeights is >= 1 and <= 1_000, path, "encryption.dealing_heights", "must be between 1 and 1000");
            Require(encryption.ComplaintHeights is >= 1 and <= 1_000, path, "encryption.complaint_heights", "must be between 1 and 1000");
            Require(genesis.Validators.Count <= Fairway.Crypto.Dkg.DkgParameters.MaxValidators, path, "validators",
                $"at most {Fairway.Crypto.Dkg.DkgParameters.MaxValidators} validators can generate a key together");
            for (var i = 0; i < genesis.Validators.Count; i++)
            {
                Require(Ordering.Encrypted.DkgKeys.TryParse(genesis.Validators[i].DkgKey, out _), path, $"validators[{i}].dkg_key",
                    "must be a ristretto255 public key in hex (64 characters) when the genesis has an encryption section");
            }
        }

        if (genesis.Settlement is { } settlement)
        {
            Require(IsAddress(settlement.StakeTable), path, "settlement.stake_table", "must be an L1 address (0x and 40 hex characters)");
            Require(IsAddress(settlement.LightClient), path, "settlement.light_client", "must be an L1 address (0x and 40 hex characters)");
            Require(settlement.Inbox is null || IsAddress(settlement.Inbox), path, "settlement.inbox", "must be an L1 address (0x and 40 hex characters) when present");
            Require(settlement.IntervalHeights is >= 1 and <= 1_000_000, path, "settlement.interval_heights", "must be between 1 and 1000000");
            Require(settlement.IntervalMs <= 86_400_000, path, "settlement.interval_ms", "must be between 0 (off) and 86400000");
            Require(settlement.L1ChainId > 0, path, "settlement.l1_chain_id", "must be positive");
        }

        NamespacesOf(genesis, path);
        return genesis;
    }

    /// <summary>
    /// The namespace registry genesis declares. A policy this build does not know is refused here, at load, so a node
    /// never starts ordering a namespace differently from validators that know it.
    /// </summary>
    public static NamespaceRegistry NamespacesOf(GenesisDocument genesis, string path)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        var known = string.Join(", ", OrderingPolicies.Names);
        Require(OrderingPolicies.TryGet(genesis.DefaultPolicy ?? "", out var defaultPolicy), path, "default_policy",
            $"unknown ordering policy \"{genesis.DefaultPolicy}\"; this build knows: {known}");
        Require(genesis.Namespaces.Count <= NamespaceRegistry.DeclaredMax, path, "namespaces", $"at most {NamespaceRegistry.DeclaredMax} namespaces");
        var declared = new List<NamespaceDeclaration>();
        for (var i = 0; i < genesis.Namespaces.Count; i++)
        {
            var ns = genesis.Namespaces[i];
            Require(ns is not null, path, $"namespaces[{i}]", "must be an object");
            Require(!string.IsNullOrWhiteSpace(ns!.Name) && ns.Name.Length <= 64, path, $"namespaces[{i}].name", "must be 1 to 64 characters");
            Require(OrderingPolicies.TryGet(ns.Policy ?? "", out var policy), path, $"namespaces[{i}].policy",
                $"unknown ordering policy \"{ns.Policy}\"; this build knows: {known}");
            Require(declared.All(d => d.Id != ns.Id), path, $"namespaces[{i}].id", $"namespace {ns.Id} is declared twice");
            Require(ns.Id < Core.Chain.SystemNamespaces.First, path, $"namespaces[{i}].id", $"namespaces from {Core.Chain.SystemNamespaces.First} up are the chain's own");
            if (policy is AuctionPolicy)
            {
                policy = new AuctionPolicy(AuctionSettingsOf(ns, path, $"namespaces[{i}]"));
            }
            else
            {
                Require(ns.AuctionEpochMs is null && ns.ReservePrice is null && ns.RebateTo is null && ns.AuctionDeposits is null, path, $"namespaces[{i}]",
                    "auction_epoch_ms, reserve_price, rebate_to and auction_deposits are for policy auction");
            }

            declared.Add(new NamespaceDeclaration(ns.Id, ns.Name, policy));
        }

        var registry = new NamespaceRegistry(defaultPolicy, declared);
        Require(!registry.HasEncrypted || genesis.Encryption is not null, path, "encryption",
            "an encrypted namespace needs the encryption section (the validators' key generation); add it or use another policy");
        return registry;
    }

    private static AuctionSettings AuctionSettingsOf(GenesisNamespace ns, string path, string key)
    {
        PublicKey? rebateTo = null;
        if (ns.RebateTo is { } hex)
        {
            Require(PublicKey.TryParse(hex, out var parsed), path, key + ".rebate_to", "must be an Ed25519 public key, 64 hex characters");
            rebateTo = parsed;
        }

        var settings = new AuctionSettings(ns.AuctionEpochMs ?? AuctionSettings.DefaultEpochMs, ns.ReservePrice ?? 0, rebateTo);
        Require(settings.Problem() is null, path, key + ".auction_epoch_ms", settings.Problem() ?? "");
        if (ns.AuctionDeposits is { } deposits)
        {
            Require(deposits.Rollup == "perps", path, key + ".auction_deposits.rollup", "the deposit view this build runs is \"perps\"");
            Require(PublicKey.TryParse(deposits.Feeder, out _), path, key + ".auction_deposits.feeder", "must be an Ed25519 public key, 64 hex characters");
            Require(PublicKey.TryParse(deposits.MarketMaker, out _), path, key + ".auction_deposits.market_maker", "must be an Ed25519 public key, 64 hex characters");
            Require(deposits.OracleNamespace != ns.Id && deposits.OptionsNamespace != ns.Id && deposits.OracleNamespace != deposits.OptionsNamespace,
                path, key + ".auction_deposits", "the oracle, options and auction (perps) namespaces must differ");
        }

        return settings;
    }

    public static bool TryParseEndPoint(string? text, out IPEndPoint endPoint)
    {
        endPoint = new IPEndPoint(IPAddress.Loopback, 0);
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return false;
        }

        var host = text[..colon];
        if (host == "localhost")
        {
            host = "127.0.0.1";
        }

        if (!IPAddress.TryParse(host.Trim('[', ']'), out var address))
        {
            return false;
        }

        endPoint = new IPEndPoint(address, port);
        return true;
    }

    private static readonly HashSet<string> NodeConfigKeys = typeof(NodeConfig).GetProperties()
        .SelectMany(p => p.GetCustomAttributes(typeof(JsonPropertyNameAttribute), false).OfType<JsonPropertyNameAttribute>().Select(a => a.Name))
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>A test-only key (<paramref name="why"/>: what it makes the validator do wrong) is refused unless the environment allows them.</summary>
    private static void RequireTestOnly(bool allowed, bool set, string path, string key, string why) =>
        Require(
            !set || allowed,
            path,
            key,
            $"is a test-only setting ({why}); it is refused unless FAIRWAY_ALLOW_TEST_SETTINGS=1");

    private static bool IsAddress(string? text) => text is { Length: 42 } && text.StartsWith("0x", StringComparison.Ordinal) && IsHex(text[2..], 40);

    private static void Validate(NodeConfig c, string path, bool allowTest)
    {
        Require(c.Role is null or "validator" or "full", path, "role", "must be validator or full");
        if (c.IsFullNode)
        {
            Require(c.L1 is null, path, "l1", "a full node does not settle on the L1; remove it");
            Require(c.Follow is null || c.Follow.Count is >= 1 and <= 64, path, "follow", "must list 1 to 64 API URLs (or be left out to follow genesis's validators)");
            foreach (var url in c.Follow ?? [])
            {
                Require(Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https", path, "follow", $"\"{url}\" is not an http(s) URL");
            }
        }
        else
        {
            Require(c.Follow is null, path, "follow", "only a full node (role \"full\") follows; a validator takes part in consensus");
            Require(!string.IsNullOrWhiteSpace(c.KeyFile), path, "key_file", "a validator needs its key file");
            Require(!string.IsNullOrWhiteSpace(c.P2pListen), path, "p2p_listen", "a validator needs ip:port to listen for its peers");
        }

        if (c.L1 is { } l1)
        {
            Require(Uri.TryCreate(l1.Url, UriKind.Absolute, out var l1Url) && l1Url.Scheme is "http" or "https", path, "l1.url", "must be an http(s) URL");
            Require(!string.IsNullOrWhiteSpace(l1.SettlementKeyFile), path, "l1.settlement_key_file", "must name the settlement key file");
            Require(l1.Confirmations is >= 0 and <= 1_000, path, "l1.confirmations", "must be between 0 and 1000");
            Require(l1.PollMs is >= 10 and <= 600_000, path, "l1.poll_ms", "must be between 10 and 600000");
        }

        RequireTestOnly(allowTest, c.TestFalseL1Reference, path, "test_false_l1_reference", "it makes this validator propose blocks naming an L1 block that does not exist");
        RequireTestOnly(allowTest, c.TestDoubleAttest, path, "test_double_attest", "it makes this validator sign two settlement statements for one height, and be slashed");
        Require(c.TestInboxDelayBlocks is >= 0 and <= 1_000, path, "test_inbox_delay_blocks", "must be between 0 (off) and 1000");
        RequireTestOnly(allowTest, c.TestInboxDelayBlocks > 0, path, "test_inbox_delay_blocks", "it makes this validator leave out L1 inbox entries past their deadline when it leads");
        RequireTestOnly(allowTest, c.TestEquivocateVotes, path, "test_equivocate_votes", "it makes this validator sign two votes for one round");
        ValidatePeerAddresses(c, path);
        Require(c.IsFullNode || !string.IsNullOrWhiteSpace(c.Validator), path, "validator", "must name a validator of the genesis file");
        Require(c.IsFullNode || TryParseEndPoint(c.P2pListen, out _), path, "p2p_listen", "must be ip:port");
        Require(Uri.TryCreate(c.ApiListen, UriKind.Absolute, out var api) && api.Scheme is "http" or "https", path, "api_listen", "must be an http(s) URL");
        Require(c.BatchIntervalMs is >= 1 and <= 60_000, path, "batch_interval_ms", "must be between 1 and 60000");
        Require(c.BatchTransactionsMax is >= 1 and <= Core.Chain.Limits.TransactionsPerBatchMax, path, "batch_transactions_max", $"must be between 1 and {Core.Chain.Limits.TransactionsPerBatchMax}");
        Require(c.MempoolTransactionsMax is >= 1 and <= 10_000_000, path, "mempool_transactions_max", "must be between 1 and 10000000");
        Require(c.AdmissionWaitMaxMs is >= 0 and <= 600_000, path, "admission_wait_max_ms", "must be between 0 (off) and 600000");
        Require(c.AdmissionBacklogTransactionsMax is >= 1 and <= 10_000_000, path, "admission_backlog_transactions_max", "must be between 1 and 10000000");
        Require(c.AdmissionUnindexedTransactionsMax is >= 1 and <= 10_000_000, path, "admission_unindexed_transactions_max", "must be between 1 and 10000000");
        Require(c.AdmissionCatchUpHeightsMax is >= 1 and <= 1_000_000, path, "admission_catch_up_heights_max", "must be between 1 and 1000000");
        Require(c.DiskReserveBytes is >= 0 and <= DiskReserveBytesMax, path, "disk_reserve_bytes", $"must be between 0 (off) and {DiskReserveBytesMax} (1 TiB)");
        Require(c.PayloadBytesMax is >= 1 and <= Core.Chain.Limits.TransactionPayloadBytesMax, path, "payload_bytes_max", $"must be between 1 and {Core.Chain.Limits.TransactionPayloadBytesMax}");
        Require(c.EmptyBlockDelayMs is >= 0 and <= 60_000, path, "empty_block_delay_ms", "must be between 0 and 60000");
        Require(c.FairDelayMs is >= 0 and <= 60_000, path, "fair_delay_ms", "must be between 0 and 60000");
        Require(c.ClockSkewMs is >= 0 and <= 60_000, path, "clock_skew_ms", "must be between 0 and 60000");
        RequireTestOnly(allowTest, c.ClockOffsetMs != 0, path, "clock_offset_ms", "it makes this validator's clock wrong on purpose");
        Require(c.ClockOffsetMs is >= -3_600_000 and <= 3_600_000, path, "clock_offset_ms", "must be between -3600000 and 3600000");
        RequireTestOnly(allowTest, c.TestClockFile is not null, path, "test_clock_file", "it makes this validator's clock jump on purpose");
        Require(c.TestClockFile is null || c.TestClockFile.Length > 0, path, "test_clock_file", "must name a file");
        RequireTestOnly(allowTest, c.TestCensorNamespace is not null, path, "test_censor_namespace", "it makes this validator censor a namespace on purpose");
        RequireTestOnly(allowTest, c.TestWithholdShares, path, "test_withhold_shares", "it makes this validator withhold its decryption shares on purpose");
        RequireTestOnly(allowTest, c.TestCorruptShares, path, "test_corrupt_shares", "it makes this validator send wrong decryption shares on purpose");
        RequireTestOnly(allowTest, c.TestFrontRunHoldMs != 0, path, "test_front_run_hold_ms", "it makes this validator reorder what it receives to front-run, on purpose");
        Require(c.TestFrontRunHoldMs is >= 0 and <= 60_000, path, "test_front_run_hold_ms", "must be between 0 and 60000");
        Require(c.ApiRequestsPerSecond is >= 1 and <= 10_000_000, path, "api_requests_per_second", "must be between 1 and 10000000");
        Require(c.StreamLagHeightsMax is >= 1 and <= 100_000_000, path, "stream_lag_heights_max", "must be between 1 and 100000000");
    }

    private static JsonObject ReadObject(string path)
    {
        if (!File.Exists(path))
        {
            throw new ConfigException($"{path}: file not found");
        }

        var info = new FileInfo(path);
        if (info.Length > FileBytesMax)
        {
            throw new ConfigException($"{path}: larger than {FileBytesMax} bytes");
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                // A key given twice is a mistake (e.g. two peer_addresses for one validator), not "the last one wins".
                AllowDuplicateProperties = false,
            }) as JsonObject
                ?? throw new ConfigException($"{path}: the top level must be a JSON object");
        }
        catch (JsonException e)
        {
            var where = e.Path is { Length: > 2 } at ? $" at \"{at.TrimStart('$', '.')}\"" : "";
            throw new ConfigException($"{path}: not valid JSON{where} ({e.Message})", e);
        }
    }

    private static T Deserialize<T>(JsonObject json, string path)
    {
        try
        {
            return json.Deserialize<T>(JsonOptions) ?? throw new ConfigException($"{path}: empty");
        }
        catch (JsonException e)
        {
            throw new ConfigException($"{path}: {Describe(e)}", e);
        }
    }

    /// <summary>Turns System.Text.Json's messages into one that names the offending key.</summary>
    private static string Describe(JsonException e)
    {
        var key = e.Path is { Length: > 2 } p ? p.TrimStart('$', '.') : null;
        if (e.Message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            var start = e.Message.IndexOf('\'', StringComparison.Ordinal);
            var end = start >= 0 ? e.Message.IndexOf('\'', start + 1) : -1;
            var name = start >= 0 && end > start ? e.Message[(start + 1)..end] : key;
            return $"unknown key \"{name}\"";
        }

        if (e.Message.Contains("missing required properties", StringComparison.Ordinal))
        {
            return e.Message[e.Message.IndexOf("missing", StringComparison.Ordinal)..].Split(". ")[0];
        }

        return key is null ? e.Message : $"bad value for \"{key}\": {e.Message.Split(". Path")[0]}";
    }

    private static void Require(bool condition, string path, string key, string message)
    {
        if (!condition)
        {
            throw new ConfigException($"{path}: \"{key}\" {message}");
        }
    }

    private static bool IsHex(string? text, int length) =>
        text is not null && text.Length == length && text.All(Uri.IsHexDigit);
}

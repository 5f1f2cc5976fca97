using Fairway.Node.Config;
using Fairway.Node.Setup;
using Fairway.Ordering.Output;

namespace Fairway.Node.Tests;

public sealed class ConfigLoaderTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fairway-config-" + Guid.NewGuid().ToString("N"));

    public ConfigLoaderTests() => NetworkGenerator.Generate(_dir, 4, 41000, "test-chain");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string ConfigPath => Path.Combine(_dir, "node0", "config.json");

    private static readonly Dictionary<string, string?> NoEnvironment = [];

    [Fact]
    public void A_generated_config_and_genesis_load_with_paths_resolved()
    {
        var config = ConfigLoader.LoadNodeConfig(ConfigPath, NoEnvironment);
        var genesis = ConfigLoader.LoadGenesis(config.GenesisFile);

        Assert.Equal("node0", config.Validator);
        Assert.True(Path.IsPathRooted(config.DataDir));
        Assert.Equal("test-chain", genesis.ChainId);
        Assert.Equal(4, genesis.Validators.Count);
        Assert.Equal("http://127.0.0.1:41100", config.ApiListen);
    }

    [Fact]
    public void A_full_node_config_needs_no_key_and_no_p2p_and_checks_what_it_follows()
    {
        var path = Path.Combine(_dir, "full.json");
        File.WriteAllText(path, """{"role": "full", "genesis_file": "genesis.json", "data_dir": "full", "api_listen": "http://127.0.0.1:41200", "follow": ["http://127.0.0.1:41100"]}""");
        var config = ConfigLoader.LoadNodeConfig(path, NoEnvironment);
        Assert.True(config.IsFullNode);
        Assert.Equal(["http://127.0.0.1:41100"], config.Follow);

        foreach (var (json, key) in new[]
        {
            ("""{"role": "observer", "genesis_file": "genesis.json", "data_dir": "d", "api_listen": "http://127.0.0.1:1"}""", "role"),
            ("""{"role": "full", "genesis_file": "genesis.json", "data_dir": "d", "api_listen": "http://127.0.0.1:1", "follow": ["ftp://x"]}""", "follow"),
            ("""{"role": "full", "genesis_file": "genesis.json", "data_dir": "d", "api_listen": "http://127.0.0.1:1", "follow": []}""", "follow"),
            ("""{"genesis_file": "genesis.json", "data_dir": "d", "api_listen": "http://127.0.0.1:1", "validator": "node0", "p2p_listen": "127.0.0.1:2"}""", "key_file"),
            ("""{"genesis_file": "genesis.json", "data_dir": "d", "api_listen": "http://127.0.0.1:1", "validator": "node0", "key_file": "k", "p2p_listen": "127.0.0.1:2", "follow": ["http://127.0.0.1:3"]}""", "follow"),
        })
        {
            File.WriteAllText(path, json);
            var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadNodeConfig(path, NoEnvironment));
            Assert.Contains(key, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_unknown_key_is_refused_by_name()
    {
        var text = File.ReadAllText(ConfigPath).Replace("\"validator\"", "\"colour\": \"blue\", \"validator\"", StringComparison.Ordinal);
        File.WriteAllText(ConfigPath, text);

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadNodeConfig(ConfigPath, NoEnvironment));
        Assert.Contains("colour", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("admission_wait_max_ms", "-1")]
    [InlineData("admission_backlog_transactions_max", "-5")]
    [InlineData("admission_unindexed_transactions_max", "20000000")]
    [InlineData("admission_catch_up_heights_max", "0")]
    [InlineData("disk_reserve_bytes", "-1")]
    [InlineData("disk_reserve_bytes", "1099511627777")]
    [InlineData("disk_reserve_bytes", "\"64MiB\"")]
    [InlineData("batch_interval_ms", "0")]
    [InlineData("p2p_listen", "\"nowhere\"")]
    [InlineData("api_listen", "\"ftp://x\"")]
    [InlineData("payload_bytes_max", "\"lots\"")]
    [InlineData("fair_delay_ms", "-1")]
    [InlineData("clock_skew_ms", "70000")]
    [InlineData("clock_offset_ms", "100")]
    [InlineData("test_censor_namespace", "2")]
    [InlineData("test_front_run_hold_ms", "1500")]
    [InlineData("test_equivocate_votes", "true")]
    public void A_bad_value_is_refused_naming_the_key(string key, string value)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(ConfigPath))!.AsObject();
        json[key] = System.Text.Json.Nodes.JsonNode.Parse(value);
        File.WriteAllText(ConfigPath, json.ToJsonString());

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadNodeConfig(ConfigPath, NoEnvironment));
        Assert.Contains(key, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_disk_reserve_defaults_to_64_MiB_and_takes_0_to_1_TiB_from_the_file_or_the_environment()
    {
        Assert.Equal(64L * 1024 * 1024, ConfigLoader.LoadNodeConfig(ConfigPath, NoEnvironment).DiskReserveBytes);

        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(ConfigPath))!.AsObject();
        json["disk_reserve_bytes"] = 0;
        File.WriteAllText(ConfigPath, json.ToJsonString());
        Assert.Equal(0, ConfigLoader.LoadNodeConfig(ConfigPath, NoEnvironment).DiskReserveBytes);

        // Above int's range: the environment's numbers are read as 64-bit.
        var fromEnvironment = ConfigLoader.LoadNodeConfig(ConfigPath, new Dictionary<string, string?> { ["FAIRWAY_DISK_RESERVE_BYTES"] = "1099511627776" });
        Assert.Equal(1L << 40, fromEnvironment.DiskReserveBytes);
    }

    [Fact]
    public void An_environment_variable_overrides_a_key()
    {
        var config = ConfigLoader.LoadNodeConfig(ConfigPath, new Dictionary<string, string?>
        {
            ["FAIRWAY_API_LISTEN"] = "http://127.0.0.1:49999",
            ["FAIRWAY_BATCH_INTERVAL_MS"] = "7",
            ["UNRELATED"] = "x",
        });

        Assert.Equal("http://127.0.0.1:49999", config.ApiListen);
        Assert.Equal(7, config.BatchIntervalMs);
    }

    [Fact]
    public void A_genesis_with_a_malformed_key_is_refused_naming_the_entry()
    {
        var path = Path.Combine(_dir, "genesis.json");
        var text = File.ReadAllText(path);
        var firstKey = ConfigLoader.LoadGenesis(path).Validators[1].PublicKey;
        File.WriteAllText(path, text.Replace(firstKey, "zz" + firstKey[2..], StringComparison.Ordinal));

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadGenesis(path));
        Assert.Contains("validators[1].public_key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_and_broken_json_give_clear_errors()
    {
        Assert.Contains("not found", Assert.Throws<ConfigException>(() => ConfigLoader.LoadNodeConfig(Path.Combine(_dir, "nope.json"), NoEnvironment)).Message, StringComparison.Ordinal);
        File.WriteAllText(ConfigPath, "{ \"validator\": ");
        Assert.Contains("not valid JSON", Assert.Throws<ConfigException>(() => ConfigLoader.LoadNodeConfig(ConfigPath, NoEnvironment)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generating_into_an_existing_network_is_refused()
    {
        Assert.Throws<IOException>(() => NetworkGenerator.Generate(_dir, 4, 41000));
    }

    private string GenesisPath => Path.Combine(_dir, "genesis.json");

    private void EditGenesis(Action<System.Text.Json.Nodes.JsonObject> edit)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(GenesisPath))!.AsObject();
        edit(json);
        File.WriteAllText(GenesisPath, json.ToJsonString());
    }

    [Fact]
    public void A_generated_genesis_declares_one_demo_namespace_per_policy_and_fcfs_by_default()
    {
        var genesis = ConfigLoader.LoadGenesis(GenesisPath);
        var registry = ConfigLoader.NamespacesOf(genesis, GenesisPath);

        Assert.Equal("fcfs", registry.DefaultPolicy.Name);
        Assert.Equal(["fcfs", "fair", "encrypted", "auction"], registry.Declared.Select(d => d.Policy.Name));
        Assert.Equal("demo-fcfs", registry.Find(1)!.Name);
        Assert.Equal("demo-fair", registry.Find(2)!.Name);
        Assert.Equal("demo-encrypted", registry.Find(3)!.Name);
        Assert.True(registry.IsEncrypted(3));
        Assert.Equal(AuctionSettings.Default, registry.AuctionOf(4));

        // An auction chain seals its bids and orders its express lanes by the fair rules.
        Assert.True(registry.IsEncrypted(Core.Chain.SystemNamespaces.AuctionBids));
        Assert.True(registry.IsFairOrdered(Core.Chain.SystemNamespaces.Express));
        Assert.True(registry.HasFair);
        Assert.Equal("fcfs", registry.PolicyOf(424242).Name);
    }

    [Theory]
    [InlineData("""[{"id": 5, "name": "perps", "policy": "front-run-me"}]""", "namespaces[0].policy", "unknown ordering policy \"front-run-me\"; this build knows: fcfs")]
    [InlineData("""[{"id": 5, "name": "a", "policy": "fcfs"}, {"id": 5, "name": "b", "policy": "fcfs"}]""", "namespaces[1].id", "declared twice")]
    [InlineData("""[{"id": 5, "name": "", "policy": "fcfs"}]""", "namespaces[0].name", "1 to 64 characters")]
    [InlineData("""[{"id": 18446744073709551361, "name": "mine", "policy": "fcfs"}]""", "namespaces[0].id", "the chain's own")]
    [InlineData("""[{"id": 5, "name": "perps", "policy": "auction", "auction_epoch_ms": 10}]""", "namespaces[0].auction_epoch_ms", "between 1000 and 86400000")]
    [InlineData("""[{"id": 5, "name": "perps", "policy": "auction", "rebate_to": "not-a-key"}]""", "namespaces[0].rebate_to", "64 hex characters")]
    [InlineData("""[{"id": 5, "name": "perps", "policy": "fair", "reserve_price": 5}]""", "namespaces[0]", "are for policy auction")]
    [InlineData("""[{"id": 5, "name": "perps", "policy": "auction", "auction_deposits": {"rollup": "amm", "oracle_namespace": 1, "options_namespace": 3, "feeder": "00", "market_maker": "00"}}]""",
        "namespaces[0].auction_deposits.rollup", "\"perps\"")]
    public void A_genesis_with_a_bad_namespace_is_refused_at_load_naming_it(string namespaces, string key, string message)
    {
        EditGenesis(json => json["namespaces"] = System.Text.Json.Nodes.JsonNode.Parse(namespaces));

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadGenesis(GenesisPath));
        Assert.Contains(key, e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dkg_key", null, "validators[2].dkg_key")]
    [InlineData("dkg_key", "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d7f", "validators[2].dkg_key")]
    [InlineData("dkg_key", "0000000000000000000000000000000000000000000000000000000000000000", "validators[2].dkg_key")]
    public void A_genesis_that_generates_a_key_needs_every_transport_key(string key, string? value, string message)
    {
        var generated = ConfigLoader.LoadGenesis(GenesisPath);
        Assert.NotNull(generated.Encryption);
        Assert.All(generated.Validators, v => Assert.True(Fairway.Ordering.Encrypted.DkgKeys.TryParse(v.DkgKey, out _)));

        EditGenesis(json => json["validators"]![2]![key] = value);
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadGenesis(GenesisPath));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);

        // Without the encryption section (and so without an encrypted or auction namespace) the transport keys are not needed.
        EditGenesis(json =>
        {
            json.Remove("encryption");
            json["namespaces"]!.AsArray().RemoveAt(3);
            json["namespaces"]!.AsArray().RemoveAt(2);
        });
        Assert.Null(ConfigLoader.LoadGenesis(GenesisPath).Encryption);
    }

    [Fact]
    public void An_encrypted_namespace_without_key_generation_is_refused_at_load()
    {
        EditGenesis(json => json.Remove("encryption"));

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadGenesis(GenesisPath));
        Assert.Contains("encryption", e.Message, StringComparison.Ordinal);

        // Without the encrypted namespace, an auction namespace (its bids are sealed) still needs it.
        EditGenesis(json => json["namespaces"]!.AsArray().RemoveAt(2));
        Assert.Contains("encryption", Assert.Throws<ConfigException>(() => ConfigLoader.LoadGenesis(GenesisPath)).Message, StringComparison.Ordinal);

        // Without either the same genesis loads.
        EditGenesis(json => json["namespaces"]!.AsArray().RemoveAt(2));
        Assert.False(ConfigLoader.NamespacesOf(ConfigLoader.LoadGenesis(GenesisPath), GenesisPath).HasEncrypted);
    }

    [Fact]
    public void An_unknown_default_policy_is_refused_at_load()
    {
        EditGenesis(json => json["default_policy"] = "priority-gas-auction");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadGenesis(GenesisPath));
        Assert.Contains("default_policy", e.Message, StringComparison.Ordinal);
    }
}

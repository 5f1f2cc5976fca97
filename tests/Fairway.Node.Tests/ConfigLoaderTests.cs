using Fairway.Node.Config;
using Fairway.Node.Setup;

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
    public void An_unknown_key_is_refused_by_name()
    {
        var text = File.ReadAllText(ConfigPath).Replace("\"validator\"", "\"colour\": \"blue\", \"validator\"", StringComparison.Ordinal);
        File.WriteAllText(ConfigPath, text);

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadNodeConfig(ConfigPath, NoEnvironment));
        Assert.Contains("colour", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("batch_interval_ms", "0")]
    [InlineData("p2p_listen", "\"nowhere\"")]
    [InlineData("api_listen", "\"ftp://x\"")]
    [InlineData("payload_bytes_max", "\"lots\"")]
    public void A_bad_value_is_refused_naming_the_key(string key, string value)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(ConfigPath))!.AsObject();
        json[key] = System.Text.Json.Nodes.JsonNode.Parse(value);
        File.WriteAllText(ConfigPath, json.ToJsonString());

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadNodeConfig(ConfigPath, NoEnvironment));
        Assert.Contains(key, e.Message, StringComparison.Ordinal);
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
}

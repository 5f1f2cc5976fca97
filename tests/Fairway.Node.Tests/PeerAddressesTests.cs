using System.Net;
using System.Text.Json.Nodes;
using Fairway.Crypto;
using Fairway.Network;
using Fairway.Node.Config;
using Fairway.Node.Keys;
using Fairway.Node.Runtime;
using Fairway.Node.Setup;

namespace Fairway.Node.Tests;

/// <summary><c>peer_addresses</c>: where a validator dials a peer instead of genesis's address for it.</summary>
public sealed class PeerAddressesTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fairway-peers-" + Guid.NewGuid().ToString("N"));

    private static readonly Dictionary<string, string?> NoEnvironment = [];

    public PeerAddressesTests() => NetworkGenerator.Generate(_dir, 4, P2pBindRaceTests.FreeBasePort(), "test-chain");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string ConfigPath => Path.Combine(_dir, "node0", "config.json");

    private NodeConfig LoadWith(string peerAddressesJson)
    {
        var json = JsonNode.Parse(File.ReadAllText(ConfigPath))!.AsObject();
        json["peer_addresses"] = JsonNode.Parse(peerAddressesJson);
        File.WriteAllText(ConfigPath, json.ToJsonString());
        return ConfigLoader.LoadNodeConfig(ConfigPath, NoEnvironment);
    }

    [Fact]
    public void An_override_replaces_genesis_address_for_that_peer_only()
    {
        var config = LoadWith("""{"2": "10.1.2.3:9000", "3": "proxy.internal:7003"}""");
        var genesis = ConfigLoader.LoadGenesis(config.GenesisFile);

        var peers = ConfigLoader.PeerEndPoints(config, genesis, 0, ConfigPath);

        Assert.Equal([1, 2, 3], peers.Keys.Order());
        Assert.Equal(TransportOptions.ParseEndPoint(genesis.Validators[1].P2p), peers[1]);
        Assert.Equal(IPEndPoint.Parse("10.1.2.3:9000"), peers[2]);
        Assert.Equal(new DnsEndPoint("proxy.internal", 7003), peers[3]);
    }

    [Fact]
    public void Generated_configs_leave_the_key_out()
    {
        Assert.DoesNotContain("peer_addresses", File.ReadAllText(ConfigPath), StringComparison.Ordinal);
        Assert.Null(ConfigLoader.LoadNodeConfig(ConfigPath, NoEnvironment).PeerAddresses);
    }

    [Theory]
    [InlineData("""{"x": "127.0.0.1:1"}""", "must be a validator index")]
    [InlineData("""{"-1": "127.0.0.1:1"}""", "must be a validator index")]
    [InlineData("""{"02": "127.0.0.1:1"}""", "must be a validator index")]
    [InlineData("""{"1": "127.0.0.1"}""", "must be host:port")]
    [InlineData("""{"1": "127.0.0.1:0"}""", "must be host:port")]
    [InlineData("""{"1": "127.0.0.1:70000"}""", "must be host:port")]
    [InlineData("""{"1": ""}""", "must be host:port")]
    [InlineData("""{"1": 5}""", "peer_addresses")]
    [InlineData("""["127.0.0.1:1"]""", "peer_addresses")]
    public void A_malformed_entry_is_refused_at_load(string value, string message)
    {
        var e = Assert.Throws<ConfigException>(() => LoadWith(value));
        Assert.Contains("peer_addresses", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_entries_for_one_validator_are_refused()
    {
        var text = File.ReadAllText(ConfigPath).Replace(
            "\"validator\"", "\"peer_addresses\": {\"1\": \"127.0.0.1:1\", \"1\": \"127.0.0.1:2\"}, \"validator\"", StringComparison.Ordinal);
        File.WriteAllText(ConfigPath, text);

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadNodeConfig(ConfigPath, NoEnvironment));
        // System.Text.Json names the repeated key but not its parent object.
        Assert.Contains("Duplicate property '1'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"4": "127.0.0.1:1"}""", "genesis has validators 0 to 3")]
    [InlineData("""{"0": "127.0.0.1:1"}""", "this validator")]
    public void An_index_outside_the_roster_or_self_is_refused_against_genesis(string value, string message)
    {
        var config = LoadWith(value);
        var genesis = ConfigLoader.LoadGenesis(config.GenesisFile);

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.PeerEndPoints(config, genesis, 0, ConfigPath));
        Assert.Contains("peer_addresses", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_full_node_may_not_set_it()
    {
        var path = Path.Combine(_dir, "full.json");
        File.WriteAllText(path, """{"role": "full", "genesis_file": "genesis.json", "data_dir": "full", "api_listen": "http://127.0.0.1:41200", "peer_addresses": {"1": "127.0.0.1:1"}}""");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadNodeConfig(path, NoEnvironment));
        Assert.Contains("peer_addresses", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_environment_variable_holds_the_object_as_json()
    {
        var config = ConfigLoader.LoadNodeConfig(ConfigPath, new Dictionary<string, string?> { ["FAIRWAY_PEER_ADDRESSES"] = """{"3": "127.0.0.1:5"}""" });
        Assert.Equal("127.0.0.1:5", config.PeerAddresses!["3"]);
    }

    /// <summary>
    /// Validator 1 listens somewhere genesis does not say; validator 0 reaches it only through the override. Nothing
    /// listens at genesis's address for 1, so a connection proves the transport dialled the override.
    /// </summary>
    [Fact]
    public async Task The_transport_dials_the_override_instead_of_genesis()
    {
        var genesis = ConfigLoader.LoadGenesis(Path.Combine(_dir, "genesis.json"));
        var identity0 = IdentityOf(0, genesis);
        var identity1 = IdentityOf(1, genesis);
        await using var listener = new TcpPeerTransport(OptionsFor(identity1, new Dictionary<int, EndPoint>(), new IPEndPoint(IPAddress.Loopback, 0)));
        await listener.StartAsync(CancellationToken.None);

        var config = LoadWith($$"""{"1": "127.0.0.1:{{listener.LocalEndPoint!.Port}}"}""");
        var peers = ConfigLoader.PeerEndPoints(config, genesis, 0, ConfigPath);
        var onlyPeer1 = new Dictionary<int, EndPoint> { [1] = peers[1] };
        await using var dialler = new TcpPeerTransport(OptionsFor(identity0, onlyPeer1, new IPEndPoint(IPAddress.Loopback, 0)));
        await dialler.StartAsync(CancellationToken.None);

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!dialler.IsOutboundConnected(1) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(dialler.IsOutboundConnected(1), "validator 0 never reached validator 1 at its peer_addresses entry");
        Assert.True(listener.IsInboundConnected(0));
    }

    private NodeIdentity IdentityOf(int index, GenesisDocument genesis)
    {
        var config = ConfigLoader.LoadNodeConfig(Path.Combine(_dir, $"node{index}", "config.json"), NoEnvironment);
        return NodeIdentity.Resolve(config, genesis, KeyFile.Read(config.KeyFile));
    }

    private static TransportOptions OptionsFor(NodeIdentity identity, IReadOnlyDictionary<int, EndPoint> peers, IPEndPoint listen) => new()
    {
        ChainId = identity.ChainId,
        SelfIndex = identity.Index,
        Signer = identity.Signer,
        Verifier = Ed25519Verifier.Instance,
        Validators = identity.Validators,
        Peers = peers,
        ListenEndPoint = listen,
    };
}

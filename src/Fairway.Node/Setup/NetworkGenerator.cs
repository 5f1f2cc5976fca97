using System.Text.Json;
using Fairway.Node.Config;
using Fairway.Node.Keys;

namespace Fairway.Node.Setup;

/// <summary>One generated validator: where its config lives and where it listens.</summary>
public sealed record GeneratedNode(string Name, string ConfigPath, string ApiUrl, string P2p);

/// <summary>Writes a local network: a key and config per validator and one shared genesis file.</summary>
public static class NetworkGenerator
{
    public const int ApiPortOffset = 100;

    /// <param name="defaultPolicy">The policy of every namespace not declared; <c>fcfs</c> unless given.</param>
    /// <param name="namespaces">Declared namespaces; the demo ones (one per policy) unless given.</param>
    /// <param name="standby">How many of the validators, the last ones, join the roster with stake 0: they follow the chain
    /// and take part once the stake table gives them weight.</param>
    public static (string ChainId, IReadOnlyList<GeneratedNode> Nodes) Generate(
        string directory, int validators, int basePort, string? chainId = null, string? defaultPolicy = null, IReadOnlyList<GenesisNamespace>? namespaces = null,
        int standby = 0)
    {
        if (standby < 0 || standby >= validators)
        {
            throw new ArgumentOutOfRangeException(nameof(standby), "standby validators must be fewer than all of them");
        }

        if (validators is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(validators), "between 1 and 64 validators");
        }

        if (basePort is < 1024 || basePort + ApiPortOffset + validators > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(basePort), $"ports {basePort}..{basePort + ApiPortOffset + validators} must lie in 1024..65535");
        }

        var root = Path.GetFullPath(directory);
        if (File.Exists(Path.Combine(root, "genesis.json")))
        {
            throw new IOException($"{root} already holds a network (genesis.json exists)");
        }

        Directory.CreateDirectory(root);
        var chain = chainId ?? $"fairway-local-{Guid.NewGuid():N}"[..26];
        var nodes = new List<GeneratedNode>();
        var genesisValidators = new List<GenesisValidator>();
        for (var i = 0; i < validators; i++)
        {
            var name = $"node{i}";
            var dir = Path.Combine(root, name);
            Directory.CreateDirectory(dir);
            var signer = KeyFile.Generate(Path.Combine(dir, "key.json"));
            var p2p = $"127.0.0.1:{basePort + i}";
            var api = $"http://127.0.0.1:{basePort + ApiPortOffset + i}";
            genesisValidators.Add(new GenesisValidator
            {
                Name = name,
                PublicKey = signer.PublicKey.ToHex(),
                DkgKey = Ordering.Encrypted.DkgKeys.TransportKeyOf(signer).PublicKey.ToHex(),
                Stake = i < validators - standby ? 1UL : 0UL,
                P2p = p2p,
                Api = api,
            });
            var config = new NodeConfig
            {
                Validator = name,
                KeyFile = "key.json",
                GenesisFile = "../genesis.json",
                DataDir = "data",
                P2pListen = p2p,
                ApiListen = api,
            };
            var configPath = Path.Combine(dir, "config.json");
            File.WriteAllText(configPath, JsonSerializer.Serialize(config, ConfigLoader.JsonOptions));
            nodes.Add(new GeneratedNode(name, configPath, api, p2p));
        }

        var genesis = new GenesisDocument
        {
            ChainId = chain,
            Validators = genesisValidators,
            Namespaces = namespaces ?? DemoNamespaces,
            DefaultPolicy = defaultPolicy ?? Ordering.Output.FcfsPolicy.PolicyName,
            // A local network generates its encryption key at genesis, so the key and its API are there to try.
            Encryption = new GenesisEncryption(),
        };
        File.WriteAllText(Path.Combine(root, "genesis.json"), JsonSerializer.Serialize(genesis, ConfigLoader.JsonOptions));
        return (chain, nodes);
    }

    /// <summary>Full nodes' API ports start here above the base port: after every validator's (at most 64).</summary>
    public const int FullNodeApiPortOffset = ApiPortOffset + 64;

    public const int FullNodesMax = 8;

    /// <summary>
    /// Configs for <paramref name="count"/> full nodes of the network in <paramref name="directory"/> (<c>fullN/config.json</c>),
    /// each following every validator through genesis's API URLs; a config already there is kept, so a restarted devnet
    /// resumes its full nodes with their data.
    /// </summary>
    public static IReadOnlyList<GeneratedNode> FullNodes(string directory, int count, int basePort)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, FullNodesMax);
        var root = Path.GetFullPath(directory);
        var nodes = new List<GeneratedNode>(count);
        for (var i = 0; i < count; i++)
        {
            var name = $"full{i}";
            var dir = Path.Combine(root, name);
            var configPath = Path.Combine(dir, "config.json");
            string api;
            if (File.Exists(configPath))
            {
                api = ConfigLoader.LoadNodeConfig(configPath, new Dictionary<string, string?>()).ApiListen;
            }
            else
            {
                Directory.CreateDirectory(dir);
                api = $"http://127.0.0.1:{basePort + FullNodeApiPortOffset + i}";
                var config = new System.Text.Json.Nodes.JsonObject
                {
                    ["role"] = "full",
                    ["genesis_file"] = "../genesis.json",
                    ["data_dir"] = "data",
                    ["api_listen"] = api,
                };
                File.WriteAllText(configPath, config.ToJsonString(ConfigLoader.JsonOptions));
            }

            nodes.Add(new GeneratedNode(name, configPath, api, ""));
        }

        return nodes;
    }

    /// <summary>
    /// One demo namespace per ordering policy this build has, so a newcomer can try each (ids from 1, named after the
    /// policy, in the order the build lists them, so existing ids stay: 1 fcfs, 2 fair, 3 encrypted); every other
    /// namespace gets the default policy.
    /// </summary>
    public static IReadOnlyList<GenesisNamespace> DemoNamespaces { get; } =
        [.. Ordering.Output.OrderingPolicies.Names
            .Select((policy, i) => new GenesisNamespace { Id = (ulong)(i + 1), Name = $"demo-{policy}", Policy = policy })];

    /// <summary>Reads back a network written by <see cref="Generate"/>.</summary>
    public static (string ChainId, IReadOnlyList<GeneratedNode> Nodes) Load(string directory)
    {
        var root = Path.GetFullPath(directory);
        var genesis = ConfigLoader.LoadGenesis(Path.Combine(root, "genesis.json"));
        var nodes = genesis.Validators.Select(v => new GeneratedNode(v.Name, Path.Combine(root, v.Name, "config.json"), v.Api ?? "", v.P2p)).ToList();
        return (genesis.ChainId, nodes);
    }
}

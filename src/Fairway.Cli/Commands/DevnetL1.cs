using System.Numerics;
using System.Text.Json;
using Fairway.Node.Config;
using Fairway.Node.Keys;
using Fairway.Node.Setup;
using Fairway.Settlement;
using Fairway.Settlement.Dev;

namespace Fairway.Cli.Commands;

/// <summary>
/// The devnet's L1: an anvil on <c>--base-port</c> + 200 whose chain is kept in the network directory
/// (<see cref="StateFile"/>), the contracts deployed from anvil's first development account, and every validator
/// registered and staked with its own settlement key before the network starts. Run again on the same directory, it
/// starts the same chain from its saved state.
/// </summary>
internal static class DevnetL1
{
    public const string StateFile = "l1-state.json";
    public const int PortOffset = 200;

    /// <summary>Seconds between anvil's blocks: epochs and confirmations advance on their own, as on a real L1.</summary>
    public const int BlockTimeSeconds = 1;

    public const ulong IntervalHeights = 10;

    public static readonly BigInteger StakePerValidatorWei = BigInteger.Pow(10, 20);
    private static readonly BigInteger FundingWei = BigInteger.Pow(10, 22);

    public static int PortFor(int basePort) => basePort + PortOffset;

    /// <summary>A new network: starts anvil, deploys, registers and stakes every validator, and writes the L1 into genesis and each config.</summary>
    public static async Task<(AnvilProcess Anvil, L1Addresses Contracts)> SetUpAsync(
        string directory, IReadOnlyList<GeneratedNode> nodes, int basePort, TextWriter progress, CancellationToken cancel)
    {
        var anvil = await AnvilProcess.StartAsync(BlockTimeSeconds, PortFor(basePort), Path.Combine(directory, StateFile), cancel).ConfigureAwait(false);
        try
        {
            var deployer = await L1Connection.ConnectAsync(anvil.Url, SettlementKey.FromPrivateKeyHex(AnvilProcess.DevAccountKey), cancel).ConfigureAwait(false);
            progress.WriteLine($"fairway devnet: L1 (anvil) at {anvil.Url}, deploying the contracts");
            var deployed = await L1Contracts.DeployAsync(deployer, StakeTableParameters.Devnet, cancel).ConfigureAwait(false);
            var genesisPath = Path.Combine(directory, "genesis.json");
            var genesis = ConfigLoader.LoadGenesis(genesisPath);
            foreach (var node in nodes)
            {
                var nodeDir = Path.GetDirectoryName(node.ConfigPath)!;
                var key = SettlementKeyFile.Generate(Path.Combine(nodeDir, "settlement-key.json"));
                await deployer.SetBalanceAsync(key.Address, FundingWei, cancel).ConfigureAwait(false);
                var validator = genesis.Validators.First(v => v.Name == node.Name);
                var own = new L1Contracts(await L1Connection.ConnectAsync(anvil.Url, key, cancel).ConfigureAwait(false), deployed.Addresses);
                await own.RegisterAsync(Convert.FromHexString(validator.PublicKey), key, node.ApiUrl, StakePerValidatorWei, cancel).ConfigureAwait(false);
                var config = ConfigLoader.LoadNodeConfig(node.ConfigPath, new Dictionary<string, string?>());
                WriteConfig(node.ConfigPath, config, new L1Config { Url = anvil.Url, SettlementKeyFile = "settlement-key.json" });
            }

            // Stakes count from the epoch after they are made: move to it at once rather than wait an epoch of blocks.
            await deployer.MineAsync(StakeTableParameters.Devnet.EpochBlocks, cancel).ConfigureAwait(false);
            var settlement = new GenesisSettlement
            {
                L1ChainId = (ulong)deployer.ChainId,
                StakeTable = deployed.Addresses.StakeTable,
                LightClient = deployed.Addresses.LightClient,
                IntervalHeights = IntervalHeights,
            };
            File.WriteAllText(genesisPath, JsonSerializer.Serialize(genesis with { Settlement = settlement }, ConfigLoader.JsonOptions));
            return (anvil, deployed.Addresses);
        }
        catch
        {
            await anvil.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>An existing network that settles: its anvil again, on the port its configs name, from the saved chain.</summary>
    public static async Task<AnvilProcess> ResumeAsync(string directory, IReadOnlyList<GeneratedNode> nodes, CancellationToken cancel)
    {
        var config = ConfigLoader.LoadNodeConfig(nodes[0].ConfigPath, new Dictionary<string, string?>());
        var url = config.L1?.Url ?? throw new ConfigException($"{nodes[0].ConfigPath} has no l1 section, but genesis names settlement contracts");
        return await AnvilProcess.StartAsync(BlockTimeSeconds, new Uri(url).Port, Path.Combine(directory, StateFile), cancel).ConfigureAwait(false);
    }

    /// <summary>The config as written, paths relative to its directory as the generator wrote them, with the L1 added.</summary>
    private static void WriteConfig(string path, NodeConfig loaded, L1Config l1)
    {
        var written = loaded with
        {
            KeyFile = "key.json",
            GenesisFile = "../genesis.json",
            DataDir = "data",
            L1 = l1,
        };
        File.WriteAllText(path, JsonSerializer.Serialize(written, ConfigLoader.JsonOptions));
    }
}

using System.Numerics;
using System.Text.Json;
using Fairway.Node.Config;
using Fairway.Node.Keys;
using Fairway.Settlement;

namespace Fairway.Node.Setup;

/// <summary>
/// Puts a generated local network on an L1: deploys the inbox, the stake table and the light client, gives every validator a
/// settlement key (funded by the deployer, on a development chain), registers and stakes each one, writes the L1 into
/// each config and the contracts into genesis, and mines into the next epoch so the stakes count at once.
/// </summary>
public static class NetworkL1
{
    public const ulong IntervalHeights = 10;

    /// <summary>Block time after which a statement is due even before <see cref="IntervalHeights"/> heights.</summary>
    public const ulong IntervalMs = 2_000;
    public const string SettlementKeyFileName = "settlement-key.json";

    public static readonly BigInteger StakePerValidatorWei = BigInteger.Pow(10, 20);
    private static readonly BigInteger FundingWei = BigInteger.Pow(10, 22);

    public static async Task<L1Addresses> AttachAsync(
        string directory, IReadOnlyList<GeneratedNode> nodes, string l1Url, string deployerKeyHex, int confirmations, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var deployer = await L1Connection.ConnectAsync(l1Url, SettlementKey.FromPrivateKeyHex(deployerKeyHex), cancel).ConfigureAwait(false);
        var deployed = await L1Contracts.DeployAsync(deployer, StakeTableParameters.Devnet, cancel: cancel).ConfigureAwait(false);
        var genesisPath = Path.Combine(directory, "genesis.json");
        var genesis = ConfigLoader.LoadGenesis(genesisPath);
        foreach (var node in nodes)
        {
            var validator = genesis.Validators.First(v => v.Name == node.Name);
            // A standby (genesis stake 0) gets its settlement key, funds and L1 settings but is not registered: staking
            // it later (fairway stake) gives it weight from the next epoch.
            await RegisterAsync(deployer, deployed.Addresses, node, validator.PublicKey, confirmations, cancel, register: validator.Stake > 0).ConfigureAwait(false);
        }

        // Stakes count from the epoch after they are made: move to it at once rather than wait an epoch of blocks.
        await deployer.MineAsync(StakeTableParameters.Devnet.EpochBlocks, cancel).ConfigureAwait(false);
        var settlement = new GenesisSettlement
        {
            L1ChainId = (ulong)deployer.ChainId,
            StakeTable = deployed.Addresses.StakeTable,
            LightClient = deployed.Addresses.LightClient,
            Inbox = deployed.Addresses.Inbox,
            IntervalHeights = IntervalHeights,
            IntervalMs = IntervalMs,
        };
        // Genesis stakes are the stake table's (in gwei, as epochs count them), so the first stake-table epoch changes
        // nothing and the set changes only when the stake table does.
        var staked = genesis.Validators.Select(v => v.Stake > 0 ? v with { Stake = (ulong)(StakePerValidatorWei / EpochSet.WeiPerStakeUnit) } : v).ToList();
        File.WriteAllText(genesisPath, JsonSerializer.Serialize(genesis with { Settlement = settlement, Validators = staked }, ConfigLoader.JsonOptions));
        return deployed.Addresses;
    }

    /// <summary>
    /// One validator of a generated network onto the stake table: a new settlement key in its directory, funded by
    /// <paramref name="funder"/>, registered with <see cref="StakePerValidatorWei"/> (unless <paramref name="register"/> is
    /// false: a standby), and the L1 written into its config.
    /// </summary>
    public static async Task<SettlementKey> RegisterAsync(
        L1Connection funder, L1Addresses contracts, GeneratedNode node, string consensusKeyHex, int confirmations, CancellationToken cancel = default,
        bool register = true)
    {
        ArgumentNullException.ThrowIfNull(funder);
        ArgumentNullException.ThrowIfNull(node);
        var nodeDir = Path.GetDirectoryName(node.ConfigPath)!;
        var key = SettlementKeyFile.Generate(Path.Combine(nodeDir, SettlementKeyFileName));
        await funder.SetBalanceAsync(key.Address, FundingWei, cancel).ConfigureAwait(false);
        if (register)
        {
            var own = new L1Contracts(await L1Connection.ConnectAsync(funder.Url, key, cancel).ConfigureAwait(false), contracts);
            await own.RegisterAsync(Convert.FromHexString(consensusKeyHex), key, new ValidatorEndpoints(node.P2p, node.ApiUrl).Format(), StakePerValidatorWei, cancel).ConfigureAwait(false);
        }

        var loaded = ConfigLoader.LoadNodeConfig(node.ConfigPath, new Dictionary<string, string?>());
        // Written back with the paths relative to the config's directory, as the generator writes them.
        var written = loaded with
        {
            KeyFile = "key.json",
            GenesisFile = "../genesis.json",
            DataDir = "data",
            L1 = new L1Config { Url = funder.Url, SettlementKeyFile = SettlementKeyFileName, Confirmations = confirmations },
        };
        File.WriteAllText(node.ConfigPath, JsonSerializer.Serialize(written, ConfigLoader.JsonOptions));
        return key;
    }
}

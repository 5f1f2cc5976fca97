using System.Numerics;
using Fairway.Node.Keys;
using Fairway.Settlement;
using Fairway.Settlement.Dev;

namespace Fairway.Cli.Tests;

/// <summary>
/// A real anvil with Fairway's contracts deployed by the dev account (devnet parameters: 10 ether minimum, 20-block
/// epochs, 50-block unbonding), and a temporary directory for key files. One per test, so tests do not share state.
/// </summary>
internal sealed class L1TestChain : IAsyncDisposable
{
    private L1TestChain(AnvilProcess anvil, L1Connection owner, L1Contracts contracts, string dir)
    {
        Anvil = anvil;
        Owner = owner;
        Contracts = contracts;
        Dir = dir;
    }

    public AnvilProcess Anvil { get; }

    public L1Connection Owner { get; }

    public L1Contracts Contracts { get; }

    public string Dir { get; }

    public string Url => Anvil.Url;

    public string StakeTable => Contracts.Addresses.StakeTable;

    public string LightClient => Contracts.Addresses.LightClient;

    public static BigInteger Ether(int amount) => BigInteger.Pow(10, 18) * amount;

    public static async Task<L1TestChain> StartAsync()
    {
        var anvil = await AnvilProcess.StartAsync();
        try
        {
            var owner = await L1Connection.ConnectAsync(anvil.Url, SettlementKey.FromPrivateKeyHex(AnvilProcess.DevAccountKey));
            var contracts = await L1Contracts.DeployAsync(owner, StakeTableParameters.Devnet);
            var dir = Directory.CreateTempSubdirectory("fairway-stake-").FullName;
            return new L1TestChain(anvil, owner, contracts, dir);
        }
        catch
        {
            await anvil.DisposeAsync();
            throw;
        }
    }

    /// <summary>A new settlement key file (0600) whose account holds 1000 ether.</summary>
    public async Task<(SettlementKey Key, string Path)> FundedKeyAsync(string name)
    {
        var path = System.IO.Path.Combine(Dir, name + ".json");
        var key = SettlementKeyFile.Generate(path);
        await Owner.SetBalanceAsync(key.Address, Ether(1000));
        return (key, path);
    }

    /// <summary>A new Ed25519 consensus key file.</summary>
    public string ConsensusKey(string name)
    {
        var path = System.IO.Path.Combine(Dir, name, "key.json");
        KeyFile.Generate(path);
        return path;
    }

    /// <summary>Registers <paramref name="key"/>'s account directly (not through the CLI), as the setting for other tests.</summary>
    public async Task RegisterAsync(SettlementKey key, string name, BigInteger stakeWei)
    {
        var own = new L1Contracts(await L1Connection.ConnectAsync(Url, key), Contracts.Addresses);
        var consensus = KeyFile.Read(ConsensusKey(name)).PublicKey.ToArray();
        await own.RegisterAsync(consensus, key, "http://127.0.0.1:1", stakeWei);
    }

    /// <summary>Mines one epoch's worth of blocks, so changes made so far count.</summary>
    public Task MineEpochAsync() => Owner.MineAsync(StakeTableParameters.Devnet.EpochBlocks);

    public async Task<StakeSnapshot> SnapshotAsync()
    {
        var block = await Owner.BlockNumberAsync();
        return await Contracts.SnapshotAsync(block, await Owner.BlockHashAsync(block) ?? throw new InvalidOperationException($"no block {block}"));
    }

    public async Task<StakeTableEntry?> EntryAsync(string account) =>
        (await SnapshotAsync()).Validators.SingleOrDefault(v => string.Equals(v.Validator, account, StringComparison.OrdinalIgnoreCase));

    public async ValueTask DisposeAsync()
    {
        await Anvil.DisposeAsync();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary directory is harmless.
        }
    }
}

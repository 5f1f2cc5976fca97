using System.Numerics;
using Nethereum.Contracts;
using Nethereum.Signer;

namespace Fairway.Settlement.Tests;

/// A validator as registered in a test: its L1 account, its settlement key and its (made-up) consensus key.
sealed record TestValidator(L1Account Account, EthECKey SettlementKey, byte[] ConsensusKey)
{
    public string SettlementAddress => SettlementKey.GetPublicAddress();
}

/// Freshly deployed FairwayStakeTable and FairwayLightClient on the fixture's anvil, in the production order (stake
/// table, light client, `setSlasher(lightClient)`); the owner account deploys both. With `slasher: Slasher.Owner`
/// the owner account is named slasher instead (to test the stake table's slashing alone), and with `Slasher.None`
/// nobody is yet. With `inbox: true` a FairwayInbox (deadline `InboxDeadlineBlocks`, no fee) is deployed first and
/// given to the light client; otherwise the light client has none (the zero address).
enum Slasher { LightClient, Owner, None }

sealed class Deployment
{
    public static readonly Artifact StakeTableArtifact = Artifact.Load("FairwayStakeTable");
    public static readonly Artifact LightClientArtifact = Artifact.Load("FairwayLightClient");
    public static readonly Artifact InboxArtifact = Artifact.Load("FairwayInbox");
    public const ulong InboxDeadlineBlocks = 5;
    public const string NoInbox = "0x0000000000000000000000000000000000000000";

    public required AnvilFixture Anvil { get; init; }
    public required L1Account Owner { get; init; }
    public required string StakeTableAddress { get; init; }
    public required string LightClientAddress { get; init; }
    /// The inbox the light client checks headers against, or NoInbox.
    public required string InboxAddress { get; init; }
    public required byte[] GenesisHeaderHash { get; init; }
    public required BigInteger MinStake { get; init; }
    public required long EpochBlocks { get; init; }
    public required long UnbondingBlocks { get; init; }
    public required int SlashBps { get; init; }
    public required int RewardBps { get; init; }

    public Contract StakeTable => Owner.At(StakeTableArtifact, StakeTableAddress);
    public Contract LightClient => Owner.At(LightClientArtifact, LightClientAddress);
    public Contract Inbox => Owner.At(InboxArtifact, InboxAddress);

    /// Defaults: a slash takes 10% of the validator's stake and pays 25% of that to the reporter.
    public static async Task<Deployment> CreateAsync(
        AnvilFixture anvil, BigInteger? minStake = null, long epochBlocks = 10, long unbondingBlocks = 25,
        int slashBps = 1_000, int rewardBps = 2_500, Slasher slasher = Slasher.LightClient, bool inbox = false)
    {
        var owner = await L1Account.CreateFundedAsync(anvil);
        var min = minStake ?? L1.Ether(1);
        var inboxAddress = inbox ? await owner.DeployAsync(InboxArtifact, InboxDeadlineBlocks, BigInteger.Zero, new BigInteger(1_024)) : NoInbox;
        var stakeTable = await owner.DeployAsync(StakeTableArtifact, min, epochBlocks, unbondingBlocks, slashBps, rewardBps);
        var genesis = L1.Keccak("fairway test genesis");
        var lightClient = await owner.DeployAsync(LightClientArtifact, stakeTable, inboxAddress, BigInteger.Zero, genesis);
        var d = new Deployment
        {
            Anvil = anvil, Owner = owner, StakeTableAddress = stakeTable, LightClientAddress = lightClient,
            InboxAddress = inboxAddress, GenesisHeaderHash = genesis, MinStake = min, EpochBlocks = epochBlocks, UnbondingBlocks = unbondingBlocks,
            SlashBps = slashBps, RewardBps = rewardBps,
        };
        if (slasher != Slasher.None)
            await owner.SendAsync(d.StakeTable, "setSlasher", 0, slasher == Slasher.Owner ? owner.Address : lightClient);
        return d;
    }

    /// What a slash takes from `stake` and, of that, what the reporter is paid.
    public (BigInteger Taken, BigInteger Reward) SlashShares(BigInteger stake)
    {
        var taken = stake * SlashBps / 10_000;
        return (taken, taken * RewardBps / 10_000);
    }

    /// The digest a settlement key signs to prove possession, computed here as the contract does.
    public byte[] SettlementKeyDigest(string validator) =>
        L1.Keccak([.. L1.Keccak("FAIRWAY_SETTLEMENT_KEY_V1"), .. L1.Word(AnvilFixture.ChainId),
            .. L1.Word(StakeTableAddress), .. L1.Word(validator)]);

    /// The header hash of a settlement statement, computed here as the light client does.
    public byte[] HeaderDigest(BigInteger height, byte[] parent, byte[] outputHash) =>
        L1.Keccak([.. L1.Keccak("FAIRWAY_SETTLEMENT_HEADER_V1"), .. L1.Word(AnvilFixture.ChainId),
            .. L1.Word(LightClientAddress), .. L1.Word(height), .. parent, .. outputHash]);

    /// The digest validators sign to attest an offence by `validator`, computed here as the light client does.
    public byte[] SlashDigest(string validator, byte[] evidenceHash) =>
        L1.Keccak([.. L1.Keccak("FAIRWAY_SLASH_REPORT_V1"), .. L1.Word(AnvilFixture.ChainId),
            .. L1.Word(LightClientAddress), .. L1.Word(validator), .. evidenceHash]);

    /// Signatures by `keys` over `digest`, in ascending signer-address order, concatenated.
    public static byte[] Signatures(byte[] digest, params EthECKey[] keys) =>
        [.. keys.OrderBy(k => k.GetPublicAddress().ToLowerInvariant(), StringComparer.Ordinal)
            .SelectMany(k => L1.Sign(k, digest))];

    public async Task<BigInteger> BalanceAsync(string address) =>
        (await Owner.Web3.Eth.GetBalance.SendRequestAsync(address)).Value;

    /// Four validators weighing 2, 2, 1 and 1 ether (total 6; more than two thirds is more than 4), in epoch 1.
    public static async Task<(Deployment D, TestValidator[] V)> FourValidatorsInEpochOneAsync(AnvilFixture anvil, bool inbox = false)
    {
        var d = await CreateAsync(anvil, inbox: inbox);
        var v = new[]
        {
            await d.RegisterNewAsync(L1.Ether(2)), await d.RegisterNewAsync(L1.Ether(2)),
            await d.RegisterNewAsync(L1.Ether(1)), await d.RegisterNewAsync(L1.Ether(1)),
        };
        await d.MineToEpochAsync(1);
        Assert.Equal(BigInteger.One, await d.CurrentEpochAsync());
        Assert.Equal(L1.Ether(6), await d.CallAsync(d.StakeTable, "totalStakeAt", BigInteger.One));
        return (d, v);
    }

    public static TestValidator NewIdentity(L1Account account) =>
        new(account, EthECKey.GenerateKey(), L1.Random32());

    public async Task<TestValidator> NewValidatorIdentityAsync() => NewIdentity(await L1Account.CreateFundedAsync(Anvil));

    public Task RegisterAsync(TestValidator v, BigInteger stake, string endpoints = "tcp://127.0.0.1:7000") =>
        v.Account.SendAsync(v.Account.At(StakeTableArtifact, StakeTableAddress), "register", stake,
            v.ConsensusKey, v.SettlementAddress, endpoints,
            L1.Sign(v.SettlementKey, SettlementKeyDigest(v.Account.Address)));

    public async Task<TestValidator> RegisterNewAsync(BigInteger stake)
    {
        var v = await NewValidatorIdentityAsync();
        await RegisterAsync(v, stake);
        return v;
    }

    public Task<BigInteger> CallAsync(Contract contract, string function, params object[] args) =>
        contract.GetFunction(function).CallAsync<BigInteger>(args);

    public Task<BigInteger> CurrentEpochAsync() => CallAsync(StakeTable, "currentEpoch");

    /// Mines until the latest block is in `epoch` (or later), so calls and the next transaction see it.
    public async Task MineToEpochAsync(BigInteger epoch)
    {
        var start = (long)await CallAsync(StakeTable, "startBlock");
        var target = start + (long)epoch * EpochBlocks;
        var latest = await Anvil.BlockNumberAsync();
        if (latest < target) await Anvil.MineAsync(target - latest);
        Assert.True(await CurrentEpochAsync() >= epoch);
    }
}

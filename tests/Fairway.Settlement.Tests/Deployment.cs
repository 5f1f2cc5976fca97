using System.Numerics;
using Nethereum.Contracts;
using Nethereum.Signer;

namespace Fairway.Settlement.Tests;

/// A validator as registered in a test: its L1 account, its settlement key and its (made-up) consensus key.
sealed record TestValidator(L1Account Account, EthECKey SettlementKey, byte[] ConsensusKey)
{
    public string SettlementAddress => SettlementKey.GetPublicAddress();
}

/// Freshly deployed FairwayStakeTable and FairwayLightClient on the fixture's anvil; the owner account deploys
/// both and is the stake table's slasher.
sealed class Deployment
{
    public static readonly Artifact StakeTableArtifact = Artifact.Load("FairwayStakeTable");
    public static readonly Artifact LightClientArtifact = Artifact.Load("FairwayLightClient");

    public required AnvilFixture Anvil { get; init; }
    public required L1Account Owner { get; init; }
    public required string StakeTableAddress { get; init; }
    public required string LightClientAddress { get; init; }
    public required byte[] GenesisHeaderHash { get; init; }
    public required BigInteger MinStake { get; init; }
    public required long EpochBlocks { get; init; }
    public required long UnbondingBlocks { get; init; }

    public Contract StakeTable => Owner.At(StakeTableArtifact, StakeTableAddress);
    public Contract LightClient => Owner.At(LightClientArtifact, LightClientAddress);

    public static async Task<Deployment> CreateAsync(
        AnvilFixture anvil, BigInteger? minStake = null, long epochBlocks = 10, long unbondingBlocks = 25)
    {
        var owner = await L1Account.CreateFundedAsync(anvil);
        var min = minStake ?? L1.Ether(1);
        var stakeTable = await owner.DeployAsync(StakeTableArtifact, min, epochBlocks, unbondingBlocks, owner.Address);
        var genesis = L1.Keccak("fairway test genesis");
        var lightClient = await owner.DeployAsync(LightClientArtifact, stakeTable, BigInteger.Zero, genesis);
        return new Deployment
        {
            Anvil = anvil, Owner = owner, StakeTableAddress = stakeTable, LightClientAddress = lightClient,
            GenesisHeaderHash = genesis, MinStake = min, EpochBlocks = epochBlocks, UnbondingBlocks = unbondingBlocks,
        };
    }

    /// The digest a settlement key signs to prove possession, computed here as the contract does.
    public byte[] SettlementKeyDigest(string validator) =>
        L1.Keccak([.. L1.Keccak("FAIRWAY_SETTLEMENT_KEY_V1"), .. L1.Word(AnvilFixture.ChainId),
            .. L1.Word(StakeTableAddress), .. L1.Word(validator)]);

    /// The header hash of a settlement statement, computed here as the light client does.
    public byte[] HeaderDigest(BigInteger height, BigInteger epoch, byte[] parent, byte[] outputHash) =>
        L1.Keccak([.. L1.Keccak("FAIRWAY_SETTLEMENT_HEADER_V1"), .. L1.Word(AnvilFixture.ChainId),
            .. L1.Word(LightClientAddress), .. L1.Word(height), .. L1.Word(epoch), .. parent, .. outputHash]);

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

using System.Numerics;

namespace Fairway.Settlement.Tests;

[Collection("anvil")]
public sealed class StakeTableTests(AnvilFixture anvil)
{
    [Fact]
    public async Task A_validator_registers_with_a_deposit_at_the_minimum_and_weighs_from_the_next_epoch()
    {
        var d = await Deployment.CreateAsync(anvil);
        var v = await d.NewValidatorIdentityAsync();
        Assert.Equal(d.SettlementKeyDigest(v.Account.Address),
            await d.StakeTable.GetFunction("settlementKeyDigest").CallAsync<byte[]>(v.Account.Address));

        var receipt = await v.Account.SendAsync(v.Account.At(Deployment.StakeTableArtifact, d.StakeTableAddress),
            "register", d.MinStake, v.ConsensusKey, v.SettlementAddress, "tcp://127.0.0.1:7000",
            L1.Sign(v.SettlementKey, d.SettlementKeyDigest(v.Account.Address)));

        Assert.True(L1.HasEvent(receipt, "ValidatorRegistered(address,bytes32,address,string,uint256,uint64)"));
        Assert.Equal(v.Account.Address.ToLowerInvariant(),
            (await d.StakeTable.GetFunction("validatorOfSettlementKey").CallAsync<string>(v.SettlementAddress)).ToLowerInvariant());
        var epoch = await d.CurrentEpochAsync();
        Assert.Equal(BigInteger.Zero, await d.CallAsync(d.StakeTable, "weightAt", v.Account.Address, epoch));
        Assert.Equal(d.MinStake, await d.CallAsync(d.StakeTable, "weightAt", v.Account.Address, epoch + 1));
        Assert.Equal(d.MinStake, await d.CallAsync(d.StakeTable, "stakeAt", v.SettlementAddress, epoch + 1));
        Assert.Equal(d.MinStake, await d.CallAsync(d.StakeTable, "totalStakeAt", epoch + 1));
        Assert.Equal(BigInteger.One, await d.CallAsync(d.StakeTable, "validatorCount"));
    }

    [Fact]
    public async Task A_deposit_below_the_minimum_is_refused()
    {
        var d = await Deployment.CreateAsync(anvil);
        var v = await d.NewValidatorIdentityAsync();
        await L1.AssertRevertsAsync("StakeBelowMinimum(uint256,uint256)", () => d.RegisterAsync(v, d.MinStake - 1));
        Assert.Equal(BigInteger.Zero, await d.CallAsync(d.StakeTable, "validatorCount"));
    }

    [Fact]
    public async Task A_settlement_key_without_a_proof_of_possession_or_already_in_use_is_refused()
    {
        var d = await Deployment.CreateAsync(anvil);
        var v = await d.NewValidatorIdentityAsync();
        var stakeTable = v.Account.At(Deployment.StakeTableArtifact, d.StakeTableAddress);
        var wrongProof = L1.Sign(Nethereum.Signer.EthECKey.GenerateKey(), d.SettlementKeyDigest(v.Account.Address));
        await L1.AssertRevertsAsync("BadProofOfPossession()", () => v.Account.SendAsync(stakeTable, "register",
            d.MinStake, v.ConsensusKey, v.SettlementAddress, "", wrongProof));

        await d.RegisterAsync(v, d.MinStake);
        var other = await d.NewValidatorIdentityAsync();
        var sameKey = other with { SettlementKey = v.SettlementKey };
        await L1.AssertRevertsAsync("KeyInUse()", () => d.RegisterAsync(sameKey, d.MinStake));
        await L1.AssertRevertsAsync("AlreadyRegistered()", () => d.RegisterAsync(Deployment.NewIdentity(v.Account), d.MinStake));
    }

    [Fact]
    public async Task Delegation_adds_weight_from_the_next_epoch_and_undelegation_removes_it()
    {
        var d = await Deployment.CreateAsync(anvil);
        var v = await d.RegisterNewAsync(L1.Ether(2));
        var delegator = await L1Account.CreateFundedAsync(anvil);
        var stakeTable = delegator.At(Deployment.StakeTableArtifact, d.StakeTableAddress);
        await d.MineToEpochAsync(1);

        await delegator.SendAsync(stakeTable, "delegate", L1.Ether(3), v.Account.Address);
        var epoch = await d.CurrentEpochAsync();
        Assert.Equal(L1.Ether(2), await d.CallAsync(d.StakeTable, "weightAt", v.Account.Address, epoch));
        Assert.Equal(L1.Ether(5), await d.CallAsync(d.StakeTable, "weightAt", v.Account.Address, epoch + 1));

        await L1.AssertRevertsAsync("InsufficientDelegation(uint256,uint256)",
            () => delegator.SendAsync(stakeTable, "undelegate", 0, v.Account.Address, L1.Ether(4)));
        await delegator.SendAsync(stakeTable, "undelegate", 0, v.Account.Address, L1.Ether(1));
        Assert.Equal(L1.Ether(4), await d.CallAsync(d.StakeTable, "weightAt", v.Account.Address, epoch + 1));
        Assert.Equal(L1.Ether(4), await d.CallAsync(d.StakeTable, "totalStakeAt", epoch + 1));
    }

    [Fact]
    public async Task An_exiting_validator_weighs_nothing_from_the_next_epoch_and_withdraws_only_after_unbonding()
    {
        var d = await Deployment.CreateAsync(anvil);
        var v = await d.RegisterNewAsync(L1.Ether(2));
        await d.MineToEpochAsync(1);
        var stakeTable = v.Account.At(Deployment.StakeTableArtifact, d.StakeTableAddress);

        await v.Account.SendAsync(stakeTable, "requestExit", 0);
        var epoch = await d.CurrentEpochAsync();
        Assert.Equal(L1.Ether(2), await d.CallAsync(d.StakeTable, "weightAt", v.Account.Address, epoch));
        Assert.Equal(BigInteger.Zero, await d.CallAsync(d.StakeTable, "weightAt", v.Account.Address, epoch + 1));
        await L1.AssertRevertsAsync("StillUnbonding(uint256)", () => v.Account.SendAsync(stakeTable, "withdraw", 0));

        await anvil.MineAsync(d.UnbondingBlocks);
        var before = await v.Account.Web3.Eth.GetBalance.SendRequestAsync(d.StakeTableAddress);
        await v.Account.SendAsync(stakeTable, "withdraw", 0);
        var after = await v.Account.Web3.Eth.GetBalance.SendRequestAsync(d.StakeTableAddress);
        Assert.Equal(L1.Ether(2), before.Value - after.Value);
        await L1.AssertRevertsAsync("NothingToWithdraw()", () => v.Account.SendAsync(stakeTable, "withdraw", 0));
    }

    [Fact]
    public async Task The_stake_of_a_settlement_key_is_right_for_every_epoch_after_changes_in_consecutive_epochs()
    {
        // stakeAt answers the last two checkpoints from one slot and older epochs from the full history; this
        // makes a checkpoint in each of epochs 1 to 4 (two changes in epoch 2's) and reads every epoch back.
        var d = await Deployment.CreateAsync(anvil);
        var v = await d.RegisterNewAsync(L1.Ether(2));                                    // 2 from epoch 1
        var delegator = await L1Account.CreateFundedAsync(anvil);
        var stakeTable = delegator.At(Deployment.StakeTableArtifact, d.StakeTableAddress);
        await d.MineToEpochAsync(1);
        await delegator.SendAsync(stakeTable, "delegate", L1.Ether(3), v.Account.Address); // 5 from epoch 2
        await delegator.SendAsync(stakeTable, "undelegate", 0, v.Account.Address, L1.Ether(1)); // 4 from epoch 2
        await d.MineToEpochAsync(2);
        await delegator.SendAsync(stakeTable, "delegate", L1.Ether(1), v.Account.Address); // 5 from epoch 3
        await d.MineToEpochAsync(3);
        await delegator.SendAsync(stakeTable, "undelegate", 0, v.Account.Address, L1.Ether(2)); // 3 from epoch 4
        await d.MineToEpochAsync(4);

        BigInteger[] expected = [0, L1.Ether(2), L1.Ether(4), L1.Ether(5), L1.Ether(3), L1.Ether(3)];
        for (var epoch = 0; epoch < expected.Length; epoch++)
        {
            Assert.Equal(expected[epoch], await d.CallAsync(d.StakeTable, "stakeAt", v.SettlementAddress, epoch));
            Assert.Equal(expected[epoch], await d.CallAsync(d.StakeTable, "weightAt", v.Account.Address, epoch));
        }
        Assert.Equal(BigInteger.Zero, await d.CallAsync(d.StakeTable, "stakeAt", Nethereum.Signer.EthECKey.GenerateKey().GetPublicAddress(), 4));
    }

    [Fact]
    public async Task The_slasher_is_set_once_by_the_owner_only()
    {
        var d = await Deployment.CreateAsync(anvil, slasher: Slasher.None);
        Assert.Equal(d.Owner.Address.ToLowerInvariant(),
            (await d.StakeTable.GetFunction("owner").CallAsync<string>()).ToLowerInvariant());
        var stranger = await L1Account.CreateFundedAsync(anvil);
        var strangers = stranger.At(Deployment.StakeTableArtifact, d.StakeTableAddress);

        await L1.AssertRevertsAsync("NotOwner()", () => stranger.SendAsync(strangers, "setSlasher", 0, stranger.Address));
        await L1.AssertRevertsAsync("InvalidParameters()",
            () => d.Owner.SendAsync(d.StakeTable, "setSlasher", 0, "0x0000000000000000000000000000000000000000"));
        await d.Owner.SendAsync(d.StakeTable, "setSlasher", 0, d.LightClientAddress);
        Assert.Equal(d.LightClientAddress.ToLowerInvariant(),
            (await d.StakeTable.GetFunction("slasher").CallAsync<string>()).ToLowerInvariant());
        await L1.AssertRevertsAsync("SlasherAlreadySet()", () => d.Owner.SendAsync(d.StakeTable, "setSlasher", 0, d.Owner.Address));
        await L1.AssertRevertsAsync("NotOwner()", () => stranger.SendAsync(strangers, "setSlasher", 0, stranger.Address));
    }

    [Fact]
    public async Task Shares_above_one_hundred_percent_are_refused_at_deployment()
    {
        var owner = await L1Account.CreateFundedAsync(anvil);
        foreach (var (slashBps, rewardBps) in new[] { (10_001, 0), (0, 10_001) })
            await L1.AssertRevertsAsync("InvalidParameters()", () => owner.Web3.Eth.DeployContract.EstimateGasAsync(
                Deployment.StakeTableArtifact.Abi, Deployment.StakeTableArtifact.Bytecode, owner.Address,
                L1.Ether(1), 10, 25, slashBps, rewardBps));
        await owner.DeployAsync(Deployment.StakeTableArtifact, L1.Ether(1), 10, 25, 10_000, 10_000);
    }

    [Fact]
    public async Task Only_the_slasher_slashes_and_the_validator_is_jailed_from_the_next_epoch()
    {
        var d = await Deployment.CreateAsync(anvil, slasher: Slasher.Owner);
        var v = await d.RegisterNewAsync(L1.Ether(3));
        var delegator = await L1Account.CreateFundedAsync(anvil);
        await delegator.SendAsync(delegator.At(Deployment.StakeTableArtifact, d.StakeTableAddress), "delegate",
            L1.Ether(1), v.Account.Address);
        await d.MineToEpochAsync(1);
        var evidence = L1.Keccak("two conflicting votes");
        var reporter = await L1Account.CreateFundedAsync(anvil);

        var stranger = await L1Account.CreateFundedAsync(anvil);
        await L1.AssertRevertsAsync("NotSlasher()", () => stranger.SendAsync(
            stranger.At(Deployment.StakeTableArtifact, d.StakeTableAddress), "slash", 0, v.Account.Address, evidence,
            stranger.Address));

        var reporterBefore = await d.BalanceAsync(reporter.Address);
        var receipt = await d.Owner.SendAsync(d.StakeTable, "slash", 0, v.Account.Address, evidence, reporter.Address);
        var (taken, reward) = d.SlashShares(L1.Ether(3));
        Assert.True(L1.HasEvent(receipt, "Slashed(address,uint256,bytes32,uint64)"));
        Assert.True(L1.HasEvent(receipt, "Jailed(address,uint64)"));
        Assert.True(L1.HasEvent(receipt, "ReporterRewarded(address,uint256)"));
        Assert.Equal(reward, await d.BalanceAsync(reporter.Address) - reporterBefore);
        Assert.Equal(taken - reward, await d.CallAsync(d.StakeTable, "slashedTotal"));
        Assert.True(await d.StakeTable.GetFunction("isJailed").CallAsync<bool>(v.Account.Address));

        // The current epoch's weights are final; from the next one the validator (and its delegation) weighs nothing.
        var epoch = await d.CurrentEpochAsync();
        Assert.Equal(L1.Ether(4), await d.CallAsync(d.StakeTable, "weightAt", v.Account.Address, epoch));
        Assert.Equal(BigInteger.Zero, await d.CallAsync(d.StakeTable, "weightAt", v.Account.Address, epoch + 1));
        Assert.Equal(BigInteger.Zero, await d.CallAsync(d.StakeTable, "totalStakeAt", epoch + 1));
        // What is left of its own stake unbonds, and a jailed validator neither takes delegations nor exits.
        var pending = await PendingWithdrawalAsync(d, v.Account.Address);
        Assert.Equal(L1.Ether(3) - taken, pending.Amount);
        var stakeTable = v.Account.At(Deployment.StakeTableArtifact, d.StakeTableAddress);
        await L1.AssertRevertsAsync("ValidatorExited()", () => stranger.SendAsync(
            stranger.At(Deployment.StakeTableArtifact, d.StakeTableAddress), "delegate", L1.Ether(1), v.Account.Address));
        await L1.AssertRevertsAsync("ValidatorExited()", () => v.Account.SendAsync(stakeTable, "requestExit", 0));

        // Other evidence slashes the unbonding stake again without restarting its unbonding or jailing twice.
        receipt = await d.Owner.SendAsync(d.StakeTable, "slash", 0, v.Account.Address, L1.Keccak("another offence"),
            reporter.Address);
        Assert.False(L1.HasEvent(receipt, "Jailed(address,uint64)"));
        var (takenAgain, rewardAgain) = d.SlashShares(pending.Amount);
        var after = await PendingWithdrawalAsync(d, v.Account.Address);
        Assert.Equal(pending.Amount - takenAgain, after.Amount);
        Assert.Equal(pending.UnlockBlock, after.UnlockBlock);
        Assert.Equal(taken - reward + takenAgain - rewardAgain, await d.CallAsync(d.StakeTable, "slashedTotal"));

        // The delegator takes its stake back as usual; the validator withdraws the rest once unbonded.
        await delegator.SendAsync(delegator.At(Deployment.StakeTableArtifact, d.StakeTableAddress), "undelegate", 0,
            v.Account.Address, L1.Ether(1));
        await anvil.MineAsync(d.UnbondingBlocks);
        await v.Account.SendAsync(stakeTable, "withdraw", 0);
    }

    [Fact]
    public async Task Slashing_an_exited_validator_takes_from_its_pending_withdrawal()
    {
        var d = await Deployment.CreateAsync(anvil, slasher: Slasher.Owner);
        var v = await d.RegisterNewAsync(L1.Ether(2));
        await v.Account.SendAsync(v.Account.At(Deployment.StakeTableArtifact, d.StakeTableAddress), "requestExit", 0);

        await d.Owner.SendAsync(d.StakeTable, "slash", 0, v.Account.Address, L1.Keccak("offence"), d.Owner.Address);
        var (taken, reward) = d.SlashShares(L1.Ether(2));
        Assert.Equal(L1.Ether(2) - taken, (await PendingWithdrawalAsync(d, v.Account.Address)).Amount);
        Assert.Equal(taken - reward, await d.CallAsync(d.StakeTable, "slashedTotal"));
        Assert.True(await d.StakeTable.GetFunction("isJailed").CallAsync<bool>(v.Account.Address));
    }

    [Fact]
    public async Task Without_a_reporter_share_everything_slashed_stays_locked()
    {
        var d = await Deployment.CreateAsync(anvil, slashBps: 5_000, rewardBps: 0, slasher: Slasher.Owner);
        var v = await d.RegisterNewAsync(L1.Ether(2));
        var receipt = await d.Owner.SendAsync(d.StakeTable, "slash", 0, v.Account.Address, L1.Keccak("offence"), d.Owner.Address);
        Assert.False(L1.HasEvent(receipt, "ReporterRewarded(address,uint256)"));
        Assert.Equal(L1.Ether(1), await d.CallAsync(d.StakeTable, "slashedTotal"));
        Assert.Equal(L1.Ether(1), (await PendingWithdrawalAsync(d, v.Account.Address)).Amount);
    }

    static async Task<(BigInteger Amount, BigInteger UnlockBlock)> PendingWithdrawalAsync(Deployment d, string account)
    {
        var w = await d.StakeTable.GetFunction("pendingWithdrawal").CallDecodingToDefaultAsync(account);
        return ((BigInteger)w[0].Result, (BigInteger)w[1].Result);
    }
}

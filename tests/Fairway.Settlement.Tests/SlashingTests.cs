using System.Numerics;
using Nethereum.Signer;

namespace Fairway.Settlement.Tests;

/// Slashing through the light client (the stake table's slasher): conflicting settlement signatures, checked
/// on-chain, and evidence attested by more than two thirds of an epoch's stake.
[Collection("anvil")]
public sealed class SlashingTests(AnvilFixture anvil, Xunit.Abstractions.ITestOutputHelper output)
{
    const string SlashReported = "SlashReported(address,bytes32,address)";

    static Task<Nethereum.RPC.Eth.DTOs.TransactionReceipt> ConflictAsync(
        Deployment d, L1Account reporter, BigInteger height, (byte[] Parent, byte[] Output, byte[] Sig) a,
        (byte[] Parent, byte[] Output, byte[] Sig) b) =>
        reporter.SendAsync(reporter.At(Deployment.LightClientArtifact, d.LightClientAddress), "slashConflictingHeaders", 0,
            height, a.Parent, a.Output, a.Sig, b.Parent, b.Output, b.Sig);

    static byte[] EvidenceId(byte[] x, byte[] y)
    {
        var ordered = Convert.ToHexString(x).CompareTo(Convert.ToHexString(y)) < 0 ? new[] { x, y } : [y, x];
        return L1.Keccak([.. ordered[0], .. ordered[1]]);
    }

    [Fact]
    public async Task Two_statements_for_one_height_signed_by_one_key_slash_and_jail_its_validator()
    {
        var (d, v) = await Deployment.FourValidatorsInEpochOneAsync(anvil);
        // The honest statement is settled; validator 0 also signed another one for the same height.
        var (headerA, outputA) = OutputHeaders.V1("output header 1");
        var digestA = d.HeaderDigest(1, d.GenesisHeaderHash, outputA);
        await d.Owner.SendAsync(d.LightClient, "submitHeader", 0, BigInteger.One, BigInteger.One, d.GenesisHeaderHash,
            outputA, headerA, Deployment.Signatures(digestA, v[0].SettlementKey, v[1].SettlementKey, v[2].SettlementKey));
        var outputB = L1.Keccak("a different output header 1");
        var digestB = d.HeaderDigest(1, d.GenesisHeaderHash, outputB);
        var a = (d.GenesisHeaderHash, outputA, L1.Sign(v[0].SettlementKey, digestA));
        var b = (d.GenesisHeaderHash, outputB, L1.Sign(v[0].SettlementKey, digestB));

        var reporter = await L1Account.CreateFundedAsync(anvil);
        var reporterBefore = await d.BalanceAsync(reporter.Address);
        var tableBefore = await d.BalanceAsync(d.StakeTableAddress);
        var receipt = await ConflictAsync(d, reporter, 1, a, b);
        output.WriteLine($"slashConflictingHeaders: {receipt.GasUsed.Value} gas");

        var (taken, reward) = d.SlashShares(L1.Ether(2));
        Assert.True(L1.HasEvent(receipt, SlashReported));
        Assert.True(L1.HasEvent(receipt, "Slashed(address,uint256,bytes32,uint64)"));
        Assert.True(L1.HasEvent(receipt, "Jailed(address,uint64)"));
        Assert.True(L1.HasEvent(receipt, "ReporterRewarded(address,uint256)"));
        var report = receipt.Logs.Single(l => string.Equals(l.Topics[0]?.ToString(), L1.Topic(SlashReported),
            StringComparison.OrdinalIgnoreCase));
        Assert.EndsWith(v[0].Account.Address[2..], report.Topics[1]!.ToString()!, StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith(reporter.Address[2..], report.Topics[2]!.ToString()!, StringComparison.OrdinalIgnoreCase);
        var evidenceId = EvidenceId(digestA, digestB);
        Assert.Equal("0x" + Convert.ToHexStringLower(evidenceId), report.Data.ToString());
        Assert.True(await d.LightClient.GetFunction("evidenceUsed").CallAsync<bool>(evidenceId));

        var gasCost = receipt.GasUsed.Value * receipt.EffectiveGasPrice.Value;
        Assert.Equal(reward - gasCost, await d.BalanceAsync(reporter.Address) - reporterBefore);
        Assert.Equal(reward, tableBefore - await d.BalanceAsync(d.StakeTableAddress));
        Assert.Equal(taken - reward, await d.CallAsync(d.StakeTable, "slashedTotal"));
        Assert.True(await d.StakeTable.GetFunction("isJailed").CallAsync<bool>(v[0].Account.Address));
        Assert.Equal(L1.Ether(2), await d.CallAsync(d.StakeTable, "weightAt", v[0].Account.Address, BigInteger.One));
        Assert.Equal(BigInteger.Zero, await d.CallAsync(d.StakeTable, "weightAt", v[0].Account.Address, new BigInteger(2)));
        Assert.Equal(L1.Ether(4), await d.CallAsync(d.StakeTable, "totalStakeAt", new BigInteger(2)));

        // The same evidence again, in either order, is refused.
        await L1.AssertRevertsAsync("EvidenceAlreadyUsed()", () => ConflictAsync(d, reporter, 1, a, b));
        await L1.AssertRevertsAsync("EvidenceAlreadyUsed()", () => ConflictAsync(d, reporter, 1, b, a));

        // From epoch 2 its signature no longer counts.
        await d.MineToEpochAsync(2);
        var (header2, output2) = OutputHeaders.V1("output header 2");
        var digest2 = d.HeaderDigest(2, digestA, output2);
        await L1.AssertRevertsAsync("SignerWithoutStake(uint256,address)", () => d.Owner.SendAsync(d.LightClient,
            "submitHeader", 0, new BigInteger(2), new BigInteger(2), digestA, output2, header2,
            Deployment.Signatures(digest2, v[0].SettlementKey, v[1].SettlementKey, v[2].SettlementKey, v[3].SettlementKey)));
        // The other three (2 + 1 + 1 of 4) settle without it.
        await d.Owner.SendAsync(d.LightClient, "submitHeader", 0, new BigInteger(2), new BigInteger(2), digestA, output2, header2,
            Deployment.Signatures(digest2, v[1].SettlementKey, v[2].SettlementKey, v[3].SettlementKey));
    }

    [Fact]
    public async Task Statements_that_do_not_conflict_or_are_not_by_one_known_key_slash_nobody()
    {
        var (d, v) = await Deployment.FourValidatorsInEpochOneAsync(anvil);
        var reporter = await L1Account.CreateFundedAsync(anvil);
        var outputA = L1.Keccak("output header 1");
        var outputB = L1.Keccak("a different output header 1");
        var digestA = d.HeaderDigest(1, d.GenesisHeaderHash, outputA);
        var digestB = d.HeaderDigest(1, d.GenesisHeaderHash, outputB);

        // The same statement twice.
        var sig = L1.Sign(v[0].SettlementKey, digestA);
        await L1.AssertRevertsAsync("NotConflicting()", () => ConflictAsync(d, reporter, 1,
            (d.GenesisHeaderHash, outputA, sig), (d.GenesisHeaderHash, outputA, sig)));
        // Two validators signing different statements is no offence of either.
        await L1.AssertRevertsAsync("DifferentSigners()", () => ConflictAsync(d, reporter, 1,
            (d.GenesisHeaderHash, outputA, sig), (d.GenesisHeaderHash, outputB, L1.Sign(v[1].SettlementKey, digestB))));
        // A signature over another height recovers to another address, so it is not by the same key here.
        var otherHeight = L1.Sign(v[0].SettlementKey, d.HeaderDigest(2, d.GenesisHeaderHash, outputB));
        await L1.AssertRevertsAsync("DifferentSigners()", () => ConflictAsync(d, reporter, 1,
            (d.GenesisHeaderHash, outputA, sig), (d.GenesisHeaderHash, outputB, otherHeight)));
        // A key that is no validator's settlement key.
        var stranger = EthECKey.GenerateKey();
        await L1.AssertRevertsAsync("UnknownSigner(address)", () => ConflictAsync(d, reporter, 1,
            (d.GenesisHeaderHash, outputA, L1.Sign(stranger, digestA)), (d.GenesisHeaderHash, outputB, L1.Sign(stranger, digestB))));
        // A malformed signature.
        await L1.AssertRevertsAsync("BadSignature(uint256)", () => ConflictAsync(d, reporter, 1,
            (d.GenesisHeaderHash, outputA, sig), (d.GenesisHeaderHash, outputB, new byte[65])));

        Assert.Equal(BigInteger.Zero, await d.CallAsync(d.StakeTable, "slashedTotal"));
        foreach (var x in v)
            Assert.False(await d.StakeTable.GetFunction("isJailed").CallAsync<bool>(x.Account.Address));
    }

    [Fact]
    public async Task Evidence_attested_by_more_than_two_thirds_of_the_stake_slashes_once()
    {
        var (d, v) = await Deployment.FourValidatorsInEpochOneAsync(anvil);
        var reporter = await L1Account.CreateFundedAsync(anvil);
        var lightClient = reporter.At(Deployment.LightClientArtifact, d.LightClientAddress);
        var offender = v[3].Account.Address;
        var evidenceHash = L1.Keccak("two Ed25519 votes for one round");
        var digest = d.SlashDigest(offender, evidenceHash);
        Assert.Equal(digest, await d.LightClient.GetFunction("slashDigest").CallAsync<byte[]>(offender, evidenceHash));

        // 2 + 1 + 1 = 4 of 6 is exactly two thirds: not enough.
        await L1.AssertRevertsAsync("NotEnoughStake(uint256,uint256)", () => reporter.SendAsync(lightClient,
            "slashByAttestation", 0, offender, evidenceHash, BigInteger.One,
            Deployment.Signatures(digest, v[0].SettlementKey, v[2].SettlementKey, v[3].SettlementKey)));
        // Epoch 2 has not begun.
        var quorum = Deployment.Signatures(digest, v[0].SettlementKey, v[1].SettlementKey, v[2].SettlementKey);
        await L1.AssertRevertsAsync("EpochNotAccepted(uint64,uint64,uint64)", () => reporter.SendAsync(lightClient,
            "slashByAttestation", 0, offender, evidenceHash, new BigInteger(2), quorum));
        // Signatures over the report on another validator do not count for this one.
        await L1.AssertRevertsAsync("SignerWithoutStake(uint256,address)", () => reporter.SendAsync(lightClient,
            "slashByAttestation", 0, v[2].Account.Address, evidenceHash, BigInteger.One, quorum));

        var receipt = await reporter.SendAsync(lightClient, "slashByAttestation", 0, offender, evidenceHash, BigInteger.One, quorum);
        output.WriteLine($"slashByAttestation with 3 signatures: {receipt.GasUsed.Value} gas");
        Assert.True(L1.HasEvent(receipt, SlashReported));
        Assert.True(L1.HasEvent(receipt, "Slashed(address,uint256,bytes32,uint64)"));
        Assert.True(L1.HasEvent(receipt, "Jailed(address,uint64)"));
        var (taken, reward) = d.SlashShares(L1.Ether(1));
        Assert.Equal(taken - reward, await d.CallAsync(d.StakeTable, "slashedTotal"));
        Assert.True(await d.StakeTable.GetFunction("isJailed").CallAsync<bool>(offender));
        Assert.True(await d.LightClient.GetFunction("evidenceUsed").CallAsync<bool>(digest));
        Assert.Equal(BigInteger.Zero, await d.CallAsync(d.StakeTable, "weightAt", offender, new BigInteger(2)));

        await L1.AssertRevertsAsync("EvidenceAlreadyUsed()", () => reporter.SendAsync(lightClient,
            "slashByAttestation", 0, offender, evidenceHash, BigInteger.One, quorum));
    }

    [Fact]
    public async Task Only_the_light_client_slashes_once_it_is_the_slasher()
    {
        var (d, v) = await Deployment.FourValidatorsInEpochOneAsync(anvil);
        var stranger = await L1Account.CreateFundedAsync(anvil);
        var evidence = L1.Keccak("whatever");
        await L1.AssertRevertsAsync("NotSlasher()", () => stranger.SendAsync(
            stranger.At(Deployment.StakeTableArtifact, d.StakeTableAddress), "slash", 0, v[0].Account.Address, evidence,
            stranger.Address));
        // Not even the owner that deployed it and named the slasher.
        await L1.AssertRevertsAsync("NotSlasher()", () => d.Owner.SendAsync(d.StakeTable, "slash", 0,
            v[0].Account.Address, evidence, d.Owner.Address));
        await L1.AssertRevertsAsync("SlasherAlreadySet()", () => d.Owner.SendAsync(d.StakeTable, "setSlasher", 0, d.Owner.Address));
    }
}

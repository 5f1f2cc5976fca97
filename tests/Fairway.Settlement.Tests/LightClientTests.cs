using System.Numerics;
using Nethereum.Signer;

namespace Fairway.Settlement.Tests;

[Collection("anvil")]
public sealed class LightClientTests(AnvilFixture anvil, Xunit.Abstractions.ITestOutputHelper output)
{
    Task<(Deployment D, TestValidator[] V)> FourValidatorsInEpochOneAsync() => Deployment.FourValidatorsInEpochOneAsync(anvil);

    static byte[] Signatures(byte[] digest, params EthECKey[] keys) => Deployment.Signatures(digest, keys);

    static Task SubmitAsync(Deployment d, BigInteger height, BigInteger epoch, byte[] parent, byte[] output, byte[] header, byte[] signatures) =>
        d.Owner.SendAsync(d.LightClient, "submitHeader", 0, height, epoch, parent, output, header, signatures);

    [Fact]
    public async Task A_header_signed_by_more_than_two_thirds_of_the_epoch_stake_is_accepted()
    {
        var (d, v) = await FourValidatorsInEpochOneAsync();
        var (header, output) = OutputHeaders.V1("output header 1");
        var digest = d.HeaderDigest(1, d.GenesisHeaderHash, output);
        Assert.Equal(digest, await d.LightClient.GetFunction("headerDigest").CallAsync<byte[]>(
            BigInteger.One, d.GenesisHeaderHash, output));

        var receipt = await d.Owner.SendAsync(d.LightClient, "submitHeader", 0, BigInteger.One, BigInteger.One,
            d.GenesisHeaderHash, output, header, Signatures(digest, v[0].SettlementKey, v[1].SettlementKey, v[2].SettlementKey));

        Assert.True(L1.HasEvent(receipt, "HeaderAccepted(uint64,uint64,bytes32,bytes32,uint64,uint256,uint256)"));
        Assert.Equal(BigInteger.One, await d.CallAsync(d.LightClient, "lastHeight"));
        Assert.Equal(digest, await d.LightClient.GetFunction("lastHeaderHash").CallAsync<byte[]>());
        Assert.Equal(digest, await d.LightClient.GetFunction("headerHashAt").CallAsync<byte[]>(BigInteger.One));
        Assert.Equal(output, await d.LightClient.GetFunction("outputHashAt").CallAsync<byte[]>(BigInteger.One));
    }

    [Fact]
    public async Task A_header_signed_by_two_thirds_of_the_stake_or_less_is_refused()
    {
        var (d, v) = await FourValidatorsInEpochOneAsync();
        var (header, output) = OutputHeaders.V1("output header 1");
        var digest = d.HeaderDigest(1, d.GenesisHeaderHash, output);

        // 2 + 2 = 4 of 6 and 2 + 1 + 1 = 4 of 6: exactly two thirds, not more.
        await L1.AssertRevertsAsync("NotEnoughStake(uint256,uint256)", () => SubmitAsync(d, 1, 1, d.GenesisHeaderHash,
            output, header, Signatures(digest, v[0].SettlementKey, v[1].SettlementKey)));
        await L1.AssertRevertsAsync("NotEnoughStake(uint256,uint256)", () => SubmitAsync(d, 1, 1, d.GenesisHeaderHash,
            output, header, Signatures(digest, v[0].SettlementKey, v[2].SettlementKey, v[3].SettlementKey)));
        await L1.AssertRevertsAsync("NotEnoughStake(uint256,uint256)", () => SubmitAsync(d, 1, 1, d.GenesisHeaderHash,
            output, header, []));
        Assert.Equal(BigInteger.Zero, await d.CallAsync(d.LightClient, "lastHeight"));
    }

    [Fact]
    public async Task A_statement_signed_in_one_epoch_is_settled_in_the_next_with_either_snapshot()
    {
        var (d, v) = await FourValidatorsInEpochOneAsync();
        var keys = new[] { v[0].SettlementKey, v[1].SettlementKey, v[2].SettlementKey };
        var (header1, output1) = OutputHeaders.V1("output header 1");
        var first = d.HeaderDigest(1, d.GenesisHeaderHash, output1);
        var (header2, output2) = OutputHeaders.V1("output header 2");
        var second = d.HeaderDigest(2, first, output2);
        // Both signed in epoch 1, before either is posted: what is signed does not depend on when it lands.
        var firstSignatures = Signatures(first, keys);
        var secondSignatures = Signatures(second, keys);

        await d.MineToEpochAsync(2);
        await SubmitAsync(d, 1, 1, d.GenesisHeaderHash, output1, header1, firstSignatures);
        var receipt = await d.Owner.SendAsync(d.LightClient, "submitHeader", 0, new BigInteger(2), new BigInteger(2),
            first, output2, header2, secondSignatures);

        Assert.True(L1.HasEvent(receipt, "HeaderAccepted(uint64,uint64,bytes32,bytes32,uint64,uint256,uint256)"));
        Assert.Equal(second, await d.LightClient.GetFunction("lastHeaderHash").CallAsync<byte[]>());
        Assert.Equal(new BigInteger(2), await d.CallAsync(d.LightClient, "lastEpoch"));
        // The snapshot may not go back below the last accepted epoch.
        var (header3, output3) = OutputHeaders.V1("output header 3");
        await L1.AssertRevertsAsync("EpochNotAccepted(uint64,uint64,uint64)", () => SubmitAsync(d, 3, 1, second, output3, header3,
            Signatures(d.HeaderDigest(3, second, output3), keys)));
    }

    [Fact]
    public async Task A_header_with_a_wrong_or_repeated_signer_is_refused()
    {
        var (d, v) = await FourValidatorsInEpochOneAsync();
        var (header, output) = OutputHeaders.V1("output header 1");
        var digest = d.HeaderDigest(1, d.GenesisHeaderHash, output);
        var honest = new[] { v[0].SettlementKey, v[1].SettlementKey, v[2].SettlementKey };

        // A key that is not any validator's settlement key.
        await L1.AssertRevertsAsync("SignerWithoutStake(uint256,address)", () => SubmitAsync(d, 1, 1, d.GenesisHeaderHash,
            output, header, Signatures(digest, [.. honest, EthECKey.GenerateKey()])));
        // A validator's own L1 account key is not its settlement key.
        await L1.AssertRevertsAsync("SignerWithoutStake(uint256,address)", () => SubmitAsync(d, 1, 1, d.GenesisHeaderHash,
            output, header, Signatures(digest, [.. honest, v[3].Account.Key])));
        // Signatures over another output recover to other addresses.
        var other = d.HeaderDigest(1, d.GenesisHeaderHash, L1.Keccak("another output"));
        await L1.AssertRevertsAsync("SignerWithoutStake(uint256,address)", () => SubmitAsync(d, 1, 1, d.GenesisHeaderHash,
            output, header, Signatures(other, honest)));
        // A validator registered in epoch 1 weighs nothing until epoch 2.
        var late = await d.RegisterNewAsync(L1.Ether(10));
        await L1.AssertRevertsAsync("SignerWithoutStake(uint256,address)", () => SubmitAsync(d, 1, 1, d.GenesisHeaderHash,
            output, header, Signatures(digest, [.. honest, late.SettlementKey])));
        // The same signer twice (2 + 2 + 2 would be more than two thirds).
        var twice = L1.Sign(v[0].SettlementKey, digest);
        await L1.AssertRevertsAsync("SignersNotAscending(uint256)", () => SubmitAsync(d, 1, 1, d.GenesisHeaderHash,
            output, header, [.. Signatures(digest, v[0].SettlementKey, v[1].SettlementKey), .. twice]));
        // A signature with the high-s twin (malleated) is refused outright.
        var malleated = Malleate(L1.Sign(v[2].SettlementKey, digest));
        await L1.AssertRevertsAsync("BadSignature(uint256)", () => SubmitAsync(d, 1, 1, d.GenesisHeaderHash,
            output, header, malleated));
        Assert.Equal(BigInteger.Zero, await d.CallAsync(d.LightClient, "lastHeight"));
    }

    [Fact]
    public async Task A_header_that_does_not_extend_the_last_accepted_one_is_refused()
    {
        var (d, v) = await FourValidatorsInEpochOneAsync();
        var keys = new[] { v[0].SettlementKey, v[1].SettlementKey, v[2].SettlementKey };
        var (header1, output1) = OutputHeaders.V1("output header 1");
        var first = d.HeaderDigest(1, d.GenesisHeaderHash, output1);
        await SubmitAsync(d, 1, 1, d.GenesisHeaderHash, output1, header1, Signatures(first, keys));

        // Wrong parent.
        var (header2, output2) = OutputHeaders.V1("output header 2");
        var stray = L1.Random32();
        await L1.AssertRevertsAsync("NotExtending(uint64,bytes32)", () => SubmitAsync(d, 2, 1, stray, output2, header2,
            Signatures(d.HeaderDigest(2, stray, output2), keys)));
        // Right parent, height not above the last.
        await L1.AssertRevertsAsync("NotExtending(uint64,bytes32)", () => SubmitAsync(d, 1, 1, first, output2, header2,
            Signatures(d.HeaderDigest(1, first, output2), keys)));
        // The genesis again.
        await L1.AssertRevertsAsync("NotExtending(uint64,bytes32)", () => SubmitAsync(d, 1, 1, d.GenesisHeaderHash, output1, header1,
            Signatures(first, keys)));

        // Extending it (heights may be skipped) is accepted.
        var (header5, output5) = OutputHeaders.V1("output header 5");
        await SubmitAsync(d, 5, 1, first, output5, header5, Signatures(d.HeaderDigest(5, first, output5), keys));
        Assert.Equal(new BigInteger(5), await d.CallAsync(d.LightClient, "lastHeight"));
    }

    [Fact]
    public async Task A_header_of_an_epoch_without_a_final_stake_snapshot_is_refused()
    {
        var (d, v) = await FourValidatorsInEpochOneAsync();
        var keys = new[] { v[0].SettlementKey, v[1].SettlementKey, v[2].SettlementKey };
        var (header, output) = OutputHeaders.V1("output header 1");

        // Epoch 2 has not begun, so its weights can still change.
        await L1.AssertRevertsAsync("EpochNotAccepted(uint64,uint64,uint64)", () => SubmitAsync(d, 1, 2,
            d.GenesisHeaderHash, output, header, Signatures(d.HeaderDigest(1, d.GenesisHeaderHash, output), keys)));
        // Epoch 0 had no stake (registrations count from the next epoch).
        await L1.AssertRevertsAsync("NoStakeInEpoch(uint64)", () => SubmitAsync(d, 1, 0,
            d.GenesisHeaderHash, output, header, Signatures(d.HeaderDigest(1, d.GenesisHeaderHash, output), keys)));
        // Two epochs later, epoch 1 is too old.
        await d.MineToEpochAsync(3);
        await L1.AssertRevertsAsync("EpochNotAccepted(uint64,uint64,uint64)", () => SubmitAsync(d, 1, 1,
            d.GenesisHeaderHash, output, header, Signatures(d.HeaderDigest(1, d.GenesisHeaderHash, output), keys)));
    }

    [Fact]
    public async Task Each_extra_signature_costs_a_bounded_amount_of_gas()
    {
        // The same statement accepted with three and with four signatures, on two fresh deployments.
        async Task<BigInteger> GasAsync(int signers)
        {
            var (d, v) = await FourValidatorsInEpochOneAsync();
            var (header, outputHash) = OutputHeaders.V1("output header 1");
            var digest = d.HeaderDigest(1, d.GenesisHeaderHash, outputHash);
            var receipt = await d.Owner.SendAsync(d.LightClient, "submitHeader", 0, BigInteger.One, BigInteger.One,
                d.GenesisHeaderHash, outputHash, header, Signatures(digest, [.. v.Take(signers).Select(x => x.SettlementKey)]));
            return receipt.GasUsed.Value;
        }
        var three = await GasAsync(3);
        var four = await GasAsync(4);
        var perSignature = four - three;
        output.WriteLine($"submitHeader: {three} gas with 3 signatures, {four} with 4: {perSignature} per extra signature");
        // ecrecover (3,000), ~1,000 of calldata, the stake table's one cold read (2,100) and the call around it:
        // ~8,050 measured. A bound that catches a second cold read per signer coming back.
        Assert.InRange(perSignature, new BigInteger(6_000), new BigInteger(9_500));
    }

    /// The other valid signature for the same (r, s): s' = n - s, v flipped.
    static byte[] Malleate(byte[] signature)
    {
        var n = BigInteger.Parse("115792089237316195423570985008687907852837564279074904382605163141518161494337",
            System.Globalization.CultureInfo.InvariantCulture);
        var s = new BigInteger(signature.AsSpan(32, 32), isUnsigned: true, isBigEndian: true);
        var result = (byte[])signature.Clone();
        L1.Word(n - s).CopyTo(result, 32);
        result[64] = (byte)(signature[64] == 27 ? 28 : 27);
        return result;
    }
}

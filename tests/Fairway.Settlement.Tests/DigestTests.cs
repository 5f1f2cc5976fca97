using System.Numerics;
using Fairway.Settlement.Dev;
using Nethereum.Signer;
using Nethereum.Util;

namespace Fairway.Settlement.Tests;

/// The digests the library computes locally against the deployed contracts' own view functions, and its signatures
/// against the contracts' recovery, on a real anvil deployed through the library.
public sealed class DigestTests(LibraryL1 l1) : IClassFixture<LibraryL1>
{
    static readonly BigInteger CurveOrder = BigInteger.Parse(
        "0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);

    Nethereum.Contracts.Contract LightClient => l1.Dev.Contract(ContractArtifact.LightClient, l1.Contracts.Addresses.LightClient);
    Nethereum.Contracts.Contract StakeTable => l1.Dev.Contract(ContractArtifact.StakeTable, l1.Contracts.Addresses.StakeTable);

    static string RandomAddress() => AddressUtil.Current.ConvertToChecksumAddress("0x" + Convert.ToHexStringLower(L1.Random32().AsSpan(0, 20)));

    static ulong RandomHeight(int i) => i switch
    {
        0 => 0,
        1 => ulong.MaxValue,
        _ => BitConverter.ToUInt64(L1.Random32(), 0) >> (i % 40),
    };

    [Fact]
    public async Task Header_digest_equals_the_light_clients_for_random_statements()
    {
        var chainId = l1.Dev.ChainId;
        var lightClient = l1.Contracts.Addresses.LightClient;
        for (var i = 0; i < 12; i++)
        {
            var (height, parent, output) = (RandomHeight(i), L1.Random32(), L1.Random32());
            var onChain = await l1.Dev.CallAsync<byte[]>(LightClient, "headerDigest", null, height, parent, output);
            Assert.Equal(Convert.ToHexStringLower(onChain), Convert.ToHexStringLower(SettlementDigests.Header(chainId, lightClient, height, parent, output)));
            // Each input and the domain are bound in: a change to any gives another digest.
            Assert.NotEqual(onChain, SettlementDigests.Header(chainId, lightClient, height ^ 1, parent, output));
            Assert.NotEqual(onChain, SettlementDigests.Header(chainId, lightClient, height, output, parent));
            Assert.NotEqual(onChain, SettlementDigests.Header(chainId + 1, lightClient, height, parent, output));
            Assert.NotEqual(onChain, SettlementDigests.Header(chainId, l1.Contracts.Addresses.StakeTable, height, parent, output));
        }
    }

    [Fact]
    public async Task Slash_report_digest_equals_the_light_clients_for_random_reports()
    {
        var chainId = l1.Dev.ChainId;
        var lightClient = l1.Contracts.Addresses.LightClient;
        for (var i = 0; i < 12; i++)
        {
            var (validator, evidence) = (RandomAddress(), L1.Random32());
            var onChain = await l1.Dev.CallAsync<byte[]>(LightClient, "slashDigest", null, validator, evidence);
            Assert.Equal(Convert.ToHexStringLower(onChain), Convert.ToHexStringLower(SettlementDigests.SlashReport(chainId, lightClient, validator, evidence)));
            Assert.NotEqual(onChain, SettlementDigests.SlashReport(chainId, lightClient, RandomAddress(), evidence));
            Assert.NotEqual(onChain, SettlementDigests.SlashReport(chainId + 1, lightClient, validator, evidence));
        }
    }

    [Fact]
    public async Task Settlement_key_proof_digest_equals_the_stake_tables_for_random_validators()
    {
        var chainId = l1.Dev.ChainId;
        var stakeTable = l1.Contracts.Addresses.StakeTable;
        for (var i = 0; i < 12; i++)
        {
            var validator = i == 0 ? l1.Dev.Sender! : RandomAddress();
            var onChain = await l1.Dev.CallAsync<byte[]>(StakeTable, "settlementKeyDigest", null, validator);
            Assert.Equal(Convert.ToHexStringLower(onChain), Convert.ToHexStringLower(SettlementDigests.SettlementKeyProof(chainId, stakeTable, validator)));
            Assert.NotEqual(onChain, SettlementDigests.SettlementKeyProof(chainId, l1.Contracts.Addresses.LightClient, validator));
        }
    }

    [Fact]
    public async Task A_settlement_key_signature_is_what_the_stake_table_recovers()
    {
        var account = await LibraryL1.FundedAccountAsync(l1.Dev, l1.Anvil.Url);
        var key = SettlementKey.Generate();
        var digest = SettlementDigests.SettlementKeyProof(account.ChainId, l1.Contracts.Addresses.StakeTable, account.Sender!);
        var proof = key.Sign(digest);
        Assert.Equal(key.Address, SettlementKey.Recover(digest, proof));

        var contracts = new L1Contracts(account, l1.Contracts.Addresses);
        await contracts.RegisterAsync(L1.Random32(), key, "127.0.0.1:9000", StakeTableParameters.Devnet.MinStakeWei);

        var head = await l1.Dev.BlockNumberAsync();
        var snapshot = await l1.Contracts.SnapshotAsync(head, (await l1.Dev.BlockHashAsync(head))!);
        var entry = Assert.Single(snapshot.Validators, v => string.Equals(v.Validator, account.Sender, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(key.Address, entry.SettlementKey, ignoreCase: true);
        Assert.Equal("127.0.0.1:9000", entry.Endpoints);
    }

    [Fact]
    public async Task A_high_s_twin_or_a_v_other_than_27_or_28_recovers_nobody_here_and_on_the_stake_table()
    {
        var account = await LibraryL1.FundedAccountAsync(l1.Dev, l1.Anvil.Url);
        var key = SettlementKey.Generate();
        var digest = SettlementDigests.SettlementKeyProof(account.ChainId, l1.Contracts.Addresses.StakeTable, account.Sender!);
        var proof = key.Sign(digest);
        var s = new BigInteger(proof.AsSpan(32, 32), isUnsigned: true, isBigEndian: true);
        Assert.True(s <= CurveOrder / 2, "the library signs with low s");

        var twin = (byte[])proof.Clone();
        L1.Word(CurveOrder - s).CopyTo(twin, 32);
        twin[64] = (byte)(proof[64] == 27 ? 28 : 27);
        // Control: the twin is a valid signature by the same key for plain ECDSA; only the low-s rule refuses it.
        var plain = EthECKey.RecoverFromSignature(EthECDSASignatureFactory.FromComponents(twin[..32], twin[32..64], twin[64]), digest);
        Assert.Equal(key.Address, AddressUtil.Current.ConvertToChecksumAddress(plain.GetPublicAddress()));
        Assert.Null(SettlementKey.Recover(digest, twin));

        byte[][] badV = [[.. proof[..64], (byte)(proof[64] - 27)], [.. proof[..64], 29], [.. proof[..64], 0]];
        foreach (var sig in badV)
            Assert.Null(SettlementKey.Recover(digest, sig));

        var stakeTable = account.Contract(ContractArtifact.StakeTable, l1.Contracts.Addresses.StakeTable);
        var consensusKey = L1.Random32();
        foreach (var sig in badV.Prepend(twin))
        {
            var refused = await Assert.ThrowsAsync<L1Exception>(() => account.SendAsync(
                stakeTable, "register", StakeTableParameters.Devnet.MinStakeWei, CancellationToken.None, consensusKey, key.Address, "e", sig));
            Assert.Contains("BadProofOfPossession", refused.Message, StringComparison.Ordinal);
        }

        // The same call with the signature as made is accepted.
        await account.SendAsync(stakeTable, "register", StakeTableParameters.Devnet.MinStakeWei, CancellationToken.None, consensusKey, key.Address, "e", proof);
    }

    [Fact]
    public void Signing_is_deterministic_and_always_low_s()
    {
        var key = SettlementKey.FromPrivateKeyHex(AnvilProcess.DevAccountKey);
        Assert.Equal("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", key.Address);
        for (var i = 0; i < 64; i++)
        {
            var digest = L1.Random32();
            var sig = key.Sign(digest);
            Assert.Equal(sig, key.Sign(digest));
            Assert.True(new BigInteger(sig.AsSpan(32, 32), isUnsigned: true, isBigEndian: true) <= CurveOrder / 2);
            Assert.Equal(key.Address, SettlementKey.Recover(digest, sig));
        }
    }
}

/// Settlement keys read from files: what is no key must not become one.
public sealed class SettlementKeyFileTests
{
    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")]
    [InlineData("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")]
    [InlineData("0x12")]
    [InlineData("zz0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")]
    public void Outside_the_curve_order_or_not_32_bytes_of_hex_is_a_format_error(string hex) =>
        Assert.Throws<FormatException>(() => SettlementKey.FromPrivateKeyHex(hex));

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000001")]
    [InlineData("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140")]
    public void The_extremes_of_the_order_are_keys(string hex)
    {
        var key = SettlementKey.FromPrivateKeyHex(hex);
        var digest = L1.Random32();
        Assert.Equal(key.Address, SettlementKey.Recover(digest, key.Sign(digest)));
    }
}

using System.Numerics;
using System.Text.Json;
using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.JsonRpc.Client;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Signer;
using Nethereum.Util;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;

namespace Fairway.Settlement.Tests;

/// A compiled contract from contracts/build/<Name>.json.
sealed record Artifact(string Abi, string Bytecode)
{
    public static Artifact Load(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.Root, "contracts", "build", name + ".json")));
        return new Artifact(doc.RootElement.GetProperty("abi").GetRawText(), doc.RootElement.GetProperty("bytecode").GetString()!);
    }
}

/// An L1 account with its own funded key, talking to anvil through Nethereum.
sealed class L1Account
{
    public EthECKey Key { get; }
    public string Address { get; }
    public Web3 Web3 { get; }

    L1Account(EthECKey key, string url)
    {
        Key = key;
        Address = key.GetPublicAddress();
        Web3 = new Web3(new Account(key, AnvilFixture.ChainId), url);
    }

    public static async Task<L1Account> CreateFundedAsync(AnvilFixture anvil)
    {
        var account = new L1Account(EthECKey.GenerateKey(), anvil.Url);
        await anvil.SetBalanceAsync(account.Address, L1.Ether(1_000_000));
        return account;
    }

    public Contract At(Artifact artifact, string address) => Web3.Eth.GetContract(artifact.Abi, address);

    /// Sends a transaction (gas estimated, so a reverting call throws before anything is sent) and waits for it.
    public async Task<TransactionReceipt> SendAsync(Contract contract, string function, BigInteger value, params object[] args)
    {
        var fn = contract.GetFunction(function);
        var gas = await fn.EstimateGasAsync(Address, null, new HexBigInteger(value), args);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var receipt = await fn.SendTransactionAndWaitForReceiptAsync(
            from: Address, gas: new HexBigInteger(gas.Value * 5 / 4 + 10_000), value: new HexBigInteger(value),
            receiptRequestCancellationToken: timeout.Token, functionInput: args);
        Assert.Equal(1, (int)receipt.Status.Value);
        return receipt;
    }

    public async Task<string> DeployAsync(Artifact artifact, params object[] args)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var receipt = await Web3.Eth.DeployContract.SendRequestAndWaitForReceiptAsync(
            artifact.Abi, artifact.Bytecode, Address, new HexBigInteger(8_000_000), timeout, args);
        Assert.Equal(1, (int)receipt.Status.Value);
        return receipt.ContractAddress;
    }
}

static class L1
{
    public static readonly BigInteger WeiPerEther = BigInteger.Pow(10, 18);

    public static BigInteger Ether(decimal ether) => new BigInteger(ether * 1_000_000m) * WeiPerEther / 1_000_000;

    public static byte[] Keccak(byte[] data) => Sha3Keccack.Current.CalculateHash(data);

    public static byte[] Keccak(string text) => Keccak(System.Text.Encoding.UTF8.GetBytes(text));

    /// The 4-byte selector of a custom error or event signature, as 0x-prefixed hex.
    public static string Selector(string signature) => "0x" + Convert.ToHexStringLower(Keccak(signature).AsSpan(0, 4));

    public static string Topic(string signature) => "0x" + Convert.ToHexStringLower(Keccak(signature));

    public static bool HasEvent(TransactionReceipt receipt, string signature) =>
        receipt.Logs.Any(log => log.Topics is { Length: > 0 } topics &&
            string.Equals(topics[0]?.ToString(), Topic(signature), StringComparison.OrdinalIgnoreCase));

    /// One ABI word: a big-endian unsigned integer left-padded to 32 bytes.
    public static byte[] Word(BigInteger value)
    {
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        var word = new byte[32];
        bytes.CopyTo(word, 32 - bytes.Length);
        return word;
    }

    public static byte[] Word(string address) => Word(new BigInteger(Convert.FromHexString(address[2..]), isUnsigned: true, isBigEndian: true));

    /// A settlement signature as the contracts expect it: r || s || v (v 27 or 28), over the digest as is.
    public static byte[] Sign(EthECKey key, byte[] digest)
    {
        var signature = key.SignAndCalculateV(digest);
        var result = new byte[65];
        Pad32(signature.R).CopyTo(result, 0);
        Pad32(signature.S).CopyTo(result, 32);
        result[64] = signature.V[0];
        return result;
    }

    static byte[] Pad32(byte[] bytes) => Word(new BigInteger(bytes, isUnsigned: true, isBigEndian: true));

    public static byte[] Random32()
    {
        var bytes = new byte[32];
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
        return bytes;
    }

    /// Runs `action`, which must revert with the custom error `errorSignature` (e.g. "NotSlasher()"), and, when
    /// `arguments` are given, with exactly these (static) arguments.
    public static async Task AssertRevertsAsync(string errorSignature, Func<Task> action, params BigInteger[] arguments)
    {
        string? data;
        try
        {
            await action();
            data = null;
        }
        catch (Exception ex)
        {
            data = RevertData(ex) ?? throw new Xunit.Sdk.XunitException($"expected revert {errorSignature}, got: {ex}");
        }
        if (data is null) throw new Xunit.Sdk.XunitException($"expected revert {errorSignature}, but it succeeded");
        Assert.StartsWith(Selector(errorSignature), data, StringComparison.OrdinalIgnoreCase);
        if (arguments.Length > 0)
        {
            var expected = Selector(errorSignature) + string.Concat(arguments.Select(a => Convert.ToHexStringLower(Word(a))));
            Assert.Equal(expected, data, ignoreCase: true);
        }
    }

    static string? RevertData(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is SmartContractCustomErrorRevertException custom) return custom.ExceptionEncodedData;
            if (e is RpcResponseException rpc && rpc.RpcError?.Data is { } d) return d.ToString()?.Trim('"');
        }
        return null;
    }
}

using System.Numerics;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.JsonRpc.Client;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;

namespace Fairway.Settlement;

/// <summary>The L1 refused or failed a request: unreachable, a reverted call, a malformed answer. Never a crash of the caller.</summary>
public sealed class L1Exception(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// One account's connection to the L1 through Nethereum, with a bound on every wait: an RPC call, a gas estimate, a
/// receipt. Gas is estimated before every send, so a call the contract would revert fails here, with its reason, and
/// costs nothing.
/// </summary>
public sealed class L1Connection
{
    /// <summary>How long one RPC request may take before it counts as the L1 being unreachable.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long a sent transaction may wait for its receipt.</summary>
    public static readonly TimeSpan ReceiptTimeout = TimeSpan.FromSeconds(60);

    // Nethereum's RPC timeout is one process-wide setting: set once, before any connection is made.
    static L1Connection() => ClientBase.ConnectionTimeout = RequestTimeout;

    private L1Connection(string url, SettlementKey? key, BigInteger chainId)
    {
        Url = url;
        ChainId = chainId;
        Sender = key?.Address;
        var client = new RpcClient(new Uri(url));
        Web3 = key is null ? new Web3(client) : new Web3(new Account(key.Key, chainId), client);
        Web3.TransactionManager.UseLegacyAsDefault = false;
    }

    /// <summary>A connection to a chain whose id is known already (from genesis): nothing is asked of the L1 until used, so a node starts while its L1 is down.</summary>
    public static L1Connection Open(string url, SettlementKey? key, BigInteger chainId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
        {
            throw new L1Exception($"L1 URL {url} is not an http(s) URL");
        }

        return new L1Connection(url, key, chainId);
    }

    public string Url { get; }

    public BigInteger ChainId { get; }

    /// <summary>The address that signs and pays for sends, or null for a read-only connection.</summary>
    public string? Sender { get; }

    public Web3 Web3 { get; }

    /// <summary>Connects (reads the chain id); <paramref name="key"/> null gives a read-only connection.</summary>
    public static async Task<L1Connection> ConnectAsync(string url, SettlementKey? key, CancellationToken cancel = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
        {
            throw new L1Exception($"L1 URL {url} is not an http(s) URL");
        }

        var probe = new Web3(new RpcClient(uri));
        var chainId = await Guard(() => probe.Eth.ChainId.SendRequestAsync(), $"reading the chain id of {url}", cancel).ConfigureAwait(false);
        return new L1Connection(url, key, chainId.Value);
    }

    public Contract Contract(string artifactName, string address) => Web3.Eth.GetContract(ContractArtifact.Load(artifactName).Abi, address);

    public async Task<ulong> BlockNumberAsync(CancellationToken cancel = default) =>
        (ulong)(await Guard(() => Web3.Eth.Blocks.GetBlockNumber.SendRequestAsync(), "reading the block number", cancel).ConfigureAwait(false)).Value;

    /// <summary>The hash of block <paramref name="number"/>, or null if the L1 has no such block (yet, or any more).</summary>
    public async Task<string?> BlockHashAsync(ulong number, CancellationToken cancel = default)
    {
        var block = await Guard(
            () => Web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(new BlockParameter(number)),
            $"reading block {number}", cancel).ConfigureAwait(false);
        return block?.BlockHash;
    }

    public async Task<BigInteger> BalanceAsync(string address, CancellationToken cancel = default) =>
        (await Guard(() => Web3.Eth.GetBalance.SendRequestAsync(address), $"reading the balance of {address}", cancel).ConfigureAwait(false)).Value;

    public Task<TResult> CallAsync<TResult>(Contract contract, string function, BlockParameter? block, params object[] args)
    {
        ArgumentNullException.ThrowIfNull(contract);
        var fn = contract.GetFunction(function);
        return Guard(
            () => block is null ? fn.CallAsync<TResult>(args) : fn.CallAsync<TResult>(block, args),
            $"calling {function}", CancellationToken.None);
    }

    /// <summary>A typed view call (for functions returning structs or several values), with the same bounds and errors as <see cref="CallAsync{TResult}"/>.</summary>
    public Task<TOutput> QueryAsync<TFunction, TOutput>(TFunction message, string contract, BlockParameter? block)
        where TFunction : FunctionMessage, new()
        where TOutput : IFunctionOutputDTO, new()
    {
        var handler = Web3.Eth.GetContractQueryHandler<TFunction>();
        return Guard(() => handler.QueryDeserializingToObjectAsync<TOutput>(message, contract, block), $"calling {FunctionName<TFunction>()}", CancellationToken.None);
    }

    private static string FunctionName<TFunction>() =>
        System.Reflection.CustomAttributeExtensions.GetCustomAttribute<FunctionAttribute>(typeof(TFunction))?.Name ?? typeof(TFunction).Name;

    /// <summary>Estimates, sends and waits for the receipt; a revert (at estimation or in the receipt) throws <see cref="L1Exception"/>.</summary>
    public async Task<TransactionReceipt> SendAsync(Contract contract, string function, BigInteger value, CancellationToken cancel, params object[] args)
    {
        ArgumentNullException.ThrowIfNull(contract);
        var from = Sender ?? throw new L1Exception("a read-only L1 connection cannot send transactions");
        var fn = contract.GetFunction(function);
        TransactionReceipt receipt;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var gas = await Guard(() => fn.EstimateGasAsync(from, null, new HexBigInteger(value), args), $"{function} (gas estimate)", cancel).ConfigureAwait(false);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                timeout.CancelAfter(ReceiptTimeout);
                receipt = await Guard(
                    () => fn.SendTransactionAndWaitForReceiptAsync(
                        from: from, gas: new HexBigInteger((gas.Value * 5 / 4) + 10_000), value: new HexBigInteger(value),
                        receiptRequestCancellationToken: timeout.Token, functionInput: args),
                    function, cancel).ConfigureAwait(false);
                break;
            }
            catch (L1Exception e) when (attempt < NonceRetries && IsNonceConflict(e))
            {
                // Another sender of this account (its validator's relayer, an operator's command) took the nonce first;
                // nothing of ours was accepted, so ask again for the next nonce once that transaction is mined.
                if (Web3.TransactionManager.Account?.NonceService is { } nonces)
                {
                    await nonces.ResetNonceAsync().ConfigureAwait(false);
                }

                await Task.Delay(NonceRetryDelay, cancel).ConfigureAwait(false);
            }
        }

        if (receipt.Status?.Value != 1)
        {
            throw new L1Exception($"{function} reverted in transaction {receipt.TransactionHash}");
        }

        return receipt;
    }

    private const int NonceRetries = 4;
    private static readonly TimeSpan NonceRetryDelay = TimeSpan.FromSeconds(1.5);

    /// <summary>The L1 refused a send because the nonce it used was taken: a retry with a fresh nonce is safe (not "already known", which is this very transaction).</summary>
    private static bool IsNonceConflict(L1Exception e) =>
        e.Message.Contains("replacement transaction underpriced", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("nonce too low", StringComparison.OrdinalIgnoreCase);

    public async Task<string> DeployAsync(string artifactName, CancellationToken cancel, params object[] args)
    {
        var from = Sender ?? throw new L1Exception("a read-only L1 connection cannot deploy");
        var artifact = ContractArtifact.Load(artifactName);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(ReceiptTimeout);
        var receipt = await Guard(
            () => Web3.Eth.DeployContract.SendRequestAndWaitForReceiptAsync(
                artifact.Abi, artifact.Bytecode, from, new HexBigInteger(8_000_000), timeout, args),
            $"deploying {artifactName}", cancel).ConfigureAwait(false);
        if (receipt.Status?.Value != 1 || string.IsNullOrEmpty(receipt.ContractAddress))
        {
            throw new L1Exception($"deploying {artifactName} failed in transaction {receipt.TransactionHash}");
        }

        return receipt.ContractAddress;
    }

    /// <summary>Most L1 blocks one event query spans: a node asks for the blocks it has not read, a few at a time.</summary>
    public const ulong EventBlocksPerQueryMax = 10_000;

    /// <summary>The events of type <typeparamref name="TEvent"/> a contract emitted in blocks <paramref name="from"/>..<paramref name="to"/>, in chain order.</summary>
    public Task<List<Nethereum.Contracts.EventLog<TEvent>>> EventsAsync<TEvent>(string contract, ulong from, ulong to, CancellationToken cancel = default)
        where TEvent : IEventDTO, new()
    {
        if (to < from || to - from >= EventBlocksPerQueryMax)
        {
            throw new ArgumentOutOfRangeException(nameof(to), $"blocks {from}..{to}: one query spans 1 to {EventBlocksPerQueryMax} blocks");
        }

        var handler = Web3.Eth.GetEvent<TEvent>(contract);
        return Guard(
            () => handler.GetAllChangesAsync(handler.CreateFilterInput(new BlockParameter(from), new BlockParameter(to))),
            $"reading {typeof(TEvent).Name} events of blocks {from}..{to}", cancel);
    }

    /// <summary>Development chains only (anvil): sets an account's balance.</summary>
    public Task SetBalanceAsync(string address, BigInteger wei, CancellationToken cancel = default) =>
        Guard(() => Web3.Client.SendRequestAsync<object>("anvil_setBalance", null, address, new HexBigInteger(wei).HexValue), "anvil_setBalance", cancel);

    /// <summary>Development chains only (anvil): mines <paramref name="blocks"/> empty blocks at once.</summary>
    public Task MineAsync(ulong blocks, CancellationToken cancel = default) =>
        Guard(() => Web3.Client.SendRequestAsync<object>("anvil_mine", null, new HexBigInteger(blocks).HexValue), "anvil_mine", cancel);

    /// <summary>Runs an L1 request with a time bound, turning every failure into an <see cref="L1Exception"/> that names what was tried.</summary>
    private static async Task<T> Guard<T>(Func<Task<T>> request, string what, CancellationToken cancel)
    {
        try
        {
            return await request().WaitAsync(ReceiptTimeout + RequestTimeout, cancel).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw;
        }
        catch (SmartContractCustomErrorRevertException e)
        {
            throw new L1Exception($"{what}: the contract refused it ({RevertName(e.ExceptionEncodedData)})", e);
        }
        catch (SmartContractRevertException e)
        {
            throw new L1Exception($"{what}: the contract refused it ({e.RevertMessage})", e);
        }
        catch (RpcResponseException e)
        {
            var data = e.RpcError?.Data?.ToString()?.Trim('"');
            throw new L1Exception($"{what}: {e.RpcError?.Message ?? e.Message}{(data is { Length: >= 10 } ? $" ({RevertName(data)})" : "")}", e);
        }
        catch (Exception e) when (e is RpcClientUnknownException or RpcClientTimeoutException or HttpRequestException or TimeoutException or OperationCanceledException or IOException)
        {
            throw new L1Exception($"{what}: the L1 did not answer ({e.Message})", e);
        }
        catch (Exception e) when (e is not L1Exception and not OutOfMemoryException)
        {
            // Nethereum reports malformed answers and encoding failures with plain exceptions: still the L1 side's failure, never the node's crash.
            throw new L1Exception($"{what}: {e.Message}", e);
        }
    }

    private static async Task Guard(Func<Task<object>> request, string what, CancellationToken cancel) =>
        await Guard<object>(request, what, cancel).ConfigureAwait(false);

    /// <summary>The contracts' custom errors by selector, so a refusal reads "NotExtending" and not a hex string.</summary>
    public static string RevertName(string? data) => ContractErrors.Name(data);
}

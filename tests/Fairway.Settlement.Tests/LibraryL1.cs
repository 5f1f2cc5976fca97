using System.Numerics;
using Fairway.Settlement.Dev;
using Nethereum.RPC.Eth.DTOs;

namespace Fairway.Settlement.Tests;

/// A fresh anvil started and deployed to through the library alone (AnvilProcess, L1Connection, L1Contracts).
public sealed class LibraryL1 : IAsyncLifetime
{
    AnvilProcess? _anvil;

    public AnvilProcess Anvil => _anvil ?? throw new InvalidOperationException("not started");
    public L1Connection Dev { get; private set; } = null!;
    public L1Contracts Contracts { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _anvil = await AnvilProcess.StartAsync();
        Dev = await L1Connection.ConnectAsync(_anvil.Url, SettlementKey.FromPrivateKeyHex(AnvilProcess.DevAccountKey));
        Contracts = await L1Contracts.DeployAsync(Dev, StakeTableParameters.Devnet);
    }

    public async Task DisposeAsync()
    {
        if (_anvil is not null) await _anvil.DisposeAsync();
    }

    /// A new funded L1 account on `url`, with its own connection.
    public static async Task<L1Connection> FundedAccountAsync(L1Connection funder, string url)
    {
        var conn = await L1Connection.ConnectAsync(url, SettlementKey.Generate());
        await funder.SetBalanceAsync(conn.Sender!, BigInteger.Pow(10, 24));
        return conn;
    }

    /// Registers a fresh validator (its own funded account, a new settlement key, the minimum stake) through the library.
    public static async Task<SettlementKey> RegisterValidatorAsync(L1Connection funder, L1Addresses addresses)
    {
        var account = await FundedAccountAsync(funder, funder.Url);
        var key = SettlementKey.Generate();
        await new L1Contracts(account, addresses).RegisterAsync(L1.Random32(), key, "127.0.0.1:1", StakeTableParameters.Devnet.MinStakeWei);
        return key;
    }

    public static async Task<BlockWithTransactionHashes> BlockAsync(L1Connection l1, ulong number) =>
        await l1.Web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(new BlockParameter(number));
}

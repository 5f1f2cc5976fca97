using System.Numerics;
using Fairway.Settlement;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace Fairway.Cli.Commands;

/// <summary>
/// An account's unbonding stake in the stake table (<c>pendingWithdrawal(account)</c>), read so that <c>unstake</c>
/// can name the unlock block: the contract's <c>StillUnbonding(unlockBlock)</c> revert carries it, but only as data.
/// </summary>
internal sealed record PendingWithdrawal(BigInteger AmountWei, ulong UnlockBlock)
{
    public static async Task<PendingWithdrawal> ReadAsync(L1Contracts contracts, string account)
    {
        ArgumentNullException.ThrowIfNull(contracts);
        var handler = contracts.Connection.Web3.Eth.GetContractQueryHandler<PendingWithdrawalFunction>();
        try
        {
            var output = await handler.QueryDeserializingToObjectAsync<PendingWithdrawalOutput>(
                new PendingWithdrawalFunction { Account = account }, contracts.Addresses.StakeTable)
                .WaitAsync(L1Connection.RequestTimeout).ConfigureAwait(false);
            return new PendingWithdrawal(output.Amount, (ulong)output.UnlockBlock);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new L1Exception($"reading the pending withdrawal of {account}: {e.Message}", e);
        }
    }

    [Function("pendingWithdrawal", typeof(PendingWithdrawalOutput))]
    private sealed class PendingWithdrawalFunction : FunctionMessage
    {
        [Parameter("address", "", 1)]
        public string Account { get; set; } = "";
    }

    [FunctionOutput]
    private sealed class PendingWithdrawalOutput : IFunctionOutputDTO
    {
        [Parameter("uint256", "amount", 1)]
        public BigInteger Amount { get; set; }

        [Parameter("uint256", "unlockBlock", 2)]
        public BigInteger UnlockBlock { get; set; }
    }
}

using System.Numerics;
using Fairway.Settlement;

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
        var (amount, unlock) = await contracts.PendingWithdrawalAsync(account).ConfigureAwait(false);
        return new PendingWithdrawal(amount, unlock);
    }
}

using System.CommandLine;
using System.Globalization;

namespace Fairway.Cli.Commands;

/// <summary>
/// <c>fairway unstake</c>: a validator's exit, a delegator's undelegation, or the withdrawal of what finished
/// unbonding. Same output conventions as <c>fairway stake</c>.
/// </summary>
internal static class UnstakeCommand
{
    private const string Name = "unstake";

    public static Command Create()
    {
        var l1 = L1Cli.L1Url();
        var stakeTable = new Option<string>("--stake-table") { Description = "the stake table contract's address", Required = true };
        var key = L1Cli.KeyFile();
        var validator = new Option<string?>("--validator") { Description = "undelegate --amount from this validator (without it: the --key account, a validator, exits)" };
        var amount = new Option<string?>("--amount") { Description = "with --validator: ether to undelegate" };
        var withdraw = new Option<bool>("--withdraw")
        {
            Description = "withdraw what finished unbonding to the --key account (alone: refused with the unlock block while still unbonding)",
        };
        var json = L1Cli.Json();
        var command = new Command(
            Name,
            "without --validator: the --key account's validator exits (weight zero from the next epoch, its own stake unbonds); "
            + "with --validator and --amount: undelegate; --withdraw: take back what finished unbonding")
        {
            l1, stakeTable, key, validator, amount, withdraw, json,
        };
        command.SetAction((result, ct) => L1Cli.RunAsync(Name, async cancel =>
        {
            var table = L1Cli.Address(result.GetValue(stakeTable), "--stake-table");
            var from = result.GetValue(validator) is { } v ? L1Cli.Address(v, "--validator") : null;
            var amountText = result.GetValue(amount);
            var isWithdraw = result.GetValue(withdraw);
            if (isWithdraw && (from is not null || amountText is not null))
            {
                throw new UsageException("--withdraw takes no --validator or --amount: exit or undelegate first, withdraw once the unbonding is over");
            }

            if ((from is null) != (amountText is null))
            {
                throw new UsageException("undelegating needs both --validator ADDR and --amount ETHER");
            }

            var wei = amountText is null ? 0 : L1Cli.Ether(amountText, "--amount");
            var settlementKey = L1Cli.ReadKey(result.GetValue(key)!);
            var contracts = await L1Cli.ConnectToStakeTableAsync(result.GetValue(l1)!, settlementKey, table, cancel).ConfigureAwait(false);
            var account = settlementKey.Address;
            var asJson = result.GetValue(json);
            if (isWithdraw)
            {
                var pending = await PendingWithdrawal.ReadAsync(contracts, account).ConfigureAwait(false);
                if (pending.AmountWei.IsZero)
                {
                    throw new Settlement.L1Exception($"{account} has nothing to withdraw (no exit or undelegation is unbonding)");
                }

                // Checked against the next block, where the withdrawal would land: the contract compares block.number.
                var next = await contracts.Connection.BlockNumberAsync(cancel).ConfigureAwait(false) + 1;
                if (next < pending.UnlockBlock)
                {
                    throw new Settlement.L1Exception(
                        $"{L1Cli.FormatEther(pending.AmountWei)} ether of {account} is still unbonding: it unlocks at L1 block {pending.UnlockBlock} (the next block is {next})");
                }

                var receipt = await contracts.WithdrawAsync(cancel).ConfigureAwait(false);
                L1Cli.Report(
                    asJson,
                    $"withdrew {L1Cli.FormatEther(pending.AmountWei)} ether to {account} in transaction {receipt.TransactionHash}",
                    new { action = "withdrew", account, amount_ether = L1Cli.FormatEther(pending.AmountWei), amount_wei = pending.AmountWei.ToString(CultureInfo.InvariantCulture), transaction = receipt.TransactionHash });
                return 0;
            }

            var tx = from is null
                ? await contracts.RequestExitAsync(cancel).ConfigureAwait(false)
                : await contracts.UndelegateAsync(from, wei, cancel).ConfigureAwait(false);
            var epoch = await StakeCommand.EffectiveEpochAsync(contracts, tx).ConfigureAwait(false);
            var unlock = (await PendingWithdrawal.ReadAsync(contracts, account).ConfigureAwait(false)).UnlockBlock;
            if (from is null)
            {
                L1Cli.Report(
                    asJson,
                    $"validator {account} exits in transaction {tx.TransactionHash}: its weight is zero from epoch {epoch}; its stake unlocks at L1 block {unlock} (then fairway unstake --withdraw)",
                    new { action = "exited", account, validator = account, transaction = tx.TransactionHash, effective_epoch = epoch, unlock_block = unlock });
            }
            else
            {
                L1Cli.Report(
                    asJson,
                    $"undelegated {L1Cli.FormatEther(wei)} ether of {account} from validator {from} in transaction {tx.TransactionHash}: it stops counting from epoch {epoch}; it unlocks at L1 block {unlock} (then fairway unstake --withdraw)",
                    new { action = "undelegated", account, validator = from, amount_ether = L1Cli.FormatEther(wei), amount_wei = wei.ToString(CultureInfo.InvariantCulture), transaction = tx.TransactionHash, effective_epoch = epoch, unlock_block = unlock });
            }

            return 0;
        }, ct));
        return command;
    }
}

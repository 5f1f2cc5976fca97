using System.CommandLine;
using System.Globalization;
using Fairway.Settlement;
using Nethereum.RPC.Eth.DTOs;

namespace Fairway.Cli.Commands;

/// <summary>
/// <c>fairway stake</c>: registers the key's account as a validator, or delegates to one. Prints what happened, the
/// transaction and the epoch from which the stake counts (the stake table's epoch at the transaction's block, plus one).
/// </summary>
internal static class StakeCommand
{
    private const string Name = "stake";

    public static Command Create()
    {
        var l1 = L1Cli.L1Url();
        var stakeTable = new Option<string>("--stake-table") { Description = "the stake table contract's address", Required = true };
        var key = L1Cli.KeyFile();
        var amount = new Option<string>("--amount") { Description = "ether to stake (registering: at least the stake table's minimum)", Required = true };
        var validator = new Option<string?>("--validator") { Description = "delegate --amount to this validator's account instead of registering" };
        var consensusKey = new Option<string?>("--consensus-key") { Description = "registering: the validator's Ed25519 key file (fairway keys generate); its public key is registered" };
        var endpoints = new Option<string?>("--endpoints") { Description = "registering: where the validator is reached, e.g. its API URL" };
        var json = L1Cli.Json();
        var command = new Command(
            Name,
            "register the --key account as a validator (with --consensus-key and --endpoints; the settlement key file pays and is the "
            + "validator's settlement key), or with --validator delegate to one. The stake table has no top-up: registering an account "
            + "that is already registered is refused (exit 1); to add stake to a validator, delegate to it from another account. "
            + "Stake counts from the next epoch.")
        {
            l1, stakeTable, key, amount, validator, consensusKey, endpoints, json,
        };
        command.SetAction((result, ct) => L1Cli.RunAsync(Name, async cancel =>
        {
            var table = L1Cli.Address(result.GetValue(stakeTable), "--stake-table");
            var wei = L1Cli.Ether(result.GetValue(amount), "--amount");
            var delegateTo = result.GetValue(validator) is { } v ? L1Cli.Address(v, "--validator") : null;
            var consensusPath = result.GetValue(consensusKey);
            var endpointText = result.GetValue(endpoints);
            if (delegateTo is not null && (consensusPath is not null || endpointText is not null))
            {
                throw new UsageException("--validator delegates: it takes no --consensus-key or --endpoints");
            }

            if (delegateTo is null && (consensusPath is null || string.IsNullOrWhiteSpace(endpointText)))
            {
                throw new UsageException("registering needs --consensus-key FILE and --endpoints TEXT (or give --validator ADDR to delegate)");
            }

            var settlementKey = L1Cli.ReadKey(result.GetValue(key)!);
            var consensus = consensusPath is null ? null : Fairway.Node.Keys.KeyFile.Read(consensusPath).PublicKey.ToArray();
            var contracts = await L1Cli.ConnectToStakeTableAsync(result.GetValue(l1)!, settlementKey, table, cancel).ConfigureAwait(false);
            var account = settlementKey.Address;
            var asJson = result.GetValue(json);
            if (delegateTo is null)
            {
                TransactionReceipt receipt;
                try
                {
                    receipt = await contracts.RegisterAsync(consensus!, settlementKey, endpointText!, wei, cancel).ConfigureAwait(false);
                }
                catch (L1Exception e) when (e.Message.Contains("AlreadyRegistered", StringComparison.Ordinal))
                {
                    throw new L1Exception(
                        $"{account} is already registered as a validator, and the stake table has no top-up of a validator's own stake; "
                        + "to add stake, delegate to it from another account (fairway stake --validator " + account + ")", e);
                }

                var epoch = await EffectiveEpochAsync(contracts, receipt).ConfigureAwait(false);
                L1Cli.Report(
                    asJson,
                    $"registered {account} as a validator with {L1Cli.FormatEther(wei)} ether in transaction {receipt.TransactionHash}; its stake counts from epoch {epoch}",
                    new { action = "registered", account, validator = account, amount_ether = L1Cli.FormatEther(wei), amount_wei = wei.ToString(CultureInfo.InvariantCulture), transaction = receipt.TransactionHash, effective_epoch = epoch });
            }
            else
            {
                var receipt = await contracts.DelegateAsync(delegateTo, wei, cancel).ConfigureAwait(false);
                var epoch = await EffectiveEpochAsync(contracts, receipt).ConfigureAwait(false);
                L1Cli.Report(
                    asJson,
                    $"delegated {L1Cli.FormatEther(wei)} ether from {account} to validator {delegateTo} in transaction {receipt.TransactionHash}; it counts from epoch {epoch}",
                    new { action = "delegated", account, validator = delegateTo, amount_ether = L1Cli.FormatEther(wei), amount_wei = wei.ToString(CultureInfo.InvariantCulture), transaction = receipt.TransactionHash, effective_epoch = epoch });
            }

            return 0;
        }, ct));
        return command;
    }

    /// <summary>The epoch from which a change made in <paramref name="receipt"/> counts: the one after the epoch of its block.</summary>
    public static async Task<ulong> EffectiveEpochAsync(L1Contracts contracts, TransactionReceipt receipt) =>
        await contracts.CurrentEpochAsync(new BlockParameter(receipt.BlockNumber)).ConfigureAwait(false) + 1;
}

using System.Text.Json;
using Fairway.Node.Keys;

namespace Fairway.Cli.Tests;

/// <summary><c>fairway keys settlement</c>, <c>fairway stake</c> and <c>fairway unstake</c> against a real anvil with the contracts deployed.</summary>
public sealed class StakeCommandTests
{
    [Fact]
    public void Keys_settlement_writes_an_owner_only_key_file_and_prints_only_its_address()
    {
        var dir = Directory.CreateTempSubdirectory("fairway-keys-").FullName;
        var path = Path.Combine(dir, "settlement.json");
        try
        {
            var (exit, stdout, stderr) = FairwayProcess.Run("keys", "settlement", "--out", path);

            Assert.True(exit == 0, stderr);
            var key = SettlementKeyFile.Read(path);
            Assert.Equal(key.Address, stdout.Trim());
            Assert.DoesNotContain(key.PrivateKeyHex, stdout + stderr, StringComparison.OrdinalIgnoreCase);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }

            var again = FairwayProcess.Run("keys", "settlement", "--out", path);
            Assert.Equal(2, again.ExitCode);
            Assert.Contains("already exists", again.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Stake_registers_the_account_and_the_stake_table_lists_it_from_the_printed_epoch()
    {
        await using var chain = await L1TestChain.StartAsync();
        var (key, keyPath) = await chain.FundedKeyAsync("validator");
        var consensusPath = chain.ConsensusKey("validator");

        var (exit, stdout, stderr) = FairwayProcess.Run(
            "stake", "--l1", chain.Url, "--stake-table", chain.StakeTable, "--key", keyPath, "--amount", "12.5",
            "--consensus-key", consensusPath, "--endpoints", "http://127.0.0.1:27100", "--json");

        Assert.True(exit == 0, stderr);
        Assert.DoesNotContain(key.PrivateKeyHex, stdout + stderr, StringComparison.OrdinalIgnoreCase);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal("registered", root.GetProperty("action").GetString());
        Assert.Equal(key.Address, root.GetProperty("account").GetString());
        Assert.Equal("12500000000000000000", root.GetProperty("amount_wei").GetString());
        Assert.StartsWith("0x", root.GetProperty("transaction").GetString(), StringComparison.Ordinal);
        var effective = root.GetProperty("effective_epoch").GetUInt64();
        Assert.Equal(await chain.Contracts.CurrentEpochAsync() + 1, effective);

        Assert.Equal(0, (await chain.EntryAsync(key.Address))!.Weight);
        await chain.MineEpochAsync();
        var snapshot = await chain.SnapshotAsync();
        Assert.True(snapshot.Epoch >= effective);
        var entry = Assert.Single(snapshot.Validators);
        Assert.Equal(key.Address, entry.Validator, ignoreCase: true);
        Assert.Equal(key.Address, entry.SettlementKey, ignoreCase: true);
        Assert.Equal(KeyFile.Read(consensusPath).PublicKey.ToHex(), entry.ConsensusKeyHex);
        Assert.Equal("http://127.0.0.1:27100", entry.Endpoints);
        Assert.Equal(L1TestChain.Ether(25) / 2, entry.Weight);

        // No top-up: a second registration is refused, saying so.
        var again = FairwayProcess.Run(
            "stake", "--l1", chain.Url, "--stake-table", chain.StakeTable, "--key", keyPath, "--amount", "10",
            "--consensus-key", consensusPath, "--endpoints", "x");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already registered", again.Stderr, StringComparison.Ordinal);
        Assert.Contains("no top-up", again.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delegating_adds_weight_from_the_next_epoch_and_undelegating_takes_it_away()
    {
        await using var chain = await L1TestChain.StartAsync();
        var (validator, _) = await chain.FundedKeyAsync("validator");
        await chain.RegisterAsync(validator, "validator", L1TestChain.Ether(10));
        var (delegator, delegatorPath) = await chain.FundedKeyAsync("delegator");

        var (exit, stdout, stderr) = FairwayProcess.Run(
            "stake", "--l1", chain.Url, "--stake-table", chain.StakeTable, "--key", delegatorPath, "--amount", "5", "--validator", validator.Address);

        Assert.True(exit == 0, stderr);
        Assert.StartsWith($"delegated 5 ether from {delegator.Address} to validator {validator.Address} in transaction 0x", stdout, StringComparison.Ordinal);
        var epoch = await chain.Contracts.CurrentEpochAsync();
        Assert.Contains($"counts from epoch {epoch + 1}", stdout, StringComparison.Ordinal);
        await chain.MineEpochAsync();
        var entry = (await chain.EntryAsync(validator.Address))!;
        Assert.Equal(L1TestChain.Ether(5), entry.DelegatedStake);
        Assert.Equal(L1TestChain.Ether(15), entry.Weight);

        var undelegated = FairwayProcess.Run(
            "unstake", "--l1", chain.Url, "--stake-table", chain.StakeTable, "--key", delegatorPath, "--validator", validator.Address, "--amount", "2", "--json");
        Assert.True(undelegated.ExitCode == 0, undelegated.Stderr);
        using var json = JsonDocument.Parse(undelegated.Stdout);
        Assert.Equal("undelegated", json.RootElement.GetProperty("action").GetString());
        Assert.True(json.RootElement.GetProperty("unlock_block").GetUInt64() > await chain.Owner.BlockNumberAsync());
        await chain.MineEpochAsync();
        Assert.Equal(L1TestChain.Ether(13), (await chain.EntryAsync(validator.Address))!.Weight);

        // More than is delegated: the contract's reason, exit 1.
        var tooMuch = FairwayProcess.Run(
            "unstake", "--l1", chain.Url, "--stake-table", chain.StakeTable, "--key", delegatorPath, "--validator", validator.Address, "--amount", "4");
        Assert.Equal(1, tooMuch.ExitCode);
        Assert.Contains("InsufficientDelegation", tooMuch.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unstake_exits_the_validator_and_withdraw_waits_for_the_unlock_block()
    {
        await using var chain = await L1TestChain.StartAsync();
        var (validator, keyPath) = await chain.FundedKeyAsync("validator");
        await chain.RegisterAsync(validator, "validator", L1TestChain.Ether(10));
        await chain.MineEpochAsync();
        Assert.Equal(L1TestChain.Ether(10), (await chain.EntryAsync(validator.Address))!.Weight);

        var (exit, stdout, stderr) = FairwayProcess.Run("unstake", "--l1", chain.Url, "--stake-table", chain.StakeTable, "--key", keyPath, "--json");

        Assert.True(exit == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("exited", json.RootElement.GetProperty("action").GetString());
        var unlock = json.RootElement.GetProperty("unlock_block").GetUInt64();
        Assert.Equal(await chain.Contracts.CurrentEpochAsync() + 1, json.RootElement.GetProperty("effective_epoch").GetUInt64());
        Assert.Equal(L1TestChain.Ether(10), (await chain.EntryAsync(validator.Address))!.Weight);
        await chain.MineEpochAsync();
        var exited = (await chain.EntryAsync(validator.Address))!;
        Assert.True(exited.Exited);
        Assert.Equal(0, exited.Weight);

        var early = FairwayProcess.Run("unstake", "--l1", chain.Url, "--stake-table", chain.StakeTable, "--key", keyPath, "--withdraw");
        Assert.Equal(1, early.ExitCode);
        Assert.Contains("still unbonding", early.Stderr, StringComparison.Ordinal);
        Assert.Contains($"unlocks at L1 block {unlock}", early.Stderr, StringComparison.Ordinal);

        var now = await chain.Owner.BlockNumberAsync();
        await chain.Owner.MineAsync(unlock - now);
        var before = await chain.Owner.BalanceAsync(validator.Address);
        var withdrawn = FairwayProcess.Run("unstake", "--l1", chain.Url, "--stake-table", chain.StakeTable, "--key", keyPath, "--withdraw");
        Assert.True(withdrawn.ExitCode == 0, withdrawn.Stderr);
        Assert.StartsWith($"withdrew 10 ether to {validator.Address} in transaction 0x", withdrawn.Stdout, StringComparison.Ordinal);
        var gained = await chain.Owner.BalanceAsync(validator.Address) - before;
        Assert.InRange(gained, L1TestChain.Ether(9), L1TestChain.Ether(10));

        var nothing = FairwayProcess.Run("unstake", "--l1", chain.Url, "--stake-table", chain.StakeTable, "--key", keyPath, "--withdraw");
        Assert.Equal(1, nothing.ExitCode);
        Assert.Contains("nothing to withdraw", nothing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_flags_key_files_and_an_unreachable_L1_give_one_line_errors_and_exit_codes()
    {
        await using var chain = await L1TestChain.StartAsync();
        var (key, keyPath) = await chain.FundedKeyAsync("validator");
        var consensusPath = chain.ConsensusKey("validator");
        string[] common = ["--l1", chain.Url, "--stake-table", chain.StakeTable];

        var cases = new (string[] Args, int Exit, string Message)[]
        {
            ([.. common, "--key", keyPath, "--amount", "10"], 2, "registering needs --consensus-key"),
            ([.. common, "--key", keyPath, "--amount", "ten", "--validator", key.Address], 2, "--amount must be an amount of ether"),
            ([.. common, "--key", keyPath, "--amount", "0", "--validator", key.Address], 2, "more than zero"),
            ([.. common, "--key", keyPath, "--amount", "1", "--validator", "0x1234"], 2, "--validator must be an L1 address"),
            (["--l1", chain.Url, "--stake-table", "nope", "--key", keyPath, "--amount", "1", "--validator", key.Address], 2, "--stake-table must be an L1 address"),
            ([.. common, "--key", keyPath, "--amount", "1", "--validator", key.Address, "--endpoints", "x"], 2, "takes no --consensus-key or --endpoints"),
            ([.. common, "--key", Path.Combine(chain.Dir, "missing.json"), "--amount", "1", "--validator", key.Address], 2, "not found"),
            ([.. common, "--key", keyPath, "--amount", "10", "--consensus-key", Path.Combine(chain.Dir, "missing.json"), "--endpoints", "x"], 2, "not found"),
            (["--l1", "http://127.0.0.1:1", "--stake-table", chain.StakeTable, "--key", keyPath, "--amount", "1", "--validator", key.Address], 1, "did not answer"),
            (["--l1", "not a url", "--stake-table", chain.StakeTable, "--key", keyPath, "--amount", "1", "--validator", key.Address], 2, "not an http(s) URL"),
            ([.. common, "--key", keyPath, "--amount", "1", "--validator", key.Address], 1, "NotRegistered"),
            ([.. common, "--key", keyPath, "--amount", "1", "--consensus-key", consensusPath, "--endpoints", "x"], 1, "StakeBelowMinimum"),
        };
        foreach (var (args, expected, message) in cases)
        {
            var (exit, stdout, stderr) = FairwayProcess.Run(["stake", .. args]);
            Assert.True(exit == expected, $"{string.Join(' ', args)}: exit {exit}, {stderr}");
            Assert.Contains(message, stderr, StringComparison.Ordinal);
            Assert.Single(stderr.Trim().Split('\n'));
            Assert.DoesNotContain(key.PrivateKeyHex, stdout + stderr, StringComparison.OrdinalIgnoreCase);
        }

        var unstakeCases = new (string[] Args, int Exit, string Message)[]
        {
            ([.. common, "--key", keyPath, "--validator", key.Address], 2, "needs both --validator ADDR and --amount"),
            ([.. common, "--key", keyPath, "--withdraw", "--amount", "1"], 2, "--withdraw takes no --validator or --amount"),
            ([.. common, "--key", keyPath], 1, "NotRegistered"),
        };
        foreach (var (args, expected, message) in unstakeCases)
        {
            var (exit, _, stderr) = FairwayProcess.Run(["unstake", .. args]);
            Assert.True(exit == expected, $"{string.Join(' ', args)}: exit {exit}, {stderr}");
            Assert.Contains(message, stderr, StringComparison.Ordinal);
            Assert.Single(stderr.Trim().Split('\n'));
        }

        // A key file others can read is refused, as the node refuses it.
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var open = FairwayProcess.Run(["stake", .. common, "--key", keyPath, "--amount", "1", "--validator", key.Address]);
        Assert.Equal(2, open.ExitCode);
        Assert.Contains("readable by others", open.Stderr, StringComparison.Ordinal);

        // A missing required flag: System.CommandLine's usage error.
        var missing = FairwayProcess.Run("stake", "--l1", chain.Url, "--key", keyPath, "--amount", "1");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("--stake-table", missing.Stderr, StringComparison.Ordinal);
    }
}

using System.Collections.Concurrent;
using System.Numerics;
using Fairway.Settlement.Dev;
using Microsoft.Extensions.Logging;

namespace Fairway.Settlement.Tests;

/// Keeps what the watcher logs, so a test can tell a reset from an ordinary advance.
sealed class ListLogger : ILogger
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue(formatter(state, exception));

    public int Resets => Lines.Count(l => l.Contains("went back", StringComparison.Ordinal));
}

/// The watcher stepped by hand (PollOnceAsync, anvil_mine: no timing) against real anvils, and a settlement made with
/// the library alone.
public sealed class WatcherTests
{
    const ulong Depth = 4;

    static async Task<LibraryL1> StartAsync()
    {
        var l1 = new LibraryL1();
        await l1.InitializeAsync();
        return l1;
    }

    static async Task<(L1Watcher Watcher, ListLogger Log)> WatchAsync(LibraryL1 l1, TimeSpan? poll = null)
    {
        var log = new ListLogger();
        var reader = await L1Connection.ConnectAsync(l1.Anvil.Url, null);
        return (new L1Watcher(new L1Contracts(reader, l1.Contracts.Addresses), Depth, poll ?? TimeSpan.FromMilliseconds(20), log), log);
    }

    static bool Lists(StakeSnapshot? snapshot, SettlementKey key) =>
        snapshot?.Validators.Any(v => string.Equals(v.SettlementKey, key.Address, StringComparison.OrdinalIgnoreCase)) == true;

    static async Task<string> EvmSnapshotAsync(L1Connection l1) => await l1.Web3.Client.SendRequestAsync<string>("evm_snapshot");

    static async Task EvmRevertAsync(L1Connection l1, string id) => Assert.True(await l1.Web3.Client.SendRequestAsync<bool>("evm_revert", null, id));

    /// Waits for `condition`, checked every 20 ms, failing after `seconds`.
    static async Task WaitForAsync(Func<bool> condition, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"timed out after {seconds} s waiting for {what}");
            await Task.Delay(20);
        }
    }

    /// A new anvil on `port`; the old one's connections can hold the port a moment after it died, so a few tries.
    static async Task<AnvilProcess> RestartOnAsync(int port)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await AnvilProcess.StartAsync(port: port);
            }
            catch (L1Exception) when (attempt < 10)
            {
                await Task.Delay(200);
            }
        }
    }

    [Fact]
    public async Task A_registration_is_seen_exactly_when_depth_blocks_are_on_top_of_it()
    {
        var l1 = await StartAsync();
        try
        {
            var (watcher, _) = await WatchAsync(l1);
            await l1.Dev.MineAsync(Depth);
            await watcher.PollOnceAsync();
            Assert.NotNull(watcher.Latest);
            Assert.Empty(watcher.Latest.Validators);

            var key = await LibraryL1.RegisterValidatorAsync(l1.Dev, l1.Contracts.Addresses);
            var registeredIn = await l1.Dev.BlockNumberAsync();
            for (ulong above = 0; above < Depth; above++)
            {
                await watcher.PollOnceAsync();
                Assert.False(Lists(watcher.Latest, key), $"seen with {above} blocks on top");
                await l1.Dev.MineAsync(1);
            }

            await watcher.PollOnceAsync();
            Assert.True(Lists(watcher.Latest, key));
            Assert.Equal(registeredIn, watcher.Latest!.L1Block);
            Assert.Equal(await l1.Dev.BlockHashAsync(registeredIn), watcher.Latest.L1BlockHash);
        }
        finally
        {
            await l1.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_reorganisation_shallower_than_the_depth_leaves_the_snapshot_alone()
    {
        var l1 = await StartAsync();
        try
        {
            var (watcher, log) = await WatchAsync(l1);
            var updates = 0;
            watcher.Updated += _ => updates++;
            await l1.Dev.MineAsync(Depth);
            var forkPoint = await l1.Dev.BlockNumberAsync();
            var id = await EvmSnapshotAsync(l1.Dev);

            var orphaned = await LibraryL1.RegisterValidatorAsync(l1.Dev, l1.Contracts.Addresses);
            await l1.Dev.MineAsync(Depth - 2);
            await watcher.PollOnceAsync();
            var before = watcher.Latest;
            Assert.NotNull(before);
            Assert.Equal(forkPoint + Depth - 1 - Depth, before.L1Block);
            var orphanedBlock = await l1.Dev.BlockHashAsync(forkPoint + 1);

            // Replace the Depth - 1 blocks above the fork point with as many others, carrying another registration.
            await EvmRevertAsync(l1.Dev, id);
            var kept = await LibraryL1.RegisterValidatorAsync(l1.Dev, l1.Contracts.Addresses);
            await l1.Dev.MineAsync(Depth - 2);
            Assert.Equal(forkPoint + Depth - 1, await l1.Dev.BlockNumberAsync());
            Assert.NotEqual(orphanedBlock, await l1.Dev.BlockHashAsync(forkPoint + 1));

            var updatesBefore = updates;
            await watcher.PollOnceAsync();
            Assert.Same(before, watcher.Latest);
            Assert.Equal(updatesBefore, updates);
            Assert.Equal(0, log.Resets);

            // Once the new blocks are final they are what the watcher reads; the orphaned registration never was.
            await l1.Dev.MineAsync(2);
            await watcher.PollOnceAsync();
            Assert.True(Lists(watcher.Latest, kept));
            Assert.False(Lists(watcher.Latest, orphaned));
            Assert.Equal(0, log.Resets);
        }
        finally
        {
            await l1.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_reorganisation_deeper_than_the_depth_resets_and_reads_the_new_chain()
    {
        var l1 = await StartAsync();
        try
        {
            var (watcher, log) = await WatchAsync(l1);
            await l1.Dev.MineAsync(Depth);
            var forkPoint = await l1.Dev.BlockNumberAsync();
            var id = await EvmSnapshotAsync(l1.Dev);
            await l1.Dev.MineAsync(Depth + 2);
            await watcher.PollOnceAsync();
            var before = watcher.Latest!;
            Assert.Equal(forkPoint + 2, before.L1Block);

            await EvmRevertAsync(l1.Dev, id);
            var key = await LibraryL1.RegisterValidatorAsync(l1.Dev, l1.Contracts.Addresses);
            await l1.Dev.MineAsync(Depth + 1);
            await watcher.PollOnceAsync();

            Assert.Equal(1, log.Resets);
            Assert.Equal(forkPoint + 2, watcher.Latest!.L1Block);
            Assert.NotEqual(before.L1BlockHash, watcher.Latest.L1BlockHash);
            Assert.Equal(await l1.Dev.BlockHashAsync(forkPoint + 2), watcher.Latest.L1BlockHash);
            Assert.True(Lists(watcher.Latest, key));
        }
        finally
        {
            await l1.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_L1_that_goes_away_is_retried_and_a_new_one_on_its_port_is_followed_from_scratch()
    {
        var first = await StartAsync();
        var port = first.Anvil.Port;
        var addresses = first.Contracts.Addresses;
        var (watcher, log) = await WatchAsync(first);
        var oldKey = await LibraryL1.RegisterValidatorAsync(first.Dev, addresses);
        await first.Dev.MineAsync(20);
        await watcher.PollOnceAsync();
        var old = watcher.Latest;
        Assert.True(Lists(old, oldKey));

        await first.DisposeAsync();
        await Assert.ThrowsAsync<L1Exception>(() => watcher.PollOnceAsync());
        Assert.Same(old, watcher.Latest);

        using var stop = new CancellationTokenSource();
        var run = watcher.RunAsync(stop.Token);
        AnvilProcess? second = null;
        try
        {
            await WaitForAsync(() => watcher.Failures >= 3 || run.IsCompleted, "three failed polls");
            Assert.False(run.IsCompleted, $"RunAsync ended while the L1 was down: {run.Exception}");
            Assert.Same(old, watcher.Latest);

            second = await RestartOnAsync(port);
            var dev = await L1Connection.ConnectAsync(second.Url, SettlementKey.FromPrivateKeyHex(AnvilProcess.DevAccountKey));
            // The same deployer from nonce 0 puts the contracts at the same addresses, as a devnet restarted without its state does.
            Assert.Equal(addresses, (await L1Contracts.DeployAsync(dev, StakeTableParameters.Devnet)).Addresses);
            var newKey = await LibraryL1.RegisterValidatorAsync(dev, addresses);
            await dev.MineAsync(Depth);

            await WaitForAsync(() => Lists(watcher.Latest, newKey), "the new L1's validator in the snapshot");
            Assert.False(Lists(watcher.Latest, oldKey));
            Assert.True(log.Resets >= 1);
            await WaitForAsync(() => watcher.Failures == 0, "the failure count to clear");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30)));
            if (second is not null) await second.DisposeAsync();
        }

        // Stopped mid-poll it ends canceled, between polls it returns: either way it ends, and never with a fault.
        Assert.True(run.IsCompleted, "RunAsync did not stop within 30 s of its cancellation");
        Assert.False(run.IsFaulted, $"RunAsync failed: {run.Exception}");
    }

    [Fact]
    public async Task Three_of_four_validators_settle_a_statement_and_two_of_four_do_not()
    {
        var l1 = await StartAsync();
        try
        {
            var keys = new List<SettlementKey>();
            for (var i = 0; i < 4; i++)
                keys.Add(await LibraryL1.RegisterValidatorAsync(l1.Dev, l1.Contracts.Addresses));
            await l1.Dev.MineAsync(StakeTableParameters.Devnet.EpochBlocks);
            var head = await l1.Dev.BlockNumberAsync();
            var snapshot = await l1.Contracts.SnapshotAsync(head, (await l1.Dev.BlockHashAsync(head))!);
            Assert.Equal(4 * StakeTableParameters.Devnet.MinStakeWei, snapshot.TotalWeight);

            var (tipHeight, parent) = await l1.Contracts.SettledTipAsync();
            Assert.Equal(0UL, tipHeight);
            var domain = new SettlementDomain(l1.Dev.ChainId, l1.Contracts.Addresses.LightClient, 10);
            // The library deploys an inbox (empty here): the header commits to index 0 at an L1 block already mined.
            var (header, output) = OutputHeaders.V2("a statement at height 10", 0, head, height: 10);
            var statement = SettlementStatement.Create(domain, 10, parent, output);
            Attestation Sign(SettlementKey k) => new(10, parent, statement.OutputHash, k.Sign(statement.Digest));

            var two = new AttestationPool(domain);
            foreach (var k in keys.Take(2)) Assert.Equal(AttestationResult.Added, two.Add(Sign(k)));
            Assert.Null(two.Quorum(10, parent, snapshot));
            // The L1 agrees that half the stake is not enough.
            var halfSigned = keys.Take(2).OrderBy(k => new BigInteger(Convert.FromHexString(k.Address[2..]), true, true))
                .SelectMany(k => Sign(k).Signature).ToArray();
            var refused = await Assert.ThrowsAsync<L1Exception>(() =>
                l1.Contracts.SubmitHeaderAsync(10, snapshot.Epoch, parent, statement.OutputHash, header, halfSigned));
            Assert.Contains("NotEnoughStake", refused.Message, StringComparison.Ordinal);

            var three = new AttestationPool(domain);
            foreach (var k in keys.Skip(1)) three.Add(Sign(k));
            var quorum = three.Quorum(10, parent, snapshot);
            Assert.NotNull(quorum);
            Assert.Equal(3 * StakeTableParameters.Devnet.MinStakeWei, quorum.Value.Weight);
            await l1.Contracts.SubmitHeaderAsync(10, snapshot.Epoch, parent, quorum.Value.Statement.OutputHash, header, quorum.Value.Signatures);

            var (height, headerHash) = await l1.Contracts.SettledTipAsync();
            Assert.Equal(10UL, height);
            Assert.Equal(statement.Digest, headerHash);
        }
        finally
        {
            await l1.DisposeAsync();
        }
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using Fairway.Client;

namespace Fairway.Devnet.Tests;

/// <summary>
/// Epochs on real processes and a real anvil: the validator set follows the stake table. A standby validator (on the
/// roster with stake 0, following the chain) is staked with <c>fairway stake</c> and starts voting at the next epoch; a
/// validator exits with <c>fairway unstake</c>, leaves the set at the epoch after, is stopped, and the network goes on.
/// </summary>
[Collection("processes")]
public class EpochTests
{
    private static readonly TimeSpan EpochDeadline = TimeSpan.FromSeconds(150);

    private static async Task<JsonElement> ValidatorsAsync(TestCluster cluster, int i)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return await http.GetFromJsonAsync<JsonElement>(new Uri(cluster.Nodes[i].ApiUrl + "/v1/node/validators"));
    }

    private static async Task<ulong?> StakeAtAsync(TestCluster cluster, int node, int member)
    {
        try
        {
            return (await ValidatorsAsync(cluster, node)).GetProperty("validators")[member].GetProperty("stake").GetUInt64();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Whether validator <paramref name="signer"/> signed a certificate of a block above <paramref name="from"/>, up to <paramref name="to"/>.</summary>
    private static async Task<bool> SignedSinceAsync(TestCluster cluster, int signer, ulong from, ulong to)
    {
        for (var h = from + 1; h <= to; h++)
        {
            if ((await cluster.BlockAsync(1, h))?.GetProperty("signers").EnumerateArray().Any(s => s.GetInt32() == signer) == true)
            {
                return true;
            }
        }

        return false;
    }

    private static string Path(TestCluster cluster, int node, string file) => System.IO.Path.Combine(cluster.Directory, cluster.Nodes[node].Name, file);

    [Fact]
    public async Task A_standby_staked_on_the_L1_joins_at_the_next_epoch_and_a_validator_that_exits_leaves_and_the_network_goes_on()
    {
        await using var cluster = new TestCluster(5, standby: 1);
        await cluster.AttachL1Async();
        cluster.StartAll();
        int[] all = [0, 1, 2, 3, 4];
        await cluster.WaitForHeightAsync(all, 2);
        var start = await ValidatorsAsync(cluster, 4);
        Assert.Equal(0UL, start.GetProperty("epoch").GetUInt64());
        Assert.Equal(0UL, start.GetProperty("validators")[4].GetProperty("stake").GetUInt64());

        // Validator 4 registers with its own keys and endpoints, as an operator would.
        var l1 = cluster.Anvil!.Url;
        var table = cluster.Contracts!.StakeTable;
        var node4 = cluster.Nodes[4];
        var (staked, stakeOutput) = await FairwayCommand.RunAsync(
            "stake", "--l1", l1, "--stake-table", table, "--key", Path(cluster, 4, "settlement-key.json"), "--amount", "100",
            "--consensus-key", Path(cluster, 4, "key.json"), "--endpoints", $"p2p={node4.P2p} api={node4.ApiUrl}");
        Assert.True(staked == 0, stakeOutput);

        await TestCluster.WaitUntilAsync(async () => (await Task.WhenAll(all.Select(i => StakeAtAsync(cluster, i, 4)))).All(s => s > 0),
            "every validator in an epoch that gives validator 4 stake", EpochDeadline);
        var joined = await ValidatorsAsync(cluster, 0);
        var joinedEpoch = joined.GetProperty("epoch").GetUInt64();
        var joinedFrom = joined.GetProperty("epoch_start_height").GetUInt64();
        Assert.True(joinedEpoch > 0);

        // The block that ended epoch 0 carries the change, and every validator committed the same one. A validator
        // switches epoch when consensus commits that block, before its output is certified and indexed: wait for it.
        await cluster.WaitForHeightAsync(all, joinedFrom);
        var last = (await cluster.BlockAsync(1, joinedFrom - 1))!.Value.GetProperty("next_epoch");
        Assert.Equal(joinedEpoch, last.GetProperty("epoch").GetUInt64());
        Assert.True(last.GetProperty("stakes")[4].GetUInt64() > 0);
        await cluster.AssertSameChainAsync(all, joinedFrom);

        // Validator 4's vote counts now: its signature shows up in certificates of the new epoch.
        await TestCluster.WaitUntilAsync(async () =>
        {
            var tip = await cluster.MinHeightAsync(all);
            for (var h = joinedFrom; h <= tip; h++)
            {
                if ((await cluster.BlockAsync(2, h))?.GetProperty("signers").EnumerateArray().Any(s => s.GetInt32() == 4) == true)
                {
                    return true;
                }
            }

            return false;
        }, "a certificate of the new epoch signed by validator 4");

        // A client that trusts only genesis reads the new epoch's data by following the hand-over, checked, on its own.
        using (var client = new FairwayClient(new Uri(cluster.Nodes[4].ApiUrl), TrustedChain.FromGenesisFile(System.IO.Path.Combine(cluster.Directory, "genesis.json"))))
        {
            var submitted = await client.SubmitAsync(1, "read across the epoch"u8.ToArray());
            await client.WaitForAsync(submitted.Hash, Commitment.Firm, TimeSpan.FromSeconds(60));
            var read = await client.GetTransactionAsync(submitted.Hash);
            Assert.True(read.Height >= joinedFrom);
            Assert.Equal(joinedEpoch, client.Trust.Epochs.Latest.Epoch);
            Assert.Equal(joinedFrom, client.Trust.Epochs.Latest.FirstHeight);
        }

        // Validator 2, killed and restarted, comes back in the epoch it left (from its epoch log) and signs again.
        cluster.Kill(2);
        cluster.Start(2);
        var restartedAt = await cluster.MinHeightAsync([0, 1, 3, 4]);
        await TestCluster.WaitUntilAsync(async () => (await cluster.HeightAsync(2)) > restartedAt
            && await SignedSinceAsync(cluster, 2, restartedAt, await cluster.MinHeightAsync([0, 1, 3, 4])), "validator 2 signing again after its restart");
        Assert.Equal(joinedEpoch, (await ValidatorsAsync(cluster, 2)).GetProperty("epoch").GetUInt64());

        // Validator 0 exits; the epoch after the exit counts takes its stake away. Validator 3 sleeps (SIGSTOP) across
        // that boundary and, woken, catches up into the new epoch from its peers' closing certificate.
        cluster.Signal(3, PosixSignals.Stop);
        var (exited, exitOutput) = await FairwayCommand.RunAsync(
            "unstake", "--l1", l1, "--stake-table", table, "--key", Path(cluster, 0, "settlement-key.json"));
        Assert.True(exited == 0, exitOutput);
        int[] awake = [1, 2, 4];
        try
        {
            await TestCluster.WaitUntilAsync(async () => (await Task.WhenAll(awake.Select(i => StakeAtAsync(cluster, i, 0)))).All(s => s == 0),
                "validators 1, 2 and 4 in an epoch without validator 0's stake", EpochDeadline);
            var tip = await cluster.MinHeightAsync(awake);
            await cluster.WaitForHeightAsync(awake, tip + 3);
        }
        finally
        {
            cluster.Signal(3, PosixSignals.Continue);
        }

        int[] remaining = [1, 2, 3, 4];
        await TestCluster.WaitUntilAsync(async () => await StakeAtAsync(cluster, 3, 0) == 0, "validator 3 caught up into the new epoch", EpochDeadline);
        var left = await ValidatorsAsync(cluster, 1);
        Assert.True(left.GetProperty("epoch").GetUInt64() > joinedEpoch);
        var leftFrom = left.GetProperty("epoch_start_height").GetUInt64();

        // Without validator 0 the four others go on, and agree.
        cluster.Kill(0);
        var height = await cluster.MinHeightAsync(remaining);
        Assert.True(await cluster.SubmitAsync(4, 1, "after the exit"u8.ToArray()));
        await cluster.WaitForHeightAsync(remaining, height + 10);
        await cluster.AssertSameChainAsync(remaining, height + 10);
        for (var h = leftFrom; h <= height + 10; h++)
        {
            var block = (await cluster.BlockAsync(3, h))!.Value;
            Assert.NotEqual(0, block.GetProperty("author").GetInt32());
        }
    }
}

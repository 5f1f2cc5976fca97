using System.Diagnostics;
using System.Net.Sockets;

namespace Fairway.Devnet.Tests;

/// <summary>Four real validator processes on loopback, killed with SIGKILL and restarted while transactions stream in.</summary>
[Collection("processes")]
public class ValidatorProcessTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly int[] All = [0, 1, 2, 3];

    [Fact]
    public async Task Four_validators_commit_the_same_blocks_under_a_stream_of_submissions()
    {
        await using var cluster = new TestCluster();
        cluster.StartAll();
        using var stop = new CancellationTokenSource();
        var load = cluster.SubmitStreamAsync(stop.Token);
        await cluster.WaitForHeightAsync(All, 5);
        // The committed count includes the validators' own transactions (key-generation dealings), so both are waited on.
        await TestCluster.WaitUntilAsync(async () => cluster.StreamAccepted >= 100 && await CommittedTransactionsAsync(cluster, 0) >= 100, "100 transactions accepted and committed");
        await stop.CancelAsync();
        var accepted = await load;

        var height = await cluster.MinHeightAsync(All);
        await cluster.AssertSameChainAsync(All, height);
        Assert.True(accepted >= 100);
        Assert.True(await CommittedTransactionsAsync(cluster, 0) >= 100);
    }

    [Fact]
    public async Task A_killed_validator_restarts_and_catches_up_to_the_same_chain()
    {
        await using var cluster = new TestCluster();
        cluster.StartAll();
        using var stop = new CancellationTokenSource();
        var load = cluster.SubmitStreamAsync(stop.Token);
        await cluster.WaitForHeightAsync(All, 3);

        cluster.Kill(2);
        var atKill = await cluster.MinHeightAsync([0, 1, 3]);
        await cluster.WaitForHeightAsync([0, 1, 3], atKill + 5);

        cluster.Start(2);
        var target = await cluster.MinHeightAsync([0, 1, 3]) + 3;
        await cluster.WaitForHeightAsync(All, target);
        await stop.CancelAsync();
        await load;

        await cluster.AssertSameChainAsync(All, target);
    }

    [Fact]
    public async Task Killing_the_current_leader_again_and_again_does_not_stop_the_chain()
    {
        await using var cluster = new TestCluster();
        cluster.StartAll();
        using var stop = new CancellationTokenSource();
        var load = cluster.SubmitStreamAsync(stop.Token);
        await cluster.WaitForHeightAsync(All, 3);

        for (var kill = 0; kill < 3; kill++)
        {
            var round = (ulong)(await cluster.MetricAsync(0, "fairway_consensus_round") ?? 1);
            // Leader reputation may pass over validators, so ask the node rather than the plain schedule.
            var leader = (int)(await cluster.MetricAsync(0, "fairway_consensus_leader") ?? cluster.Validators.LeaderOf(round));
            var others = All.Where(i => i != leader).ToArray();
            var before = await cluster.MinHeightAsync(others);

            var height = await cluster.MinHeightAsync(others);
            var killedAt = Stopwatch.StartNew();
            cluster.Kill(leader);
            await TestCluster.WaitUntilAsync(async () => await cluster.HeightAsync(others[0]) > height, "a commit after the leader's SIGKILL");
            output.WriteLine($"leader {leader} killed in round {round}: next commit after {killedAt.ElapsedMilliseconds} ms");
            await cluster.WaitForHeightAsync(others, before + 3);

            cluster.Start(leader);
            await cluster.WaitForHeightAsync(All, await cluster.MinHeightAsync(others));
        }

        await stop.CancelAsync();
        await load;
        await cluster.AssertSameChainAsync(All, await cluster.MinHeightAsync(All));
    }

    [Fact]
    public async Task Killing_all_four_loses_no_committed_block_and_no_validator_signs_twice()
    {
        await using var cluster = new TestCluster();
        cluster.StartAll();
        using var stop = new CancellationTokenSource();
        var load = cluster.SubmitStreamAsync(stop.Token);
        await cluster.WaitForHeightAsync(All, 8);

        var heights = new ulong[4];
        for (var i = 0; i < 4; i++)
        {
            heights[i] = await cluster.HeightAsync(i) ?? 0;
        }

        foreach (var i in All)
        {
            cluster.Kill(i);
        }

        await stop.CancelAsync();
        await load;
        cluster.StartAll();
        await cluster.WaitForHeightAsync(All, heights.Max() + 3);

        for (var i = 0; i < 4; i++)
        {
            Assert.True(await cluster.HeightAsync(i) >= heights[i], "a committed block was lost");
        }

        await cluster.AssertSameChainAsync(All, heights.Max() + 3);
        foreach (var i in All)
        {
            var conflicting = cluster.SignedLog(i)
                .GroupBy(e => (e.Kind, e.Round))
                .Where(g => g.Select(e => e.Hash).Distinct().Count() > 1)
                .ToList();
            Assert.Empty(conflicting);
            Assert.NotEmpty(cluster.SignedLog(i));
        }
    }

    [Fact]
    public async Task A_peer_sending_garbage_oversized_frames_or_a_bad_handshake_is_cut_off_and_the_node_carries_on()
    {
        await using var cluster = new TestCluster();
        cluster.StartAll();
        await cluster.WaitForHeightAsync(All, 2);
        var p2p = cluster.Nodes[0].P2p.Split(':');
        var port = int.Parse(p2p[1], System.Globalization.CultureInfo.InvariantCulture);

        await SendRawAsync(port, [0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04, 0x05]);
        await SendRawAsync(port, [0xff, 0xff, 0xff, 0x7f, 0x00]);
        await SendRawAsync(port, [0x10, 0x00, 0x00, 0x00, 0x01]);
        await TestCluster.WaitUntilAsync(
            async () => (await cluster.MetricAsync(0, "fairway_p2p_frames_rejected_total") ?? 0) + (await cluster.MetricAsync(0, "fairway_p2p_connections_rejected_total") ?? 0) >= 3,
            "the node counts the three bad connections");

        var height = await cluster.HeightAsync(0) ?? 0;
        await cluster.WaitForHeightAsync(All, height + 3);
        Assert.True(cluster.IsRunning(0));
    }

    private static async Task SendRawAsync(int port, byte[] bytes)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync(bytes);
        await stream.FlushAsync();
        client.Client.Shutdown(SocketShutdown.Send);
        var buffer = new byte[256];
        var stopwatch = Stopwatch.StartNew();
        try
        {
            // The node must close the connection on us; reading until EOF proves it did.
            while (stopwatch.Elapsed < TimeSpan.FromSeconds(30) && await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(30)) > 0)
            {
            }
        }
        catch (IOException)
        {
        }
    }

    private static async Task<long> CommittedTransactionsAsync(TestCluster cluster, int node) =>
        (long)(await cluster.MetricAsync(node, "fairway_transactions_committed_total") ?? 0);
}

using System.Net;
using System.Net.Sockets;

namespace Fairway.Devnet.Tests;

/// <summary>One process per validator key: a second <c>fairway node</c> on the same config, or one whose port is taken, refuses to start.</summary>
[Collection("processes")]
public class NodeExclusivityTests
{
    [Fact]
    public async Task A_second_node_on_the_same_config_exits_2_naming_the_lock_and_the_first_keeps_running()
    {
        await using var cluster = new TestCluster(validators: 1);
        cluster.StartAll();
        await cluster.WaitForHeightAsync([0], 2);
        var firstPid = await DevnetSupervisionTests.NodePidAsync(cluster, 0);

        var (exit, output) = await FairwayCommand.RunAsync("node", "--config", cluster.Nodes[0].ConfigPath);

        var dataDir = Path.Combine(cluster.Directory, "node0", "data");
        Assert.Equal(2, exit);
        Assert.Equal(
            $"fairway node: another node (pid {firstPid}) holds {dataDir} (lock {Path.Combine(dataDir, "node.lock")}); stop it first, two processes must never run one validator",
            output.Trim());
        var height = await cluster.HeightAsync(0) ?? 0;
        await cluster.WaitForHeightAsync([0], height + 3);
        Assert.True(cluster.IsRunning(0));
    }

    [Theory]
    [InlineData("p2p_listen")]
    [InlineData("api_listen")]
    public async Task A_node_whose_port_is_taken_exits_2_with_one_line_naming_the_config_key(string key)
    {
        await using var cluster = new TestCluster(validators: 1);
        var node = cluster.Nodes[0];
        var endPoint = IPEndPoint.Parse(key == "p2p_listen" ? node.P2p : new Uri(node.ApiUrl).Authority);
        var configured = key == "p2p_listen" ? node.P2p : node.ApiUrl;
        var squatter = new TcpListener(endPoint);
        squatter.Start();
        try
        {
            var (exit, output) = await FairwayCommand.RunAsync("node", "--config", node.ConfigPath);

            Assert.Equal(2, exit);
            Assert.Equal(
                $"fairway node: address already in use: another process listens on {endPoint} (config {key} = {configured}); stop that process or choose another port",
                output.Trim());
            Assert.False(File.Exists(Path.Combine(cluster.Directory, "node0", "data", "chain.db")), "the node opened its chain before finding its port taken");
        }
        finally
        {
            squatter.Stop();
        }
    }
}

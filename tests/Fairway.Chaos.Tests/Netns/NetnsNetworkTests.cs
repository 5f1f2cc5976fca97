using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Fairway.Chaos.Netns;

namespace Fairway.Chaos.Tests.Netns;

/// <summary>Real namespaces, bridge and iptables: these fail, not skip, without root and iptables, since CI has both.</summary>
public sealed class NetnsNetworkTests
{
    [Fact]
    public void A_listener_in_one_namespace_is_reachable_from_the_others_and_from_the_root_namespace()
    {
        NetnsProbe.RequireNamespaces();
        using var network = NetnsNetwork.Create(3);
        var listener = NetnsProbe.Listen(network, 1);
        try
        {
            Assert.True(NetnsProbe.FromNamespace(network, 0, network.Address(1), NetnsProbe.Port));
            Assert.True(NetnsProbe.FromNamespace(network, 2, network.Address(1), NetnsProbe.Port));
            Assert.True(NetnsProbe.FromRoot(network.Address(1), NetnsProbe.Port));
        }
        finally
        {
            NetnsProbe.Stop(listener);
        }
    }

    [Fact]
    public void A_cut_silences_one_link_both_ways_leaves_the_others_and_Restore_brings_it_back()
    {
        NetnsProbe.RequireNamespaces();
        using var network = NetnsNetwork.Create(3);
        var one = NetnsProbe.Listen(network, 1);
        var zero = NetnsProbe.Listen(network, 0);
        try
        {
            network.Cut(0, 1);
            network.Cut(0, 1);
            Assert.Equal(2, network.Rules(0).Count);
            Assert.Empty(network.Rules(1));
            Assert.False(NetnsProbe.FromNamespace(network, 0, network.Address(1), NetnsProbe.Port), "0 -> 1 still answers");
            Assert.False(NetnsProbe.FromNamespace(network, 1, network.Address(0), NetnsProbe.Port), "1 -> 0 still answers");
            Assert.True(NetnsProbe.FromNamespace(network, 2, network.Address(1), NetnsProbe.Port), "2 -> 1 was cut too");
            Assert.True(NetnsProbe.FromNamespace(network, 2, network.Address(0), NetnsProbe.Port), "2 -> 0 was cut too");

            network.Restore(0, 1);
            network.Restore(0, 1);
            Assert.Empty(network.Rules(0));
            Assert.True(NetnsProbe.FromNamespace(network, 0, network.Address(1), NetnsProbe.Port));
            Assert.True(NetnsProbe.FromNamespace(network, 1, network.Address(0), NetnsProbe.Port));
        }
        finally
        {
            NetnsProbe.Stop(one);
            NetnsProbe.Stop(zero);
        }
    }

    [Fact]
    public void HealAll_removes_every_cut()
    {
        NetnsProbe.RequireNamespaces();
        using var network = NetnsNetwork.Create(3);
        var listener = NetnsProbe.Listen(network, 1);
        try
        {
            network.Cut(0, 1);
            network.Cut(2, 1);
            network.CutHost(0, 9000);
            Assert.False(NetnsProbe.FromNamespace(network, 2, network.Address(1), NetnsProbe.Port));

            network.HealAll();
            Assert.All(Enumerable.Range(0, 3), i => Assert.Empty(network.Rules(i)));
            Assert.True(NetnsProbe.FromNamespace(network, 0, network.Address(1), NetnsProbe.Port));
            Assert.True(NetnsProbe.FromNamespace(network, 2, network.Address(1), NetnsProbe.Port));
        }
        finally
        {
            NetnsProbe.Stop(listener);
        }
    }

    [Fact]
    public void CutHost_blocks_only_that_port_and_only_from_that_namespace()
    {
        NetnsProbe.RequireNamespaces();
        using var network = NetnsNetwork.Create(3);
        var cut = new TcpListener(network.HostAddress, 0);
        var open = new TcpListener(network.HostAddress, 0);
        cut.Start();
        open.Start();
        try
        {
            var cutPort = ((IPEndPoint)cut.LocalEndpoint).Port;
            var openPort = ((IPEndPoint)open.LocalEndpoint).Port;
            using var answering = Answer(cut, open);
            Assert.True(NetnsProbe.FromNamespace(network, 0, network.HostAddress, cutPort));

            network.CutHost(0, cutPort);
            Assert.Equal(2, network.Rules(0).Count);
            Assert.False(NetnsProbe.FromNamespace(network, 0, network.HostAddress, cutPort), "0 -> host:cut still answers");
            Assert.True(NetnsProbe.FromNamespace(network, 0, network.HostAddress, openPort), "0 -> host:open was cut too");
            Assert.True(NetnsProbe.FromNamespace(network, 2, network.HostAddress, cutPort), "2 -> host:cut was cut too");

            network.RestoreHost(0, cutPort);
            Assert.Empty(network.Rules(0));
            Assert.True(NetnsProbe.FromNamespace(network, 0, network.HostAddress, cutPort));
            answering.Cancel();
        }
        finally
        {
            cut.Stop();
            open.Stop();
        }
    }

    [Fact]
    public async Task Wrap_runs_the_program_inside_the_namespace_with_the_same_environment_and_directory()
    {
        NetnsProbe.RequireNamespaces();
        using var network = NetnsNetwork.Create(2);
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = "/tmp" };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("echo \"$FAIRWAY_NETNS_TEST\"; pwd; ip -o -4 addr show dev eth0");
        start.Environment["FAIRWAY_NETNS_TEST"] = "carried over";
        using var process = Process.Start(network.Wrap(start, 1))!;
        var output = await process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(15));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("carried over", lines[0]);
        Assert.Equal("/tmp", lines[1]);
        Assert.Contains($"inet {network.Address(1)}/24", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_removes_the_namespaces_the_bridge_and_the_host_rules_and_may_be_repeated()
    {
        NetnsProbe.RequireNamespaces();
        var network = NetnsNetwork.Create(3);
        var names = Enumerable.Range(0, 3).Select(network.Name).ToList();
        Assert.All(names, n => Assert.Contains(n, Namespaces()));
        Assert.True(Exists(network.BridgeName));

        network.Dispose();
        network.Dispose();
        Assert.All(names, n => Assert.DoesNotContain(n, Namespaces()));
        Assert.False(Exists(network.BridgeName));
        Assert.DoesNotContain(network.BridgeName, Run("iptables", "-w", "-S"), StringComparison.Ordinal);
    }

    [Fact]
    public void Leftovers_of_a_killed_run_do_not_break_a_new_network_and_are_removed()
    {
        NetnsProbe.RequireNamespaces();

        // One above pid_max: a pid no process can have.
        var dead = new NetnsNames(int.Parse(File.ReadAllText("/proc/sys/kernel/pid_max").Trim()) + 1, 0);
        Run("ip", "netns", "add", dead.Namespace(0));
        Run("ip", "link", "add", dead.Bridge, "type", "bridge");
        Run("iptables", "-w", "-A", "INPUT", "-i", dead.Bridge, "-m", "comment", "--comment", dead.Comment, "-j", "ACCEPT");

        using var network = NetnsNetwork.Create(2);
        Assert.DoesNotContain(dead.Namespace(0), Namespaces());
        Assert.False(Exists(dead.Bridge));
        Assert.DoesNotContain(dead.Comment, Run("iptables", "-w", "-S"), StringComparison.Ordinal);
    }

    private static IReadOnlyList<string> Namespaces() =>
        [.. Run("ip", "netns", "list").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0])];

    private static bool Exists(string link) => HostCommand.TryRun("ip", "link", "show", link);

    private static string Run(string program, params string[] args) => HostCommand.Run(program, args);

    /// <summary>Accepts on both listeners until cancelled, writing "ok" to each connection as socat's listener does.</summary>
    private static CancellationTokenSource Answer(params TcpListener[] listeners)
    {
        var stop = new CancellationTokenSource();
        foreach (var listener in listeners)
        {
            _ = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        using var client = await listener.AcceptTcpClientAsync(stop.Token);
                        await client.GetStream().WriteAsync("ok\n"u8.ToArray(), stop.Token);
                    }
                    catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
                    {
                        return;
                    }
                }
            });
        }

        return stop;
    }
}

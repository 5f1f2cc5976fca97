using System.Net;
using Fairway.Chaos.Proxy;

namespace Fairway.Chaos.Tests.Proxy;

public sealed class ProxyMeshTests
{
    // Nothing dials these targets: the proxies only connect out when a client connects in.
    private static IPEndPoint[] Targets(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new IPEndPoint(IPAddress.Loopback, 9 + i))];

    [Fact]
    public async Task Has_one_distinct_proxy_per_ordered_pair()
    {
        var targets = Targets(4);
        await using var mesh = ProxyMesh.Start(targets, seed: 1);

        Assert.Equal(4, mesh.Count);
        var ports = new HashSet<int>();
        foreach (var (from, to) in Pairs(4))
        {
            Assert.Equal(targets[to], mesh.Link(from, to).Target);
            Assert.Equal(mesh.Link(from, to).ListenEndPoint, mesh.ProxyFor(from, to));
            Assert.True(ports.Add(mesh.ProxyFor(from, to).Port));
        }

        Assert.Equal(12, ports.Count);
        Assert.Throws<ArgumentException>(() => mesh.Link(2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => mesh.Link(0, 4));
    }

    [Fact]
    public async Task Partition_blocks_exactly_the_links_between_groups()
    {
        await using var mesh = ProxyMesh.Start(Targets(5), seed: 2);
        mesh.SetAll(new LinkFaults { DelayMs = 20 });

        // Validator 4 is in no group: a group of its own.
        mesh.Partition([[0, 1], [2, 3]]);

        int[] group = [0, 0, 1, 1, 2];
        AssertBlockedExactly(mesh, (from, to) => group[from] != group[to]);
    }

    [Fact]
    public async Task Isolate_blocks_every_link_to_and_from_one_validator()
    {
        await using var mesh = ProxyMesh.Start(Targets(4), seed: 3);

        mesh.Isolate(2);

        AssertBlockedExactly(mesh, (from, to) => from == 2 || to == 2);
    }

    [Fact]
    public async Task Bridge_lets_both_sides_reach_the_bridge_but_not_each_other()
    {
        await using var mesh = ProxyMesh.Start(Targets(5), seed: 4);

        mesh.Bridge([0, 1], [3, 4], bridge: 2);

        int[] side = [0, 0, 2, 1, 1];
        AssertBlockedExactly(mesh, (from, to) => side[from] != side[to] && side[from] != 2 && side[to] != 2);
        Assert.Throws<ArgumentException>(() => mesh.Bridge([0, 2], [3], bridge: 2));
        Assert.Throws<ArgumentException>(() => mesh.Partition([[0, 1], [1, 2]]));
    }

    [Fact]
    public async Task Heal_clears_every_link_and_describe_names_the_faulty_ones()
    {
        await using var mesh = ProxyMesh.Start(Targets(3), seed: 5);
        mesh.Isolate(0);
        mesh.Set(1, 2, new LinkFaults { DelayMs = 30 });

        Assert.Equal("blocked: 0->1 0->2 1->0 2->0; delay 30ms: 1->2", mesh.Describe());

        mesh.Heal();

        AssertBlockedExactly(mesh, (_, _) => false);
        Assert.Equal("all links clear", mesh.Describe());
    }

    [Fact]
    public async Task A_partition_cuts_live_traffic_across_it_and_keeps_traffic_inside_it()
    {
        await using var first = new EchoServer();
        await using var second = new EchoServer();
        await using var third = new EchoServer();
        await using var mesh = ProxyMesh.Start([first.EndPoint, second.EndPoint, third.EndPoint], seed: 6);
        using var across = await Wait.ConnectAsync(mesh.ProxyFor(0, 1));
        using var inside = await Wait.ConnectAsync(mesh.ProxyFor(0, 2));
        await Wait.EchoesAsync(across);
        await Wait.EchoesAsync(inside);

        mesh.Partition([[0, 2], [1]]);

        Assert.True(await Wait.EndsAsync(across), "the link across the partition stayed open");
        await Wait.EchoesAsync(inside);

        mesh.Heal();
        using var again = await Wait.ConnectAsync(mesh.ProxyFor(0, 1));
        await Wait.EchoesAsync(again);
    }

    private static void AssertBlockedExactly(ProxyMesh mesh, Func<int, int, bool> blocked)
    {
        foreach (var (from, to) in Pairs(mesh.Count))
        {
            var expected = blocked(from, to) ? new LinkFaults { Blocked = true } : LinkFaults.None;
            Assert.True(expected == mesh.Link(from, to).Faults, $"link {from}->{to} is {mesh.Link(from, to).Faults}");
        }
    }

    private static IEnumerable<(int From, int To)> Pairs(int count) =>
        from a in Enumerable.Range(0, count)
        from b in Enumerable.Range(0, count)
        where a != b
        select (a, b);
}

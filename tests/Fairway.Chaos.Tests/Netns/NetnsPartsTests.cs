using System.Net;
using Fairway.Chaos.Netns;

namespace Fairway.Chaos.Tests.Netns;

/// <summary>The naming, subnet and rule parts, which need no root.</summary>
public sealed class NetnsPartsTests
{
    [Fact]
    public void Names_fit_the_kernel_limit_even_for_the_largest_pid_serial_and_index()
    {
        var names = new NetnsNames(4_194_304, (36 * 36 * 36) - 1);
        Assert.True(names.Veth(NetnsNetwork.MaxCount - 1).Length <= NetnsNames.MaxInterfaceName, names.Veth(98));
        Assert.True(names.Bridge.Length <= NetnsNames.MaxInterfaceName, names.Bridge);
    }

    [Fact]
    public void Every_name_an_instance_makes_reads_back_to_its_pid_and_no_other_name_does()
    {
        var names = new NetnsNames(31_337, 5);
        Assert.All(
            [names.Namespace(0), names.Namespace(12), names.Veth(3), names.Bridge, names.Comment],
            n => Assert.Equal(31_337, NetnsNames.OwnerPid(n)));
        Assert.All(["eth0", "docker0", "fwd", "fw-1-2", "fairway-netns:other"], n => Assert.Null(NetnsNames.OwnerPid(n)));
    }

    [Fact]
    public void Successive_instances_get_different_names()
    {
        Assert.NotEqual(NetnsNames.Next().Tag, NetnsNames.Next().Tag);
    }

    [Fact]
    public void A_subnet_is_free_only_when_no_host_address_overlaps_it()
    {
        var taken = Subnet.Parse(
            "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever\n" +
            "4: eth0    inet 10.213.5.7/24 brd 10.213.5.255 scope global eth0\n" +
            "9: wide@if3    inet 10.213.8.1/22 scope global wide\n");
        Assert.Equal(["lo", "eth0", "wide"], taken.Select(a => a.Interface));
        var free = Subnet.Free(taken, 4).Take(4).ToList();
        Assert.Equal([4, 6, 7, 12], free);
        Assert.Equal(5, Subnet.Free(taken, 5, ignoreInterface: "eth0").First());
        Assert.Empty(Subnet.Free(Subnet.Parse("2: big    inet 10.0.0.1/8 scope global big\n"), 0));
    }

    [Fact]
    public void A_cut_drops_both_directions_as_iptables_prints_them()
    {
        var peer = IPAddress.Parse("10.213.4.3");
        Assert.Equal(
            ["-A OUTPUT -d 10.213.4.3/32 -j DROP", "-A INPUT -s 10.213.4.3/32 -j DROP"],
            DropRule.Link(peer).Select(r => r.ToString()));
        Assert.Equal(
            ["-A OUTPUT -p tcp -d 10.213.4.1/32 --dport 9000 -j DROP", "-A INPUT -p tcp -s 10.213.4.1/32 --sport 9000 -j DROP"],
            DropRule.HostPort(IPAddress.Parse("10.213.4.1"), 9000).Select(r => r.ToString()));
    }

    [Fact]
    public void Link_names_are_read_without_the_peer_suffix()
    {
        Assert.Equal("fwabc-1-v0", StaleNetns.LinkName("17: fwabc-1-v0@if2: <BROADCAST,MULTICAST,UP> mtu 1500"));
        Assert.Equal(string.Empty, StaleNetns.LinkName("garbage"));
    }
}

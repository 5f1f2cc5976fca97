using System.Net;

namespace Fairway.Chaos.Netns;

/// <summary>One iptables filter rule, as the arguments after the command letter (<c>-A</c>, <c>-C</c>, <c>-D</c>).</summary>
internal sealed record DropRule(string Chain, IReadOnlyList<string> Match, string Target = "DROP")
{
    /// <summary>Silences a link both ways as seen from the namespace the rules go in: nothing leaves for the peer, nothing from it is taken in.</summary>
    public static IReadOnlyList<DropRule> Link(IPAddress peer) =>
    [
        new("OUTPUT", ["-d", $"{peer}/32"]),
        new("INPUT", ["-s", $"{peer}/32"]),
    ];

    /// <summary>Silences TCP to one port of the host's bridge address, and what the host sends back from it, so established connections go quiet too.</summary>
    public static IReadOnlyList<DropRule> HostPort(IPAddress host, int port) =>
    [
        new("OUTPUT", ["-p", "tcp", "-d", $"{host}/32", "--dport", $"{port}"]),
        new("INPUT", ["-p", "tcp", "-s", $"{host}/32", "--sport", $"{port}"]),
    ];

    /// <summary>
    /// Where br_netfilter is loaded (net.bridge.bridge-nf-call-iptables=1, the default once Docker or similar loaded
    /// it), bridged frames pass the root namespace's FORWARD chain, and packets for the bridge's own address its INPUT
    /// chain; a DROP policy there (Docker sets one on FORWARD) would cut every link. These let just this bridge through.
    /// </summary>
    public static IReadOnlyList<DropRule> HostAccept(string bridge, string comment) =>
    [
        new("FORWARD", ["-i", bridge, "-o", bridge, "-m", "comment", "--comment", comment], "ACCEPT"),
        new("INPUT", ["-i", bridge, "-m", "comment", "--comment", comment], "ACCEPT"),
    ];

    /// <summary>The iptables arguments for <paramref name="command"/> (<c>-A</c>, <c>-I</c>, <c>-C</c> or <c>-D</c>) on this rule; <c>-w</c> waits for the xtables lock rather than failing when another tool holds it.</summary>
    public string[] Arguments(string command) => ["-w", command, Chain, .. Match, "-j", Target];

    /// <summary>The rule as <c>iptables -S</c> prints it, for logs and tests.</summary>
    public override string ToString() => string.Join(' ', Arguments("-A").Skip(1));
}

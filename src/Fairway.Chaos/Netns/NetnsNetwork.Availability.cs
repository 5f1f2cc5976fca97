namespace Fairway.Chaos.Netns;

public sealed partial class NetnsNetwork
{
    private static readonly Lazy<string?> Verdict = new(Probe, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Null when namespaces and iptables can be used here: root, <c>ip</c> and <c>iptables</c> on PATH, and a probe
    /// namespace can be made, given a veth, and an iptables rule added and removed inside it. Otherwise a one-line
    /// reason for the user. Probed once per process.
    /// </summary>
    public static string? Unavailable() => Verdict.Value;

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "network namespaces need Linux";
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return "network namespaces need root (run as root, or skip the namespace part)";
        }

        foreach (var tool in new[] { ("ip", "iproute2"), ("iptables", "iptables") })
        {
            if (!OnPath(tool.Item1))
            {
                return $"`{tool.Item1}` is not on PATH (Debian package {tool.Item2})";
            }
        }

        var names = NetnsNames.Next();
        var name = names.Namespace(0);
        var probeRule = new DropRule("OUTPUT", ["-d", "10.213.255.254/32"]);
        try
        {
            HostCommand.Run("ip", "netns", "add", name);
            HostCommand.Run("ip", "link", "add", names.Veth(0), "type", "veth", "peer", "name", "eth0", "netns", name);
            HostCommand.Run("ip", ["netns", "exec", name, "iptables", .. probeRule.Arguments("-A")]);
            HostCommand.Run("ip", ["netns", "exec", name, "iptables", .. probeRule.Arguments("-D")]);
            return null;
        }
        catch (InvalidOperationException e)
        {
            return $"network namespaces with iptables do not work here: {e.Message}";
        }
        finally
        {
            HostCommand.TryRun("ip", "link", "del", names.Veth(0));
            HostCommand.TryRun("ip", "netns", "del", name);
        }
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, program)));
}

namespace Fairway.Chaos.Netns;

/// <summary>
/// Removes what a killed earlier run left behind (its namespaces, links and root-namespace rules), recognised by the
/// <see cref="NetnsNames"/> prefix and a pid that no longer runs. New names never clash with leftovers anyway; this
/// only keeps them from piling up. A leftover whose pid was reused stays, which is the safe way to be wrong.
/// </summary>
internal static class StaleNetns
{
    public static void Remove()
    {
        // `iptables -S` quotes the comment; ours has no spaces, so dropping the quotes gives back the exact arguments.
        foreach (var rule in Lines("iptables", "-w", "-S").Where(l => l.StartsWith("-A ", StringComparison.Ordinal) && Stale(CommentOf(l))))
        {
            HostCommand.TryRun("iptables", ["-w", "-D", .. rule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(w => w.Trim('"'))]);
        }

        // Outer veth ends print as "fw…-v0@if2"; the name is the part before the '@'.
        foreach (var link in Lines("ip", "-o", "link", "show").Select(LinkName).Where(Stale))
        {
            HostCommand.TryRun("ip", "link", "del", link);
        }

        // `ip netns list` prints "name (id: 3)" for namespaces the kernel has numbered.
        foreach (var name in Lines("ip", "netns", "list").Select(l => l.Split(' ')[0]).Where(Stale))
        {
            HostCommand.TryRun("ip", "netns", "del", name);
        }
    }

    internal static bool Stale(string name) =>
        NetnsNames.OwnerPid(name) is { } pid && pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}");

    internal static string LinkName(string ipOLinkLine)
    {
        var parts = ipOLinkLine.Split(':', 3);
        return parts.Length < 3 ? string.Empty : parts[1].Trim().Split('@')[0];
    }

    private static string CommentOf(string rule)
    {
        var words = rule.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var at = Array.IndexOf(words, "--comment");
        return at >= 0 && at + 1 < words.Length ? words[at + 1].Trim('"') : string.Empty;
    }

    private static IEnumerable<string> Lines(string program, params string[] args)
    {
        try
        {
            return HostCommand.Run(program, args).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
        catch (InvalidOperationException)
        {
            // Clean-up is a courtesy; a failure to list is not a reason to refuse a new network.
            return [];
        }
    }
}

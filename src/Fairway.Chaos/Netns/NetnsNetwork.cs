using System.Diagnostics;
using System.Net;

namespace Fairway.Chaos.Netns;

/// <summary>
/// Validators in network namespaces of their own, joined by veth pairs to one bridge in the root namespace, with
/// links cut by iptables rules inside the namespaces: a cut is silence at the kernel, which a TCP proxy cannot fake
/// for traffic that does not pass through it. Needs root, <c>ip</c> and <c>iptables</c>; see <see cref="Unavailable"/>.
/// </summary>
public sealed partial class NetnsNetwork : IDisposable
{
    private readonly NetnsNames names;
    private readonly Lock gate = new();

    // What Create made so far, so that Dispose undoes exactly that even after a failure midway.
    private readonly List<string> namespaces = [];
    private readonly List<string> veths = [];
    private readonly List<DropRule> hostRules = [];
    private bool bridgeMade;
    private bool disposed;
    private IPAddress subnet = IPAddress.None;

    private NetnsNetwork(NetnsNames names, int count)
    {
        this.names = names;
        Count = count;
    }

    public int Count { get; }

    /// <summary>The root namespace's address on the bridge; clients and proxies in the root namespace use it.</summary>
    public IPAddress HostAddress => Subnet.At(subnet, 1);

    internal string BridgeName => names.Bridge;

    public string Name(int i) => names.Namespace(Index(i));

    /// <summary>Validator <paramref name="i"/>'s address inside its namespace.</summary>
    public IPAddress Address(int i) => Subnet.At(subnet, Index(i) + 2);

    /// <summary>A new start info running the same program inside namespace <paramref name="i"/>, with the same arguments, environment, redirects and working directory.</summary>
    public ProcessStartInfo Wrap(ProcessStartInfo start, int i)
    {
        ArgumentNullException.ThrowIfNull(start);
        var wrapped = new ProcessStartInfo("ip")
        {
            UseShellExecute = false,
            WorkingDirectory = start.WorkingDirectory,
            RedirectStandardInput = start.RedirectStandardInput,
            RedirectStandardOutput = start.RedirectStandardOutput,
            RedirectStandardError = start.RedirectStandardError,
            StandardInputEncoding = start.StandardInputEncoding,
            StandardOutputEncoding = start.StandardOutputEncoding,
            StandardErrorEncoding = start.StandardErrorEncoding,
            CreateNoWindow = start.CreateNoWindow,
        };

        // `ip netns exec` execs the program in place, so the started process is the program itself (kill, exit code and
        // pid all behave as without the wrapper); it passes the environment through.
        string[] prefix = ["netns", "exec", Name(i), start.FileName];
        if (start.ArgumentList.Count > 0 || string.IsNullOrEmpty(start.Arguments))
        {
            foreach (var arg in prefix.Concat(start.ArgumentList))
            {
                wrapped.ArgumentList.Add(arg);
            }
        }
        else
        {
            wrapped.Arguments = string.Join(' ', prefix.Select(Quote)) + " " + start.Arguments;
        }

        wrapped.Environment.Clear();
        foreach (var (key, value) in start.Environment)
        {
            wrapped.Environment[key] = value;
        }

        return wrapped;
    }

    /// <summary>Silences the link between <paramref name="from"/> and <paramref name="to"/> both ways, as seen from <paramref name="from"/>; idempotent.</summary>
    public void Cut(int from, int to) => Add(from, DropRule.Link(Address(Peer(from, to))));

    /// <summary>Silences TCP between namespace <paramref name="from"/> and <see cref="HostAddress"/>:<paramref name="port"/>, for links through a proxy in the root namespace; idempotent.</summary>
    public void CutHost(int from, int port) => Add(from, DropRule.HostPort(HostAddress, Port(port)));

    public void Restore(int from, int to) => Remove(from, DropRule.Link(Address(Peer(from, to))));

    /// <summary>Undoes <see cref="CutHost"/>.</summary>
    public void RestoreHost(int from, int port) => Remove(from, DropRule.HostPort(HostAddress, Port(port)));

    /// <summary>Removes every cut. The namespaces are this instance's alone, so every rule in them is one it added.</summary>
    public void HealAll()
    {
        lock (gate)
        {
            for (var i = 0; i < Count; i++)
            {
                IptablesIn(i, "-w", "-F", "INPUT");
                IptablesIn(i, "-w", "-F", "OUTPUT");
            }
        }
    }

    /// <summary>The rules in force in namespace <paramref name="i"/>, as <c>iptables -S</c> prints them.</summary>
    public IReadOnlyList<string> Rules(int i) =>
        [.. IptablesIn(i, "-w", "-S").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith("-A ", StringComparison.Ordinal))];

    private void Add(int from, IReadOnlyList<DropRule> rules)
    {
        lock (gate)
        {
            foreach (var rule in rules.Where(r => !Holds(from, r)))
            {
                IptablesIn(from, rule.Arguments("-A"));
            }
        }
    }

    private void Remove(int from, IReadOnlyList<DropRule> rules)
    {
        lock (gate)
        {
            foreach (var rule in rules.Where(r => Holds(from, r)))
            {
                IptablesIn(from, rule.Arguments("-D"));
            }
        }
    }

    private bool Holds(int i, DropRule rule) => HostCommand.TryRun("ip", ["netns", "exec", Name(i), "iptables", .. rule.Arguments("-C")]);

    private string IptablesIn(int i, params string[] args)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return HostCommand.Run("ip", ["netns", "exec", Name(i), "iptables", .. args]);
    }

    private int Index(int i)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(i);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(i, Count);
        return i;
    }

    private int Peer(int from, int to)
    {
        Index(from);
        Index(to);
        return from != to ? to : throw new ArgumentException($"a namespace has no link to itself ({from})", nameof(to));
    }

    private static int Port(int port)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        return port;
    }

    private static string Quote(string arg) =>
        arg.Length > 0 && !arg.Any(c => char.IsWhiteSpace(c) || c == '"') ? arg : $"\"{arg.Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
}

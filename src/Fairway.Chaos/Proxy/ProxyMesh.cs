using System.Net;
using System.Text;

namespace Fairway.Chaos.Proxy;

/// <summary>
/// A proxy for every ordered pair of validators. Validator i dials <see cref="ProxyFor"/>(i, j) to reach j and sends
/// only on that connection, so the link (i, j) carries i's traffic to j (and j's replies on it); partitions set both
/// directions of a pair.
/// </summary>
public sealed class ProxyMesh : IAsyncDisposable
{
    private readonly FaultProxy?[,] _links;

    private ProxyMesh(FaultProxy?[,] links, int count)
    {
        _links = links;
        Count = count;
    }

    public int Count { get; }

    public static ProxyMesh Start(IReadOnlyList<IPEndPoint> validators, int seed) => Start(validators, seed, IPAddress.Loopback);

    /// <summary>Every proxy listening on <paramref name="listen"/>: loopback, or the bridge's address when validators run in network namespaces.</summary>
    public static ProxyMesh Start(IReadOnlyList<IPEndPoint> validators, int seed, IPAddress listen)
    {
        ArgumentNullException.ThrowIfNull(validators);
        var count = validators.Count;
        var links = new FaultProxy?[count, count];
        try
        {
            for (var from = 0; from < count; from++)
            {
                for (var to = 0; to < count; to++)
                {
                    if (from != to)
                    {
                        links[from, to] = FaultProxy.Start(validators[to], LinkSeed(seed, from, to), TimeProvider.System, listen);
                    }
                }
            }
        }
        catch
        {
            // Listeners already opened must not outlive a mesh that failed to start.
            foreach (var link in links)
            {
                link?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            throw;
        }

        return new ProxyMesh(links, count);
    }

    public IPEndPoint ProxyFor(int from, int to) => Link(from, to).ListenEndPoint;

    public FaultProxy Link(int from, int to)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(from);
        ArgumentOutOfRangeException.ThrowIfNegative(to);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(from, Count);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(to, Count);
        if (from == to)
        {
            throw new ArgumentException($"validator {from} has no link to itself", nameof(to));
        }

        return _links[from, to]!;
    }

    public void Set(int from, int to, LinkFaults faults) => Link(from, to).Faults = faults;

    public void SetAll(LinkFaults faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        foreach (var (_, _, link) in Links())
        {
            link.Faults = faults;
        }
    }

    /// <summary>
    /// Links between different groups are blocked both ways, links inside a group are cleared of every fault; a
    /// validator named in no group is a group of its own.
    /// </summary>
    public void Partition(IReadOnlyList<IReadOnlyList<int>> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var groupOf = new int[Count];
        for (var node = 0; node < Count; node++)
        {
            groupOf[node] = groups.Count + node;
        }

        for (var group = 0; group < groups.Count; group++)
        {
            foreach (var node in groups[group])
            {
                CheckNode(node, nameof(groups));
                if (groupOf[node] < groups.Count)
                {
                    throw new ArgumentException($"validator {node} is in more than one group", nameof(groups));
                }

                groupOf[node] = group;
            }
        }

        Apply((from, to) => groupOf[from] != groupOf[to]);
    }

    public void Isolate(int node)
    {
        CheckNode(node, nameof(node));
        Partition([[node], [.. Enumerable.Range(0, Count).Where(n => n != node)]]);
    }

    /// <summary>
    /// Left and right cannot reach each other but both reach <paramref name="bridge"/>; links inside each side are
    /// cleared. A validator named nowhere is cut off from all, as in <see cref="Partition"/>.
    /// </summary>
    public void Bridge(IReadOnlyList<int> left, IReadOnlyList<int> right, int bridge)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        CheckNode(bridge, nameof(bridge));
        // 0 named nowhere, 1 left, 2 right, 3 the bridge.
        var side = new int[Count];
        side[bridge] = 3;
        foreach (var (nodes, mark, name) in new[] { (left, 1, nameof(left)), (right, 2, nameof(right)) })
        {
            foreach (var node in nodes)
            {
                CheckNode(node, name);
                if (side[node] != 0)
                {
                    throw new ArgumentException($"validator {node} is named twice", name);
                }

                side[node] = mark;
            }
        }

        Apply((from, to) =>
        {
            var (a, b) = (side[from], side[to]);
            var talk = a == b ? a != 0 : (a == 3 && b != 0) || (b == 3 && a != 0);
            return !talk;
        });
    }

    public void Heal() => SetAll(LinkFaults.None);

    /// <summary>One log line: the links with faults, grouped by fault, or "all links clear".</summary>
    public string Describe()
    {
        var byFault = new Dictionary<LinkFaults, List<string>>();
        var order = new List<LinkFaults>();
        foreach (var (from, to, link) in Links())
        {
            var faults = link.Faults;
            if (faults.IsNone)
            {
                continue;
            }

            if (!byFault.TryGetValue(faults, out var names))
            {
                byFault[faults] = names = [];
                order.Add(faults);
            }

            names.Add($"{from}->{to}");
        }

        if (order.Count == 0)
        {
            return "all links clear";
        }

        var line = new StringBuilder();
        foreach (var faults in order)
        {
            if (line.Length > 0)
            {
                line.Append("; ");
            }

            line.Append(faults).Append(": ").AppendJoin(' ', byFault[faults]);
        }

        return line.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Links().Select(l => l.Link.DisposeAsync().AsTask())).ConfigureAwait(false);
    }

    private static int LinkSeed(int seed, int from, int to) =>
        unchecked((int)(((uint)seed * 2_654_435_761u) ^ (uint)((from * 65_537) + to)));

    private IEnumerable<(int From, int To, FaultProxy Link)> Links()
    {
        for (var from = 0; from < Count; from++)
        {
            for (var to = 0; to < Count; to++)
            {
                if (_links[from, to] is { } link)
                {
                    yield return (from, to, link);
                }
            }
        }
    }

    private void Apply(Func<int, int, bool> blocked)
    {
        foreach (var (from, to, link) in Links())
        {
            link.Faults = blocked(from, to) ? LinkFaults.BlockedOnly : LinkFaults.None;
        }
    }

    private void CheckNode(int node, string parameter)
    {
        if (node < 0 || node >= Count)
        {
            throw new ArgumentOutOfRangeException(parameter, node, $"validators are numbered 0 to {Count - 1}");
        }
    }
}

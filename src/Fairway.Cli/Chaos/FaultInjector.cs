using System.Globalization;
using Fairway.Chaos;
using Fairway.Chaos.History;
using Fairway.Chaos.Proxy;
using Fairway.Chaos.Schedule;

namespace Fairway.Cli.Chaos;

/// <summary>
/// Carries out a planned schedule against the network: each fault applied at its start and healed at its end, every
/// one recorded with the validators it touched and the times it was actually applied and healed. A fault that cannot
/// be injected here (a disk fault without tmpfs mounts, a leader fault when no validator names a leader) is skipped
/// and reported, never silently dropped.
/// </summary>
internal sealed class FaultInjector(ChaosNetwork network, ProgressRecorder progress, ChaosClock clock, TextWriter log)
{
    /// <summary>Half of a node's default <c>disk_reserve_bytes</c> (64 MiB).</summary>
    private const long DiskLowLeavesBytes = 32L * 1024 * 1024;

    private readonly List<FaultRecord> _records = [];
    private readonly List<string> _skipped = [];
    private readonly Dictionary<FaultKind, int> _counts = FaultKinds.All.ToDictionary(k => k, _ => 0);
    private readonly long[] _diskFilledSince = Enumerable.Repeat(-1L, network.Nodes.Count).ToArray();
    private readonly long[] _diskHealedAt = Enumerable.Repeat(-1_000_000_000L, network.Nodes.Count).ToArray();

    /// <summary>Validator <paramref name="node"/>'s disk is full right now.</summary>
    public bool DiskFull(int node) => Interlocked.Read(ref _diskFilledSince[node]) >= 0;

    /// <summary>Validator <paramref name="node"/>'s disk is full now or was within <paramref name="withinMs"/>.</summary>
    public bool DiskFullRecently(int node, long withinMs) => DiskFull(node) || clock.NowMs - Interlocked.Read(ref _diskHealedAt[node]) <= withinMs;

    public IReadOnlyList<FaultRecord> Records => _records;

    public IReadOnlyList<string> Skipped => _skipped;

    public IReadOnlyDictionary<FaultKind, int> Counts => _counts;

    /// <summary>The fault in force now, for the live log and the stall's cause; null between faults.</summary>
    public PlannedFault? Active { get; private set; }

    public async Task RunAsync(IReadOnlyList<PlannedFault> plan, CancellationToken stop)
    {
        foreach (var fault in plan)
        {
            if (!await WaitUntilAsync(fault.StartMs, stop).ConfigureAwait(false))
            {
                return;
            }

            var nodes = Apply(fault, out var why);
            if (nodes is null)
            {
                _skipped.Add($"{fault.Describe()}: {why}");
                log.WriteLine($"fairway chaos: skipped {fault.Describe()}: {why}");
                continue;
            }

            var started = clock.NowMs;
            Active = fault;
            _counts[fault.Kind]++;
            log.WriteLine($"fairway chaos: {started / 1000.0:0.0} s: {fault.Describe()} -> validators {string.Join(',', nodes)}{(fault.Kind is FaultKind.Partition or FaultKind.Delay or FaultKind.Loss ? $" [{network.Mesh.Describe()}]" : "")}");
            var completed = await WaitUntilAsync(fault.EndMs, stop).ConfigureAwait(false);

            // Healed also when the campaign is stopped early: the network is left whole for the final reads.
            Heal(fault, nodes);
            Active = null;
            var healed = clock.NowMs;
            _records.Add(new FaultRecord(FaultKinds.Name(fault.Kind), $"{fault.Variant}{(fault.Amount != 0 ? " " + fault.Amount.ToString(CultureInfo.InvariantCulture) : "")}", started, healed, nodes));
            log.WriteLine($"fairway chaos: {healed / 1000.0:0.0} s: healed #{fault.Sequence}");
            if (!completed)
            {
                return;
            }
        }
    }

    private async Task<bool> WaitUntilAsync(long atMs, CancellationToken stop)
    {
        var wait = atMs - clock.NowMs;
        if (wait <= 0)
        {
            return !stop.IsCancellationRequested;
        }

        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(wait), stop).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private IReadOnlyList<int>? Apply(PlannedFault fault, out string why)
    {
        why = "";
        var mesh = network.Mesh;
        int[] targets = [.. fault.Nodes];
        if (fault.TargetsLeader)
        {
            if (progress.Leader is not { } leader)
            {
                why = "no validator named a leader";
                return null;
            }

            targets = [leader];
        }

        switch (fault.Kind, fault.Variant)
        {
            case (FaultKind.Partition, "bridge"):
                if (network.Netns is { } bridged)
                {
                    CutBetween(bridged, fault.Groups[0], fault.Groups[1]);
                }
                else
                {
                    mesh.Bridge(fault.Groups[0], fault.Groups[1], targets[0]);
                }

                return [.. fault.Groups[0], .. fault.Groups[1], targets[0]];
            case (FaultKind.Partition, _):
                var groups = fault.TargetsLeader
                    ? [[targets[0]], Enumerable.Range(0, network.Nodes.Count).Where(n => n != targets[0]).ToList()]
                    : fault.Groups;
                if (network.Netns is { } split)
                {
                    CutBetween(split, groups[0], groups[1]);
                }
                else
                {
                    mesh.Partition(groups);
                }

                return targets;
            case (FaultKind.Delay, "all"):
                mesh.SetAll(new LinkFaults { DelayMs = (int)fault.Amount, JitterMs = (int)fault.Amount / 2 });
                return Enumerable.Range(0, network.Nodes.Count).ToList();
            case (FaultKind.Delay, "node"):
                SetAround(targets[0], new LinkFaults { DelayMs = (int)fault.Amount, JitterMs = (int)fault.Amount / 4 }, both: true);
                return targets;
            case (FaultKind.Delay, "bandwidth"):
                SetAround(targets[0], new LinkFaults { BandwidthBytesPerSecond = (int)fault.Amount }, both: true);
                return targets;
            case (FaultKind.Loss, "cuts"):
                SetAround(targets[0], new LinkFaults { CutsPerSecond = fault.Amount / 1000.0 }, both: true);
                return targets;
            case (FaultKind.Loss, "stall"):
                SetAround(targets[0], new LinkFaults { Stalled = true }, both: false);
                return targets;
            case (FaultKind.Kill, _):
                foreach (var node in targets)
                {
                    network.Kill(node);
                }

                return targets;
            case (FaultKind.Pause, _):
                network.Pause(targets[0]);
                return targets;
            case (FaultKind.Disk, _):
                if (!network.DisksMounted)
                {
                    why = "the data directories are not on tmpfs mounts (needs root)";
                    return null;
                }

                Interlocked.Exchange(ref _diskFilledSince[targets[0]], clock.NowMs);
                // "low" leaves half of the node's default free-space reserve: it must refuse work and stay up; "fill"
                // leaves nothing: it must stop cleanly without corrupting anything, and resume once space is back.
                var leave = fault.Variant == "low" ? DiskLowLeavesBytes : 0;
                var filled = Tmpfs.Fill(FillerPath(targets[0]), leave);
                log.WriteLine($"fairway chaos: filled validator {targets[0]}'s disk with {filled / (1024 * 1024)} MiB, leaving {leave / (1024 * 1024)} MiB");
                return targets;
            case (FaultKind.Clock, _):
                File.WriteAllText(network.ClockFile(targets[0]), fault.Amount.ToString(CultureInfo.InvariantCulture));
                return targets;
            default:
                why = $"no injector for {fault.Kind}/{fault.Variant}";
                return null;
        }
    }

    private void Heal(PlannedFault fault, IReadOnlyList<int> nodes)
    {
        switch (fault.Kind)
        {
            case FaultKind.Partition or FaultKind.Delay or FaultKind.Loss:
                network.Mesh.Heal();
                network.Netns?.HealAll();
                break;
            case FaultKind.Kill:
                foreach (var node in nodes)
                {
                    network.Restart(node);
                }

                break;
            case FaultKind.Pause:
                network.Resume(nodes[0]);
                break;
            case FaultKind.Disk:
                File.Delete(FillerPath(nodes[0]));
                Interlocked.Exchange(ref _diskHealedAt[nodes[0]], clock.NowMs);
                Interlocked.Exchange(ref _diskFilledSince[nodes[0]], -1);
                break;
            case FaultKind.Clock:
                File.WriteAllText(network.ClockFile(nodes[0]), "0");
                break;
        }
    }

    /// <summary>
    /// With validators in network namespaces, a partition is iptables rules: in each validator's namespace, packets to
    /// the proxies that carry its links to the other side are dropped, both ways, so those links go silent.
    /// </summary>
    private void CutBetween(Fairway.Chaos.Netns.NetnsNetwork netns, IReadOnlyList<int> left, IReadOnlyList<int> right)
    {
        foreach (var a in left)
        {
            foreach (var b in right)
            {
                netns.CutHost(a, network.Mesh.ProxyFor(a, b).Port);
                netns.CutHost(b, network.Mesh.ProxyFor(b, a).Port);
            }
        }
    }

    /// <summary>Every link from (and, with <paramref name="both"/>, to) <paramref name="node"/>.</summary>
    private void SetAround(int node, LinkFaults faults, bool both)
    {
        for (var other = 0; other < network.Nodes.Count; other++)
        {
            if (other == node)
            {
                continue;
            }

            network.Mesh.Set(node, other, faults);
            if (both)
            {
                network.Mesh.Set(other, node, faults);
            }
        }
    }

    private string FillerPath(int node) => Path.Combine(network.DataDirs[node], "chaos-filler");
}

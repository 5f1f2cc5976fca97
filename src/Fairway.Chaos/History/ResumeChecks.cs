namespace Fairway.Chaos.History;

/// <summary>
/// The liveness check after each healed fault: the cluster commits again within the bound, and a node that was killed,
/// paused or restarted catches up with where the cluster was when it came back. The bound counts time free of other
/// faults: a later fault that starts inside it pushes the deadline back by its own length. Otherwise a leader killed and
/// restarted 8 s before every validator was killed was judged on a catch-up the second fault had interrupted (seed 2).
/// </summary>
internal static class ResumeChecks
{
    private static readonly HashSet<string> NodeDownKinds = new(StringComparer.Ordinal) { "kill", "pause", "restart" };

    public static void Run(ChaosHistory history, CheckOptions options, ProgressTimeline progress, FindingSink findings)
    {
        foreach (var fault in history.Faults)
        {
            if (fault.HealedAtMs is not { } healed)
                continue;
            var deadline = Deadline(history.Faults, fault, healed, options.ResumeBoundMs);
            if (deadline > history.EndMs)
                continue;
            var atHeal = progress.MaxAtOrBefore(healed);
            var name = $"{fault.Kind} ({fault.Detail})";
            var highest = atHeal;
            for (var i = progress.FirstAfter(healed); i < progress.Count && progress.At(i) <= deadline; i++)
                highest = Math.Max(highest, progress.Max(i) ?? 0);
            if (highest <= atHeal)
            {
                findings.Add(FindingKinds.NoResume,
                    $"{name} healed at {healed} ms: the highest committed height stayed at {atHeal} until {deadline} ms");
            }
            if (!NodeDownKinds.Contains(fault.Kind))
                continue;
            foreach (var node in fault.Nodes.Distinct())
            {
                var reached = NodeHighest(progress, node, healed, deadline);
                if (reached is not { } r || r < atHeal)
                {
                    findings.Add(FindingKinds.NoResume,
                        $"{name} healed at {healed} ms: node {node} reached {(reached is { } h ? $"height {h}" : "no reported height")} " +
                        $"by {deadline} ms, short of height {atHeal} the cluster had at the heal");
                }
            }
        }
    }

    private static long Deadline(IReadOnlyList<FaultRecord> faults, FaultRecord fault, long healed, long boundMs)
    {
        var deadline = healed + boundMs;
        // In start order, so a fault that begins inside a deadline already pushed back is counted too.
        foreach (var later in faults.Where(f => !ReferenceEquals(f, fault) && f.StartMs >= healed).OrderBy(f => f.StartMs))
        {
            if (later.StartMs >= deadline)
                break;
            deadline += (later.HealedAtMs ?? long.MaxValue / 4) - later.StartMs;
        }
        return deadline;
    }

    private static ulong? NodeHighest(ProgressTimeline progress, int node, long fromMs, long toMs)
    {
        ulong? highest = null;
        // A sample taken at the heal moment itself counts: the node may never have fallen behind.
        for (var i = progress.FirstAfter(fromMs - 1); i < progress.Count && progress.At(i) <= toMs; i++)
        {
            if (progress.Height(i, node) is { } h && (highest is null || h > highest))
                highest = h;
        }
        return highest;
    }
}

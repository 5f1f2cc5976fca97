namespace Fairway.Chaos.History;

/// <summary>Finds the longest stretch the highest committed height stood still, and the faults to blame for it.</summary>
internal static class StallAnalysis
{
    // A fault healed just before a stall began still explains it: the cluster needs a moment to recover.
    private const long RecentlyHealedMs = 1_000;

    public static StallReport Longest(ProgressTimeline progress, IReadOnlyList<FaultRecord> faults)
    {
        long? lastAdvance = null, lastSeen = null, bestStart = null;
        long best = 0;
        ulong highest = 0;
        for (var i = 0; i < progress.Count; i++)
        {
            if (progress.Max(i) is not { } max)
                continue;
            var at = progress.At(i);
            lastSeen = at;
            if (lastAdvance is null)
            {
                (lastAdvance, highest) = (at, max);
                continue;
            }
            if (max <= highest)
                continue;
            if (at - lastAdvance.Value > best)
                (best, bestStart) = (at - lastAdvance.Value, lastAdvance);
            (lastAdvance, highest) = (at, max);
        }
        // A stall still going on at the last sample counts as far as the samples reach.
        if (lastAdvance is { } since && lastSeen is { } end && end - since > best)
            (best, bestStart) = (end - since, since);
        if (bestStart is not { } start || best == 0)
            return new StallReport(0, "none", 0);
        var stop = start + best;
        var causes = faults
            .Where(f => f.StartMs < stop && (f.HealedAtMs ?? long.MaxValue) >= start - RecentlyHealedMs)
            .Select(f => $"{f.Kind} {f.Detail}")
            .Distinct()
            .ToList();
        return new StallReport(best, causes.Count == 0 ? "none" : string.Join("; ", causes), start);
    }
}

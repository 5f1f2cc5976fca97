namespace Fairway.Chaos.History;

/// <summary>
/// Decides a campaign from its history alone: safety (what was firm stays, where it was said to be, the same on every
/// node and stream), receipts honoured unless their validator crashed, and progress after every healed fault.
/// </summary>
public static class HistoryChecker
{
    public const int MaxFindings = 1_000;

    public static CheckResult Check(ChaosHistory history, CheckOptions options)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(options);
        var findings = new FindingSink(MaxFindings);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var outputs = OutputIndex.Build(history.Outputs, findings);
        OpChecks.Run(history, options, outputs, findings, counts);
        StreamChecks.Run(history, outputs, findings);
        var progress = new ProgressTimeline(history.Progress);
        ResumeChecks.Run(history, options, progress, findings);
        var stall = StallAnalysis.Longest(progress, history.Faults);

        var kept = findings.Select();
        counts["deliveries"] = history.Deliveries.Count;
        counts["reconnects"] = history.Reconnects.Count;
        counts["heights_compared"] = outputs.HeightsCompared;
        counts["outputs_ignored"] = outputs.Ignored;
        foreach (var kind in FindingKinds.All)
            counts[$"findings_{kind}"] = findings.Total(kind);
        counts["findings_truncated"] = findings.TotalAll - kept.Count;
        return new CheckResult(kept, stall, counts);
    }
}

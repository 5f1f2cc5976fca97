namespace Fairway.Chaos.History;

/// <summary>One violation. Kind is a stable snake_case code (see <see cref="FindingKinds"/>); Detail names tx, node, height.</summary>
public sealed record Finding(string Kind, string Detail);

/// <summary>
/// The longest time the highest committed height did not advance, when that stretch began, and the faults active
/// during it or healed within a second before it ("none" if there were none).
/// </summary>
public sealed record StallReport(long LongestStallMs, string Cause, long AtMs);

/// <summary>The verdict: no findings means the run passed. Counts carries the tallies a report prints.</summary>
public sealed record CheckResult(IReadOnlyList<Finding> Findings, StallReport LongestStall, IReadOnlyDictionary<string, int> Counts)
{
    public bool Passed => Findings.Count == 0;
}

namespace Fairway.Chaos.Schedule;

/// <summary>
/// One fault of a campaign: what, to which validators, from when and for how long (ms since the campaign started).
/// <paramref name="Variant"/> picks the shape within a kind (see <see cref="FaultSchedule"/>); <paramref name="Nodes"/>
/// is empty when the validator is only known at run time (the leader at that moment, <paramref name="TargetsLeader"/>)
/// or when the fault touches every link. <paramref name="Amount"/> is the kind's size: a delay or jitter in ms, cuts per
/// second times 1,000, a bandwidth in bytes per second, a clock jump in ms.
/// </summary>
public sealed record PlannedFault(
    int Sequence,
    FaultKind Kind,
    string Variant,
    long StartMs,
    long DurationMs,
    IReadOnlyList<int> Nodes,
    bool TargetsLeader,
    long Amount)
{
    /// <summary>For partitions: the sides that cannot reach each other (a bridge's two sides; its bridge is in <see cref="Nodes"/>).</summary>
    public IReadOnlyList<IReadOnlyList<int>> Groups { get; init; } = [];

    public long EndMs => StartMs + DurationMs;

    public string Describe() =>
        $"#{Sequence} {FaultKinds.Name(Kind)}/{Variant}"
        + (TargetsLeader ? " on the leader" : Nodes.Count > 0 ? $" on {string.Join(',', Nodes)}" : "")
        + (Amount != 0 ? $" ({Amount})" : "")
        + $" at {StartMs / 1000.0:0.#} s for {DurationMs / 1000.0:0.#} s";
}

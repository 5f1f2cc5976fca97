using System.Text.Json.Serialization;

namespace Fairway.Chaos.History;

/// <summary>
/// A fault the campaign injected. Kind is one of partition, delay, loss, kill, pause, disk, clock, restart; HealedAtMs
/// is null when it was never healed.
/// </summary>
public sealed record FaultRecord(
    string Kind,
    string Detail,
    long StartMs,
    // Written even when null: "never healed" is a statement, and a history file that drops it is malformed.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? HealedAtMs,
    IReadOnlyList<int> Nodes)
{
    /// <summary>Whether the fault's span [StartMs, HealedAtMs] (open-ended if never healed) meets [fromMs, toMs].</summary>
    public bool Overlaps(long fromMs, long toMs) => StartMs <= toMs && (HealedAtMs ?? long.MaxValue) >= fromMs;
}

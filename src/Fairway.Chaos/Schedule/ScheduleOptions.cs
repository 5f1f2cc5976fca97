namespace Fairway.Chaos.Schedule;

/// <summary>The rhythm of a campaign: quiet at the start, then one fault at a time, each followed by time to recover.</summary>
public sealed record ScheduleOptions
{
    /// <summary>No fault before this: the network forms and the load settles.</summary>
    public long WarmupMs { get; init; } = 10_000;

    public long FaultMinMs { get; init; } = 4_000;

    public long FaultMaxMs { get; init; } = 10_000;

    /// <summary>After each heal, this long without a fault, so a stall is charged to the fault that caused it.</summary>
    public long RecoveryMs { get; init; } = 8_000;

    /// <summary>No fault in the last stretch: what was acknowledged must have settled by the end.</summary>
    public long TailMs { get; init; } = 5_000;
}

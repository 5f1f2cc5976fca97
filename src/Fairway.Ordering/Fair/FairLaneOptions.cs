namespace Fairway.Ordering.Fair;

/// <summary>How a validator runs the inclusion stage of the <c>fair</c> policy.</summary>
public sealed record FairLaneOptions
{
    /// <summary>Δ: a transaction is listed once this validator has held it this long (<c>fair_delay_ms</c>).</summary>
    public ulong DelayMs { get; init; } = 250;

    /// <summary>How far honest clocks may differ (<c>clock_skew_ms</c>): the slack on a list's clock reading.</summary>
    public ulong SkewMs { get; init; } = 500;

    /// <summary>How old a list may be when a voter checks it, beyond the skew: a round's lists are made within a round.</summary>
    public ulong ListAgeMaxMs { get; init; } = 10_000;

    /// <summary>Transactions awaiting inclusion this validator remembers receive times for; past it, new ones are refused.</summary>
    public int ReceiveCapacity { get; init; } = 400_000;

    /// <summary>Entries in one of this validator's lists; older ones go first, the rest wait a round.</summary>
    public int EntriesPerList { get; init; } = 4_096;

    public void Validate()
    {
        if (DelayMs > 60_000 || SkewMs > 60_000 || ListAgeMaxMs is 0 or > 600_000)
        {
            throw new ArgumentException("fair_delay_ms and clock_skew_ms must be at most 60000, the list age between 1 and 600000 ms");
        }

        if (ReceiveCapacity < 1 || EntriesPerList < Core.Inclusion.CandidateList.CapFloor || EntriesPerList > Core.Inclusion.CandidateList.EntriesMax)
        {
            throw new ArgumentException(
                $"fair lane bounds must be positive, entries per list between {Core.Inclusion.CandidateList.CapFloor} and {Core.Inclusion.CandidateList.EntriesMax}");
        }
    }
}

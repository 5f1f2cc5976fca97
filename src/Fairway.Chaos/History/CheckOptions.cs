namespace Fairway.Chaos.History;

/// <summary>The checker's time bounds.</summary>
public sealed record CheckOptions
{
    /// <summary>How long after a fault heals the cluster (and a restarted or resumed node) has to make progress.</summary>
    public long ResumeBoundMs { get; init; } = 30_000;

    /// <summary>
    /// Receipts taken this close to the end are not expected in the outputs yet; the run's last stretch is for the
    /// cluster to settle.
    /// </summary>
    public long SettleMs { get; init; } = 10_000;
}

namespace Fairway.Chaos.History;

/// <summary>The finding codes, in the order a report lists them.</summary>
public static class FindingKinds
{
    public const string FirmMissing = "firm_missing";
    public const string Duplicate = "duplicate";
    public const string PositionMismatch = "position_mismatch";
    public const string OutputDivergence = "output_divergence";
    public const string PositionChanged = "position_changed";
    public const string StreamGap = "stream_gap";
    public const string ReceiptLost = "receipt_lost";
    public const string NoResume = "no_resume";
    public const string NotCommitted = "not_committed";

    public static IReadOnlyList<string> All { get; } =
        [FirmMissing, Duplicate, PositionMismatch, OutputDivergence, PositionChanged, StreamGap, ReceiptLost, NoResume, NotCommitted];
}

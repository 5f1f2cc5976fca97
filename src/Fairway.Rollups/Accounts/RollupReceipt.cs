namespace Fairway.Rollups.Accounts;

/// <summary>
/// How one transaction went, on any demo rollup: applied; failed (valid and signed, its nonce used, nothing else
/// changed); or skipped (not a transaction of this rollup's, or not its sender's next). <see cref="Amount"/> is the
/// kind's headline number when it has one: an AMM swap's output, an option's premium or payout, a liquidation bonus.
/// </summary>
public sealed record RollupReceipt(string Outcome, string? Reason, ulong Amount = 0)
{
    public const string AppliedOutcome = "applied";
    public const string FailedOutcome = "failed";
    public const string SkippedOutcome = "skipped";

    public bool IsApplied => Outcome == AppliedOutcome;

    public static RollupReceipt Applied(ulong amount = 0) => new(AppliedOutcome, null, amount);

    public static RollupReceipt Failed(string reason) => new(FailedOutcome, reason);

    public static RollupReceipt Skipped(string reason) => new(SkippedOutcome, reason);
}

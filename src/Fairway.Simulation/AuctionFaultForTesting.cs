namespace Fairway.Simulation;

/// <summary>
/// Test-only breakage of f+1 honest hosts' express-lane auction (<c>--policy auction</c>), so the tests can show that
/// each auction invariant fires. A run with anything but <see cref="None"/> is expected to fail.
/// </summary>
public enum AuctionFaultForTesting
{
    None,

    /// <summary>f+1 honest hosts output each block's express bundles in reverse sequence order.</summary>
    ExpressReversedAtFPlusOne,

    /// <summary>f+1 honest hosts output the express bundles' transactions last in their namespace, behind the fair lane.</summary>
    ExpressLastAtFPlusOne,

    /// <summary>f+1 honest hosts skim one unit off every settlement: it pays out one less than the price the auction took.</summary>
    RebateSkimmedAtFPlusOne,

    /// <summary>
    /// f+1 honest hosts hand their auction the bids revealed in an epoch only at the next epoch's first height: the auction
    /// for epoch e+1 then counts bids revealed in epoch e-1 (and the one for e none of its own).
    /// </summary>
    BidsHeldAnEpochAtFPlusOne,
}

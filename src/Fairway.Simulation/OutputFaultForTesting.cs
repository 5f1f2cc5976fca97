namespace Fairway.Simulation;

/// <summary>
/// Test-only breakage of honest hosts' output pipeline, so the tests can show that each output invariant fires. A run
/// with anything but <see cref="None"/> is expected to fail.
/// </summary>
public enum OutputFaultForTesting
{
    None,

    /// <summary>
    /// f+1 honest hosts order every namespace in reverse (a policy that differs from genesis): enough signers to certify
    /// their own output, so two honest groups certify different headers for one height.
    /// </summary>
    ReversedOrderAtFPlusOne,

    /// <summary>f+1 honest hosts add a transaction nobody submitted to every output they compute.</summary>
    InventedTransactionAtFPlusOne,

    /// <summary>f+1 honest hosts repeat the first transaction of every non-empty output they compute.</summary>
    DuplicatedTransactionAtFPlusOne,

    /// <summary>f+1 honest hosts add, to each output they compute, the first transaction of their previous non-empty one.</summary>
    RepeatedFromEarlierHeightAtFPlusOne,

    /// <summary>f+1 honest hosts drop the last leg of every bundle in the outputs they compute: a split bundle.</summary>
    SplitBundleAtFPlusOne,

    /// <summary>Every output vote is lost on the way (as if the vote traffic were cut): nothing gets certified.</summary>
    OutputVotesLost,
}

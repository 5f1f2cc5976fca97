namespace Fairway.Ordering.Output;

/// <summary>
/// Receive-order fairness. A namespace with this policy is not ordered from its batches alone: the <see cref="OrderingStage"/>
/// takes its transactions from the block's candidate lists (<see cref="Fair.FairInclusion"/>): a transaction is output
/// once validators with more than the faulty stake list it, ordered by the median of the validators' receive times, so
/// neither the leader nor any coalition of up to f validators decides who goes first.
/// </summary>
public sealed class FairPolicy : IOrderingPolicy
{
    public const string PolicyName = "fair";

    public static readonly FairPolicy Instance = new();

    public string Name => PolicyName;

    public bool FairOrdered => true;

    public string Description =>
        "receive-order fairness: included once validators with more than a third of the stake list it (after the fair delay), " +
        "ordered by the median of the validators' receive times; no leader or minority coalition can reorder, insert ahead or drop";

    /// <summary>The stage orders fair namespaces itself (it needs the block's lists); this is the order within one fair time.</summary>
    public IReadOnlyList<OrderingCandidate> Order(ulong @namespace, IReadOnlyList<OrderingCandidate> inBlockOrder) => inBlockOrder;
}

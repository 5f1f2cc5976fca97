using Fairway.Core.Output;

namespace Fairway.Ordering.Output;

/// <summary>
/// First come, first served as the leader saw it: the block's order, unchanged. The centralized baseline, kept so the
/// other policies can be compared with it on the same order flow; the leader decides the order.
/// </summary>
public sealed class FcfsPolicy : IOrderingPolicy
{
    public const string PolicyName = "fcfs";

    public static readonly FcfsPolicy Instance = new();

    public string Name => PolicyName;

    public string Description =>
        "the leader's arrival order: batches in the order the block lists them, transactions in batch order; no fairness guarantee";

    public IReadOnlyList<OrderingCandidate> Order(ulong @namespace, IReadOnlyList<OrderingCandidate> inBlockOrder) => inBlockOrder;
}

using Fairway.Ordering.Output;

namespace Fairway.Simulation;

/// <summary>Test-only: each namespace in reverse block order, a valid permutation that differs from <c>fcfs</c>.</summary>
internal sealed class ReversedOrderPolicy : IOrderingPolicy
{
    public static readonly ReversedOrderPolicy Instance = new();

    public string Name => "reversed-for-testing";

    public string Description => "block order reversed within each namespace; simulator tests only";

    public IReadOnlyList<OrderingCandidate> Order(ulong @namespace, IReadOnlyList<OrderingCandidate> inBlockOrder) =>
        [.. inBlockOrder.Reverse()];
}

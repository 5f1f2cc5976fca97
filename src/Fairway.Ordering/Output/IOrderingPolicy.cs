using Fairway.Core.Chain;
using Fairway.Core.Output;

namespace Fairway.Ordering.Output;

/// <summary>One transaction a policy may place: the transaction and where it sits in the committed block's batches.</summary>
public readonly record struct OrderingCandidate(Transaction Transaction, OutputSource Source);

/// <summary>
/// A namespace's ordering policy: given the namespace's transactions of one committed block, in the order the block
/// carries them (batches in the leader's order, each batch in its author's order, later copies of a transaction already
/// dropped), it returns them in output order. It must be a pure function of its inputs: every validator, index and
/// client relies on all validators computing the same output. A bundle's legs come as candidates whose source names
/// the leg; whatever the policy does with them, the stage then gathers each bundle's legs at its first leg's place.
/// </summary>
public interface IOrderingPolicy
{
    /// <summary>The policy's name in genesis and in the API (<c>fcfs</c>, ...).</summary>
    string Name { get; }

    /// <summary>What a client of a namespace with this policy needs to know, shown by <c>GET /v1/namespaces</c>.</summary>
    string Description { get; }

    /// <summary>
    /// True when the namespace's transactions come from the block's candidate lists (the fair rules), not from the
    /// leader's batches: the <see cref="OrderingStage"/> orders such namespaces itself.
    /// </summary>
    bool FairOrdered => false;

    /// <summary>True when the namespace's payloads are threshold ciphertexts, revealed only after their block commits.</summary>
    bool Encrypted => false;

    IReadOnlyList<OrderingCandidate> Order(ulong @namespace, IReadOnlyList<OrderingCandidate> inBlockOrder);
}

using Fairway.Core.Chain;

namespace Fairway.Core.Inbox;

/// <summary>
/// One L1 inbox entry as a validator's watcher read it from a final L1 block: its index (from 1), namespace, payload,
/// the L1 block it was posted in, and its deadline (the L1 block by which the chain must include it).
/// </summary>
public sealed record InboxItem(ulong Index, ulong Namespace, byte[] Payload, ulong PostedBlock, ulong DeadlineBlock)
{
    /// <summary>
    /// The transaction the entry is output as: its namespace and payload exactly as posted. A payload longer than a
    /// transaction may be (only a contract deployed with a larger bound could let one in) is output empty: an opaque
    /// entry the rollup rejects, the same on every validator, never a reason to stall.
    /// </summary>
    public Transaction AsTransaction() =>
        new(Namespace, Payload.Length <= Limits.TransactionPayloadBytesMax ? Payload : ReadOnlyMemory<byte>.Empty);
}

using Fairway.Consensus.Messages;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Consensus.Engine;

/// <summary>Something that happened to a validator. The engine reacts to inputs and nothing else.</summary>
public abstract record ConsensusInput;

/// <summary>A message arrived from validator <paramref name="From"/> (the transport authenticated the peer).</summary>
public sealed record MessageReceived(int From, ConsensusMessage Message) : ConsensusInput;

/// <summary>One logical tick of the pacemaker's clock passed.</summary>
public sealed record Tick : ConsensusInput
{
    public static readonly Tick Instance = new();
}

/// <summary>
/// The host assembled the payload the engine asked for with <see cref="RequestPayload"/>: the batches to order and, on a
/// chain with fair namespaces, the candidate lists of the round and the earlier batches that carry what they include.
/// </summary>
public sealed record PayloadReady(
    ulong Round,
    IReadOnlyList<Hash> BatchDigests,
    ulong TimestampMs,
    IReadOnlyList<Hash>? PayloadDigests = null,
    IReadOnlyList<Core.Inclusion.CandidateList>? CandidateLists = null,
    IReadOnlyList<Core.Inclusion.FairEvidence>? Evidence = null,
    Core.Chain.L1Reference? L1 = null,
    Core.Chain.EpochChange? NextEpoch = null,
    Core.Chain.InboxSection? Inbox = null) : ConsensusInput;

/// <summary>A peer answered a <see cref="RequestBlocks"/> with blocks, newest first.</summary>
public sealed record SyncResponse(int From, IReadOnlyList<Block> Blocks) : ConsensusInput;

/// <summary>
/// The host holds, and has checked, every batch the block <paramref name="BlockHash"/> references (the answer to
/// <see cref="CheckAvailability"/>). Until it says so, this validator does not vote for the block.
/// </summary>
public sealed record PayloadAvailable(Hash BlockHash) : ConsensusInput;

using Fairway.Consensus.Messages;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Consensus.Engine;

/// <summary>
/// Something the host must do. Outputs are carried out in order: a <see cref="PersistSafety"/> must be durable
/// before any later <see cref="SendTo"/> or <see cref="Broadcast"/> of the same step leaves the node.
/// </summary>
public abstract record ConsensusOutput;

public sealed record SendTo(int To, ConsensusMessage Message) : ConsensusOutput;

/// <summary>Send to every other validator.</summary>
public sealed record Broadcast(ConsensusMessage Message) : ConsensusOutput;

public sealed record PersistSafety(SafetyState State) : ConsensusOutput;

/// <summary>A verified block joined the block tree; keep it so peers can fetch it.</summary>
public sealed record PersistBlock(Block Block) : ConsensusOutput;

/// <summary>The block is final. Emitted once per block, in height order, with the QC that certifies it.</summary>
public sealed record CommitBlock(Block Block, QuorumCertificate Certificate) : ConsensusOutput;

/// <summary>This validator leads <paramref name="Round"/>: answer with <see cref="PayloadReady"/>.</summary>
public sealed record RequestPayload(ulong Round, ulong Height, Hash Parent, ulong ParentTimestampMs = 0) : ConsensusOutput;

/// <summary>Fetch the block <paramref name="Tip"/> and ancestors from <paramref name="Peer"/>; answer with <see cref="SyncResponse"/>.</summary>
public sealed record RequestBlocks(int Peer, Hash Tip, int Count) : ConsensusOutput;

public sealed record EvidenceFound(Evidence Evidence) : ConsensusOutput;

/// <summary>
/// Availability before vote: make sure every batch in <paramref name="BatchDigests"/> is held (fetch the missing ones
/// from any peer, bounded) and answer with <see cref="PayloadAvailable"/>. No answer means no vote: the round times out.
/// The host also checks what only it can judge: on a chain with fair namespaces, the block's candidate lists (their
/// signatures, round, clock readings, quorum, and that every transaction they include has its payload in the block)
/// and its timestamp against <paramref name="ParentTimestampMs"/>.
/// </summary>
public sealed record CheckAvailability(ulong Round, Hash BlockHash, IReadOnlyList<Hash> BatchDigests, Block Block, ulong ParentTimestampMs)
    : ConsensusOutput;

/// <summary>
/// The epoch is over: <paramref name="LastBlock"/>, the first committed block carrying an <see cref="EpochChange"/>, was
/// committed (its <see cref="CommitBlock"/> came just before this). Nothing after it in this epoch is ever committed; the
/// host starts the next epoch's core on top of it. <paramref name="ClosingCertificate"/> is the certificate whose
/// arrival committed it (the two-chain rule's certified child), what a validator still in this epoch needs to catch up.
/// </summary>
public sealed record EpochEnded(Block LastBlock, QuorumCertificate ClosingCertificate) : ConsensusOutput;

using Fairway.Consensus.Messages;
using Fairway.Core.Chain;
using Fairway.Core.Output;

namespace Fairway.Simulation;

/// <summary>
/// What travels between simulated hosts. Consensus messages are only part of a node's traffic: batches and output
/// votes cross the same faulty network, so loss, delay and partitions hit the whole pipeline, not only consensus.
/// </summary>
internal abstract record SimulatedMessage;

/// <summary>A consensus message with the epoch its sender was in, as the node's wire frame carries it.</summary>
internal sealed record ConsensusEnvelope(ConsensusMessage Message, ulong Epoch) : SimulatedMessage;

/// <summary>A batch its author broadcasts after cutting it.</summary>
internal sealed record BatchEnvelope(Batch Batch) : SimulatedMessage;

/// <summary>
/// An output vote. <paramref name="Repeat"/> marks a re-send: the sender still lacks a certificate for the height, so
/// a peer that has one answers with it (first sends are not answered, or every late vote would cost a certificate).
/// </summary>
internal sealed record OutputVoteEnvelope(OutputVote Vote, bool Repeat) : SimulatedMessage;

internal sealed record OutputCertificateEnvelope(OutputCertificate Certificate) : SimulatedMessage;

/// <summary>A validator's candidate list for a round, sent with its vote to the round's leader (or to all on a timeout).</summary>
internal sealed record CandidateListEnvelope(Fairway.Core.Inclusion.CandidateList List) : SimulatedMessage;

/// <summary>A validator's signed decryption shares for one committed height (with <c>Request</c> set, asking for the receiver's).</summary>
internal sealed record DecryptionSharesEnvelope(Fairway.Ordering.Encrypted.ShareMessage Message) : SimulatedMessage;

using Fairway.Consensus.Engine;
using Fairway.Consensus.Messages;
using Fairway.Node.Wire;
using Microsoft.Extensions.Logging;

namespace Fairway.Node.Runtime;

public sealed partial class ValidatorNode
{
    /// <summary>Carries out the core's outputs in order. The safety write is fsynced before any later send runs.</summary>
    private void Carry(IReadOnlyList<ConsensusOutput> outputs)
    {
        var availabilityAsked = false;
        var payloadAsked = false;
        foreach (var output in outputs)
        {
            switch (output)
            {
                case PersistSafety p:
                    // Blocks before the vote on them: a certified block must not vanish from every voter's disk.
                    _chain.Flush();
                    _safety.Save(p.State);
                    _signedLog!.Record(p.State);
                    break;
                case PersistBlock b:
                    _chain.PutBlock(b.Block);
                    _batches.MarkProposed(b.Block.BatchDigests, b.Block.Round);
                    if (_chain.TryGetBlock(b.Block.ParentHash, out var certified))
                    {
                        // The new block's QC certifies its parent: the parent's transactions are soft-confirmed.
                        _tracker.OnCertified(certified);
                    }

                    if (b.Block.BatchDigests.Count > 0)
                    {
                        _highestNonEmptyHeight = Math.Max(_highestNonEmptyHeight, b.Block.Height);
                    }

                    break;
                case CommitBlock c:
                    _pendingCommits.Enqueue(c);
                    DrainCommits();
                    break;
                case SendTo s:
                    SendFrame(s.To, WireFrame.Encode(new ConsensusFrame(s.Message)));
                    break;
                case Broadcast b:
                    BroadcastFrame(WireFrame.Encode(new ConsensusFrame(b.Message)));
                    break;
                case CheckAvailability a:
                    // Checked once this step's outputs are all carried: an immediate answer would step the core
                    // again and its outputs could overtake the rest of these.
                    _awaitedAvailability.Add(a);
                    availabilityAsked = true;
                    break;
                case RequestPayload r:
                    _payloadRound = r.Round;
                    _payloadRequestedAtMs = NowMs;
                    payloadAsked = true;
                    break;
                case RequestBlocks r:
                    SendFrame(r.Peer, WireFrame.Encode(new ConsensusFrame(new BlockRequestMessage(r.Tip, r.Count))));
                    break;
                case EvidenceFound e:
                    Metrics.OnEvidence();
                    LogEvidence(_log, e.Evidence.Kind.ToString(), e.Evidence.Validator, e.Evidence.Round);
                    break;
            }
        }

        if (payloadAsked)
        {
            MaybeAnswerPayload();
        }

        if (availabilityAsked)
        {
            CheckAwaitedAvailability();
        }
    }

    /// <summary>
    /// A leader proposes at once when it has batches to order or blocks with transactions still to commit; with nothing
    /// to do it waits a little, so an idle network does not churn out empty blocks as fast as it can.
    /// </summary>
    private void MaybeAnswerPayload()
    {
        if (_payloadRound is not { } round)
        {
            return;
        }

        if (round != _core!.Round)
        {
            _payloadRound = null;
            return;
        }

        var work = _batches.UnproposedCount > 0 || _highestNonEmptyHeight > _committedHeight;
        if (!work && NowMs - _payloadRequestedAtMs < _identity.Config.EmptyBlockDelayMs)
        {
            return;
        }

        _payloadRound = null;
        var digests = _batches.TakeForProposal(round);
        Carry(_core.Step(new PayloadReady(round, digests, (ulong)NowMs)));
    }

    private void SendFrame(int peer, byte[] frame)
    {
        if (peer != _identity.Index)
        {
            _transport.Send(peer, frame);
        }
    }

    private void BroadcastFrame(byte[] frame)
    {
        for (var peer = 0; peer < _identity.Validators.Count; peer++)
        {
            SendFrame(peer, frame);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "equivocation evidence: {Kind} by validator {Validator} in round {Round}")]
    private static partial void LogEvidence(ILogger logger, string kind, int validator, ulong round);
}

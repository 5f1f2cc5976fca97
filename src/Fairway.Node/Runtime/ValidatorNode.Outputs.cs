using Fairway.Consensus.Engine;
using Fairway.Consensus.Messages;
using Fairway.Core.Chain;
using Fairway.Node.Wire;
using Microsoft.Extensions.Logging;

namespace Fairway.Node.Runtime;

public sealed partial class ValidatorNode
{
    /// <summary>
    /// The node's side of the consensus core's outputs; <see cref="ConsensusDriver"/> calls it in order and steps the core
    /// with the answers only after the whole list is carried. The safety write is fsynced before any later send runs.
    /// </summary>
    private sealed class ConsensusHost(ValidatorNode node) : IConsensusHost
    {
        public void PersistSafety(SafetyState state)
        {
            // Blocks before the vote on them: a certified block must not vanish from every voter's disk.
            node._chain.Flush();
            node._safety.Save(state);
            node._signedLog!.Record(state);
        }

        public void PersistBlock(Block block)
        {
            node._chain.PutBlock(block);
            node._batches.MarkProposed(block.BatchDigests, block.Round);
            if (node._fair is not null && block.CandidateLists.Count > 0)
            {
                node._tracker.OnListed(block, node._fair.OnBlock(block));
            }
            if (node._chain.TryGetBlock(block.ParentHash, out var certified))
            {
                // The new block's QC certifies its parent: the parent's transactions are soft-confirmed.
                node._tracker.OnCertified(certified);
            }

            node._proposalTiming.OnBlockStored(block.Height, block.BatchDigests.Count);
        }

        public void Commit(CommitBlock commit)
        {
            if (commit.Block.NextEpoch is not null)
            {
                node.RecordEpochEnd(commit);
            }

            // Marked at once, not when applied: applying can lag far behind consensus, and a digest must never be
            // proposed again once a block naming it is committed.
            node._batches.MarkOrdered(commit.Block.BatchDigests, commit.Block.Height);
            node._commits.Add(commit);
            node.DrainCommits();
        }

        public void Send(int to, ConsensusMessage message)
        {
            if (node._identity.Config.TestEquivocateVotes && message is VoteMessage vote && vote.Voter == node._identity.Index)
            {
                node.SendEquivocatingVote(vote);
            }
            else
            {
                node.SendFrame(to, WireFrame.Encode(new ConsensusFrame(message, node.Epoch)));
            }

            node.SendListWithVote(to, message);
        }

        public void Broadcast(ConsensusMessage message)
        {
            node.BroadcastFrame(WireFrame.Encode(new ConsensusFrame(message, node.Epoch)));
            node.BroadcastListOnTimeout(message);
        }

        public ConsensusInput? CheckAvailability(CheckAvailability check)
        {
            var (found, missing) = node.FindBatches(check.BatchDigests);
            if (missing.Count == 0)
            {
                return node.FairProposalSound(check, found) ? new PayloadAvailable(check.BlockHash) : null;
            }

            // Answered by CheckAwaitedAvailability once the missing batches arrive, if the round still lasts.
            node._awaitedAvailability.Add(check);
            node.RequestBatches(missing);
            return null;
        }

        public ConsensusInput? RequestPayload(RequestPayload request)
        {
            node._parentTimestampMs = request.ParentTimestampMs;
            node._proposalParent = request.Parent;
            node._proposalTiming.OnRequest(request.Round, node.NowMs);
            return node.PayloadIfDue();
        }

        public void RequestBlocks(RequestBlocks request) =>
            node.SendFrame(request.Peer, WireFrame.Encode(new ConsensusFrame(new BlockRequestMessage(request.Tip, request.Count), node.Epoch)));

        public void Evidence(Evidence evidence) => node.KeepConsensusEvidence(evidence, from: -1);

        public void EpochEnded(EpochEnded ended) => node._pendingEpochEnd = ended;
    }

    /// <summary>
    /// A leader proposes at once when it has batches to order or blocks with transactions still to commit; with nothing
    /// to do it waits a little, so an idle network does not churn out empty blocks as fast as it can.
    /// </summary>
    private void MaybeAnswerPayload()
    {
        if (PayloadIfDue() is { } payload)
        {
            _driver!.Step(payload);
        }
    }

    /// <summary>The payload for the round this validator leads, once it is due; null while it waits for work.</summary>
    private PayloadReady? PayloadIfDue() =>
        _fair is not null ? FairPayloadIfDue() : _proposalTiming.Due(_core!.Round, NowMs, _batches.UnproposedCount > 0 || InboxEntriesWaiting, _committedHeight) is { } round
            ? ProposalPayload(round, _batches.TakeForProposal(round), (ulong)NowMs)
            : null;

    /// <summary>A payload naming the L1 reference to propose and, when it enters a stake-table epoch with other stakes, the change.</summary>
    private PayloadReady ProposalPayload(ulong round, IReadOnlyList<Core.Crypto.Hash> digests, ulong timestampMs)
    {
        var (l1, change) = L1AndEpochChangeToPropose();
        return new PayloadReady(round, digests, timestampMs, L1: l1, NextEpoch: change, Inbox: InboxToPropose(l1));
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

}

using Fairway.Consensus.Messages;
using Fairway.Core.Chain;

namespace Fairway.Consensus.Engine;

public sealed partial class ConsensusCore
{
    private void TryStartProposal()
    {
        if (Safety.LastProposal is { } previous && previous.Block.Round == _round)
        {
            // Proposed in this round before a restart: never sign a second block for it.
            Emit(new Broadcast(previous));
            OnProposal(_self, previous, local: true);
            return;
        }

        if (_payloadRequestedRound == _round)
        {
            return;
        }

        if (!_tree.TryGet(HighQc.BlockHash, out var parent))
        {
            Want(HighQc.BlockHash, -1);
            return;
        }

        _payloadRequestedRound = _round;
        Emit(new RequestPayload(_round, parent.Height + 1, parent.Hash, parent.TimestampMs));
    }

    private void OnPayloadReady(PayloadReady payload)
    {
        if (payload.Round != _round || LeaderFor(_round, HighQc.BlockHash) != _self || _payloadRequestedRound != _round)
        {
            Stats.Drop("payload for a round this validator does not lead now");
            return;
        }

        if (Safety.LastProposal?.Block.Round >= _round)
        {
            Stats.Drop("already proposed in this round");
            return;
        }

        if (_round < Safety.LastVotedRound)
        {
            // Only after a restart into a round below one it voted in; a proposal it made there may be forgotten (VotedIn).
            Stats.Drop("round below one this validator voted in");
            return;
        }

        if (payload.BatchDigests is null
            || payload.BatchDigests.Count + (payload.PayloadDigests?.Count ?? 0) > Limits.BatchDigestsPerBlockMax
            || (payload.CandidateLists?.Count ?? 0) > Limits.CandidateListsPerBlockMax
            || (payload.CandidateLists?.Sum(l => (long)l.Entries.Count) ?? 0) > Limits.CandidateEntriesPerBlockMax)
        {
            Stats.Drop("payload too large");
            return;
        }

        if (!_tree.TryGet(HighQc.BlockHash, out var parent))
        {
            Stats.Drop("parent of the proposal is missing");
            return;
        }

        TimeoutCertificate? tc = null;
        if (HighQc.Round + 1 != _round)
        {
            if (HighTc is null || HighTc.Round + 1 != _round)
            {
                Stats.Drop("no certificate justifies proposing in this round");
                return;
            }

            tc = HighTc;
        }

        var block = new Block(
            _chainId, _round, parent.Height + 1, _self, payload.TimestampMs, HighQc, tc, payload.BatchDigests, payload.PayloadDigests, payload.CandidateLists, payload.Evidence, payload.L1, payload.NextEpoch, payload.Inbox);
        var proposal = new ProposalMessage(block, _signer.Sign(SigningDomain.ProposalMessage(_signingId, block.Hash)));
        Safety = Safety with { LastProposal = proposal };
        Persist();
        Emit(new Broadcast(proposal));
        Stats.ProposalsSent++;
        OnProposal(_self, proposal, local: true);
    }

    private void OnProposal(int from, ProposalMessage proposal, bool local)
    {
        var block = proposal.Block;
        if (!IsWellFormedProposal(proposal, local, out var reason))
        {
            Stats.Drop(reason);
            return;
        }

        // Who leads depends on the chain the proposal extends; with its parent unknown, the check waits for the parent.
        var leader = LeaderFor(block.Round, block.ParentHash);
        if (leader is not null)
        {
            if (leader != block.Author)
            {
                Stats.Drop("proposer is not the leader of its round");
                return;
            }

            RecordProposal(proposal);
        }

        if (!VerifyQc(block.Justify))
        {
            Stats.Drop("proposal carries an invalid QC");
            return;
        }

        if (block.Timeout is { } tc && !VerifyTc(tc))
        {
            Stats.Drop("proposal carries an invalid TC");
            return;
        }

        ProcessQc(block.Justify, from);
        if (block.Timeout is not null)
        {
            ProcessTc(block.Timeout);
        }

        switch (_tree.TryInsert(block))
        {
            case InsertOutcome.Inserted:
                OnBlockInserted(block);
                break;
            case InsertOutcome.AlreadyKnown:
                break;
            case InsertOutcome.MissingParent:
                BufferProposal(from, proposal, local);
                return;
            case InsertOutcome.Stale:
                Stats.Drop("proposal at or below the committed height");
                return;
            case InsertOutcome.Full:
                Stats.Drop("block tree full");
                return;
            default:
                Stats.Drop("proposal height or round does not follow its parent");
                return;
        }

        TryVote(block);
    }

    private bool IsWellFormedProposal(ProposalMessage proposal, bool local, out string reason)
    {
        var block = proposal.Block;
        reason = "";
        if (block.ChainId != _chainId)
        {
            reason = "proposal for another chain";
        }
        else if (!_validators.Contains(block.Author))
        {
            reason = "proposer is not a validator";
        }
        else if (block.Round > _round + _config.FutureRoundsWindow)
        {
            reason = "proposal too far in the future";
        }
        else if (block.Round <= block.Justify.Round)
        {
            reason = "proposal round not above its QC round";
        }
        else if (block.Timeout is { } tc && tc.Round + 1 != block.Round)
        {
            reason = "proposal carries a TC for another round";
        }
        else if (block.Round != block.Justify.Round + 1 && block.Timeout is null)
        {
            reason = "proposal round is justified by neither its QC nor a TC";
        }
        else if (!local
            && !_certificates.Signatures.Verify(_validators[block.Author].PublicKey, SigningDomain.ProposalMessage(_signingId, block.Hash), proposal.Signature))
        {
            reason = "bad proposal signature";
        }

        return reason.Length == 0;
    }

    /// <summary>Remembers the first proposal per author and round; a different second one is equivocation.</summary>
    private void RecordProposal(ProposalMessage proposal)
    {
        var block = proposal.Block;
        if (block.Round + _config.EvidenceRoundsWindow < _round)
        {
            return;
        }

        var seen = _proposalsSeen.GetOrAdd(block.Round).ByAuthor;
        if (!seen.TryGetValue(block.Author, out var first))
        {
            seen[block.Author] = proposal;
        }
        else if (first.Block.Hash != block.Hash)
        {
            Report(new Evidence(EvidenceKind.ConflictingProposals, block.Author, block.Round, first, proposal) { Epoch = Epoch });
        }
    }

    private void Report(Evidence evidence)
    {
        if (_evidenceReported.GetOrAdd(evidence.Round).Add((evidence.Validator, evidence.Kind)))
        {
            Stats.EvidenceFound++;
            Emit(new EvidenceFound(evidence));
        }
    }

    private void BufferProposal(int from, ProposalMessage proposal, bool local)
    {
        var parent = proposal.Block.ParentHash;
        if (_pendingProposals.Values.Sum(l => l.Count) >= _config.PendingProposalsMax)
        {
            Stats.Drop("too many proposals waiting for their parent");
            return;
        }

        if (!_pendingProposals.TryGetValue(parent, out var list))
        {
            list = [];
            _pendingProposals[parent] = list;
        }

        list.Add((from, proposal, local));
        HoldPendingBlock(proposal.Block);
        Want(parent, from);
    }

    private void TryVote(Block block)
    {
        if (block.Round != _round || !SafeToVote(block))
        {
            return;
        }

        if (!PayloadHeld(block))
        {
            return;
        }

        var vote = new VoteMessage(block.Round, block.Hash, _self, _signer.Sign(SigningDomain.VoteMessage(_signingId, block.Round, block.Hash)));
        Safety = Safety.VotedIn(block.Round) with
        {
            LockedQcRound = Math.Max(Safety.LockedQcRound, block.Justify.Round),
            LastVote = vote,
        };
        Persist();
        Stats.VotesSent++;
        SendToNextLeader(vote);
    }

    /// <summary>A vote goes to the leader of the next round on the chain it votes for; this validator's own is counted here.</summary>
    private void SendToNextLeader(VoteMessage vote)
    {
        var nextLeader = LeaderFor(vote.Round + 1, vote.BlockHash) ?? _validators.LeaderOf(vote.Round + 1);
        if (nextLeader == _self)
        {
            OnVote(vote, local: true);
        }
        else
        {
            Emit(new SendTo(nextLeader, vote));
        }
    }

    /// <summary>
    /// Availability before vote: a block whose batches this validator has not confirmed holding waits (a few per round)
    /// while the host fetches them; a vote for it could certify a block nobody can execute.
    /// </summary>
    private bool PayloadHeld(Block block)
    {
        if (!_config.AvailabilityBeforeVote
            || (block.AllBatchDigests.Count == 0 && block.CandidateLists.Count == 0 && !_config.CheckEveryBlock)
            || _availableBlocks.Contains(block.Hash))
        {
            return true;
        }

        // Each block is checked on its own: which one gets the vote stays the voting rule's decision, not the order in
        // which batches happen to arrive. A round has few valid proposals; more than a handful is someone flooding.
        if (!_awaitingAvailability.ContainsKey(block.Hash) && _awaitingAvailability.Count < AwaitedBlocksPerRoundMax)
        {
            _awaitingAvailability[block.Hash] = block;
            Stats.AvailabilityChecks++;
            var parentTimestamp = _tree.TryGet(block.ParentHash, out var parent) ? parent.TimestampMs : 0;
            Emit(new CheckAvailability(block.Round, block.Hash, block.AllBatchDigests, block, parentTimestamp));
        }

        return false;
    }

    private void OnPayloadAvailable(PayloadAvailable available)
    {
        if (!_awaitingAvailability.Remove(available.BlockHash, out var block))
        {
            Stats.Drop("availability of a block this validator is not waiting for");
            return;
        }

        _availableBlocks.Add(block.Hash);
        TryVote(block);
    }

    /// <summary>
    /// The voting rule: vote at most once per round, never in a round already given up on, and only for a block that
    /// extends the previous round's QC, or, after a TC, a QC at least as high as any the TC's signers reported.
    /// </summary>
    private bool SafeToVote(Block block)
    {
        if (_config.UnsafeVotingRuleWeakeningForTesting == VotingRuleWeakening.VoteForAnything)
        {
            return true;
        }

        var qcRound = block.Justify.Round;
        if (block.Round <= Math.Max(Safety.LastVotedRound, qcRound))
        {
            return false;
        }

        if (block.Round == qcRound + 1)
        {
            return true;
        }

        return block.Timeout is { } tc && block.Round == tc.Round + 1 && qcRound >= tc.HighestQcRound;
    }
}

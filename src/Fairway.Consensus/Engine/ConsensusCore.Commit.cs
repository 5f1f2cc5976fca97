using Fairway.Consensus.Messages;
using Fairway.Core.Chain;

namespace Fairway.Consensus.Engine;

public sealed partial class ConsensusCore
{
    private const int VerifiedQcCacheMax = 4096;

    /// <summary>Checks a QC once; later copies of the same certificate are recognised without redoing the signatures.</summary>
    private bool VerifyQc(QuorumCertificate qc)
    {
        if (qc.Round == 0)
        {
            return _certificates.Verify(qc, out _);
        }

        var key = (qc.Round, qc.BlockHash);
        if (_verifiedQcs.TryGetValue(key, out var known) && known.Equals(qc))
        {
            return true;
        }

        if (!_certificates.Verify(qc, out _))
        {
            return false;
        }

        if (_verifiedQcs.Count >= VerifiedQcCacheMax)
        {
            var floor = CommittedTip.Round;
            foreach (var stale in _verifiedQcs.Keys.Where(k => k.Round <= floor).ToList())
            {
                _verifiedQcs.Remove(stale);
            }

            if (_verifiedQcs.Count >= VerifiedQcCacheMax)
            {
                _verifiedQcs.Clear();
            }
        }

        _verifiedQcs[key] = qc;
        return true;
    }

    /// <summary>A verified QC: raise the high QC, apply the commit rule, and move to the next round.</summary>
    private void ProcessQc(QuorumCertificate qc, int from)
    {
        if (qc.Round > HighQc.Round)
        {
            Safety = Safety with { HighQc = qc };
        }

        if (!qc.IsGenesis && qc.Round > CommittedTip.Round && !_certified.ContainsKey(qc.BlockHash))
        {
            _certified[qc.BlockHash] = qc;
            if (_tree.TryGet(qc.BlockHash, out var certifiedBlock))
            {
                ApplyCommitRule(certifiedBlock, qc);
            }
            else
            {
                Want(qc.BlockHash, from);
            }
        }

        if (qc.Round == _round)
        {
            RecordRoundLatency(_tick - _roundStartTick);
        }

        EnterRound(qc.Round + 1);
    }

    /// <summary>
    /// The two-chain rule: when a block is certified and its parent is from the round just before, the parent and all
    /// its ancestors are final.
    /// </summary>
    private void ApplyCommitRule(Block certified, QuorumCertificate certificate)
    {
        if (!_tree.TryGet(certified.ParentHash, out var parent) || parent.Hash == CommittedTip.Hash)
        {
            return;
        }

        if (parent.Round + 1 == certified.Round)
        {
            Commit(parent, certified.Justify, certificate);
        }
    }

    /// <summary>
    /// Commits <paramref name="target"/> and its uncommitted ancestors, except that the first of them carrying an epoch
    /// change ends the epoch: it is committed and nothing after it is, on every validator alike, since all commit the
    /// same chain in the same order and stop at the same block.
    /// </summary>
    private void Commit(Block target, QuorumCertificate targetCertificate, QuorumCertificate closing)
    {
        // Later blocks of the same step may satisfy the commit rule too; once the epoch's last block is committed, none
        // of them may be (they would be blocks after it, or a second end).
        if (_ended)
        {
            return;
        }

        var path = _tree.PathFromCommittedTip(target);
        var last = path.FindIndex(b => b.NextEpoch is not null);
        if (last >= 0 && last + 1 < path.Count)
        {
            targetCertificate = path[last + 1].Justify;
            path.RemoveRange(last + 1, path.Count - last - 1);
            target = path[^1];
        }

        for (var i = 0; i < path.Count; i++)
        {
            var certificate = i + 1 < path.Count ? path[i + 1].Justify : targetCertificate;
            Emit(new CommitBlock(path[i], certificate));
            Stats.BlocksCommitted++;
        }

        RememberCommitted(CommittedTip);
        for (var i = 0; i + 1 < path.Count; i++)
        {
            RememberCommitted(path[i]);
        }

        _tree.AdvanceCommittedTip(target);
        _timeoutsSinceCommit = 0;
        PruneBelowCommitted();
        if (last >= 0)
        {
            // Whoever formed or saw the closing certificate tells the rest of the epoch at once, in the epoch's own
            // domain: every validator can then commit the last block and move on, without waiting out a timeout.
            _ended = true;
            Emit(new Broadcast(new SyncInfoMessage(closing, null)));
            Emit(new EpochEnded(target, closing));
        }
    }

    private void PruneBelowCommitted()
    {
        var tip = CommittedTip;
        foreach (var hash in _certified.Where(kv => kv.Value.Round <= tip.Round).Select(kv => kv.Key).ToList())
        {
            _certified.Remove(hash);
        }

        // A QC below the committed round can no longer raise the high QC or commit anything; a late copy is re-verified.
        foreach (var stale in _verifiedQcs.Keys.Where(k => k.Round < tip.Round).ToList())
        {
            _verifiedQcs.Remove(stale);
        }

        foreach (var block in _fetched.Values.Where(b => b.Height <= tip.Height).ToList())
        {
            _fetched.Remove(block.Hash);
            _fetchedByParent.Remove(block.ParentHash);
        }

        // A proposal waits on as long as its parent can still arrive: wanted, fetched, or itself carried by a waiting
        // proposal (a chain of them, whose first is the one that wants). A chain whose root goes drains one link a commit.
        foreach (var parent in _pendingProposals.Keys
            .Where(h => !_tree.Contains(h) && !_wanted.ContainsKey(h) && !_fetched.ContainsKey(h) && !_pendingBlocks.ContainsKey(h)).ToList())
        {
            if (_pendingProposals.Remove(parent, out var dropped))
            {
                foreach (var (_, proposal, _) in dropped)
                {
                    ReleasePendingBlock(proposal.Block.Hash);
                }
            }
        }
    }
}

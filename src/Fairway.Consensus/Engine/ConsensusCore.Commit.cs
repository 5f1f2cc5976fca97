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
                ApplyCommitRule(certifiedBlock);
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
    private void ApplyCommitRule(Block certified)
    {
        if (!_tree.TryGet(certified.ParentHash, out var parent) || parent.Hash == CommittedTip.Hash)
        {
            return;
        }

        if (parent.Round + 1 == certified.Round)
        {
            Commit(parent, certified.Justify);
        }
    }

    private void Commit(Block target, QuorumCertificate targetCertificate)
    {
        var path = _tree.PathFromCommittedTip(target);
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

        foreach (var parent in _pendingProposals.Keys.Where(h => !_tree.Contains(h) && !_wanted.ContainsKey(h)).ToList())
        {
            _pendingProposals.Remove(parent);
        }
    }
}

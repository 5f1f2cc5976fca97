using Fairway.Consensus.Messages;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Consensus.Engine;

public sealed partial class ConsensusCore
{
    /// <param name="local">true for this validator's own vote, which needs no signature check.</param>
    private void OnVote(VoteMessage vote, bool local)
    {
        if (!_validators.Contains(vote.Voter))
        {
            Stats.Drop("vote from an unknown validator");
            return;
        }

        if (vote.Round + 1 < _round || vote.Round == 0)
        {
            Stats.Drop("stale vote");
            return;
        }

        if (vote.Round > _round + _config.FutureRoundsWindow)
        {
            Stats.Drop("vote too far in the future");
            return;
        }

        if (!local
            && !_certificates.Signatures.Verify(_validators[vote.Voter].PublicKey, SigningDomain.VoteMessage(_signingId, vote.Round, vote.BlockHash), vote.Signature))
        {
            Stats.Drop("bad vote signature");
            return;
        }

        var bucket = _votes.GetOrAdd(vote.Round);
        if (bucket.ByVoter.TryGetValue(vote.Voter, out var first))
        {
            if (first.BlockHash != vote.BlockHash)
            {
                Report(new Evidence(EvidenceKind.ConflictingVotes, vote.Voter, vote.Round, first, vote) { Epoch = Epoch });
            }

            return;
        }

        bucket.ByVoter[vote.Voter] = vote;
        if (bucket.CertificateFormed)
        {
            return;
        }

        if (!bucket.ByBlock.TryGetValue(vote.BlockHash, out var tally))
        {
            tally = (0, new SortedList<ushort, Signature>());
        }

        tally.Signatures[vote.Voter] = vote.Signature;
        tally.Stake += _validators.StakeOf(vote.Voter);
        bucket.ByBlock[vote.BlockHash] = tally;
        if (tally.Stake < _validators.QuorumStake)
        {
            return;
        }

        bucket.CertificateFormed = true;
        var signatures = tally.Signatures.Select(kv => new SignerSignature(kv.Key, kv.Value)).ToArray();
        var qc = new QuorumCertificate(vote.Round, vote.BlockHash, signatures);
        _verifiedQcs[(qc.Round, qc.BlockHash)] = qc;
        Stats.QcsFormed++;
        ProcessQc(qc, -1);
    }
}

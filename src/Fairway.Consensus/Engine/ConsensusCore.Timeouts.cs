using Fairway.Consensus.Messages;
using Fairway.Core.Chain;

namespace Fairway.Consensus.Engine;

public sealed partial class ConsensusCore
{
    private void OnTimeout(int from, TimeoutMessage timeout)
    {
        if (!_validators.Contains(timeout.Author))
        {
            Stats.Drop("timeout from an unknown validator");
            return;
        }

        if (timeout.Round > _round + _config.FutureRoundsWindow)
        {
            Stats.Drop("timeout too far in the future");
            return;
        }

        if (timeout.HighQc.Round >= timeout.Round)
        {
            Stats.Drop("timeout reports a QC from its own round or later");
            return;
        }

        var message = SigningDomain.TimeoutMessage(_signingId, timeout.Round, timeout.HighQc.Round);
        if (!_certificates.Signatures.Verify(_validators[timeout.Author].PublicKey, message, timeout.Signature))
        {
            Stats.Drop("bad timeout signature");
            return;
        }

        if (!VerifyQc(timeout.HighQc))
        {
            Stats.Drop("timeout carries an invalid QC");
            return;
        }

        ProcessQc(timeout.HighQc, from);
        if (timeout.Round < _round)
        {
            // The sender is behind: hand it the certificates that move it to our round.
            if (from != _self && _validators.Contains(from))
            {
                Emit(new SendTo(from, new SyncInfoMessage(HighQc, HighTc)));
            }

            return;
        }

        CollectTimeout(timeout);
    }

    private void CollectTimeout(TimeoutMessage timeout)
    {
        var bucket = _timeouts.GetOrAdd(timeout.Round);
        if (bucket.CertificateFormed || bucket.ByAuthor.ContainsKey(timeout.Author))
        {
            return;
        }

        bucket.ByAuthor[timeout.Author] = new TimeoutSignature(timeout.Author, timeout.HighQc.Round, timeout.Signature);
        bucket.Stake += _validators.StakeOf(timeout.Author);
        if (bucket.Stake >= _validators.QuorumStake)
        {
            bucket.CertificateFormed = true;
            var tc = new TimeoutCertificate(timeout.Round, bucket.ByAuthor.Values.ToArray());
            Stats.TcsFormed++;
            ProcessTc(tc);
            return;
        }

        // f+1 stake gave up on our round, so at least one honest validator did: join rather than wait out our timer.
        if (timeout.Round == _round && bucket.Stake >= _validators.ValidityStake && Safety.LastTimeout?.Round != _round)
        {
            OnLocalTimeout();
        }
    }

    private void OnSyncInfo(int from, SyncInfoMessage info)
    {
        if (!VerifyQc(info.HighQc))
        {
            Stats.Drop("sync info carries an invalid QC");
            return;
        }

        if (info.HighTc is { } tc && !VerifyTc(tc))
        {
            Stats.Drop("sync info carries an invalid TC");
            return;
        }

        ProcessQc(info.HighQc, from);
        if (info.HighTc is not null)
        {
            ProcessTc(info.HighTc);
        }
    }

    private void ProcessTc(TimeoutCertificate tc)
    {
        if (HighTc is null || tc.Round > HighTc.Round)
        {
            Safety = Safety with { HighTc = tc };
        }

        if (tc.Round + 1 > _round)
        {
            _timeoutsSinceCommit++;
            Stats.RoundsEndedByTimeout++;
        }

        EnterRound(tc.Round + 1);
    }

    private bool VerifyTc(TimeoutCertificate tc)
    {
        if (HighTc is not null && HighTc.Equals(tc))
        {
            return true;
        }

        if (!_certificates.Verify(tc, out _))
        {
            Stats.Drop("invalid TC");
            return false;
        }

        return true;
    }
}

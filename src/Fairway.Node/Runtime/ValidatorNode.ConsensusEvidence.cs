using Fairway.Consensus.Engine;
using Fairway.Consensus.Messages;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Node.Wire;
using Microsoft.Extensions.Logging;

namespace Fairway.Node.Runtime;

/// <summary>
/// Equivocation evidence travels: what this validator finds, and what a peer sends that checks out and is new here, goes
/// to every peer once, so every honest validator holds it even when only one of them saw both messages (slashing on the
/// L1 needs more than 2/3 of the stake to attest to it).
/// </summary>
public sealed partial class ValidatorNode
{
    /// <summary>Encodings of consensus evidence seen (valid or not): a frame seen before costs no signature check.</summary>
    private const int ConsensusEvidenceSeenMax = 4_096;

    /// <summary>
    /// Frames a peer may have checked per second, and its burst: each costs two signature checks. An honest peer sends
    /// each misbehaviour once, so only a faulty one, or an equivocation storm, comes near this.
    /// </summary>
    private const double EvidenceChecksPerSecond = 20;
    private const double EvidenceChecksBurst = 40;

    private readonly RecentIds _consensusEvidenceSeen = new(ConsensusEvidenceSeenMax);

    /// <summary>Made on first use: the validator set is known by then.</summary>
    private PeerRateLimit? _evidenceChecks;

    private void OnConsensusEvidence(int peer, Evidence evidence, ReadOnlySpan<byte> frame)
    {
        var id = Hash.Compute(frame);
        if (_consensusEvidenceSeen.Contains(id))
        {
            return;
        }

        _evidenceChecks ??= new PeerRateLimit(_identity.Validators.Count, EvidenceChecksPerSecond, EvidenceChecksBurst, Environment.TickCount64);
        if (!_evidenceChecks.TryTake(peer, Environment.TickCount64))
        {
            // Not marked seen: the same evidence from another peer, or later, is still checked.
            Metrics.OnEvidenceRefused("over the rate limit");
            LogEvidenceRefused(_log, peer, "over the rate limit");
            return;
        }

        _consensusEvidenceSeen.Add(id);
        if (!evidence.Verify(_identity.ChainId, _identity.Validators, Crypto.Ed25519Verifier.Instance))
        {
            Metrics.OnEvidenceRefused("does not verify");
            LogEvidenceRefused(_log, peer, "does not verify");
            return;
        }

        KeepConsensusEvidence(evidence, from: peer);
    }

    /// <summary>Kept and served; when new here, sent on to every peer but the one it came from (-1: found here).</summary>
    private void KeepConsensusEvidence(Evidence evidence, int from)
    {
        var first = MessageCodec.Encode(evidence.First);
        var second = MessageCodec.Encode(evidence.Second);
        var record = new Api.EvidenceRecord(
            evidence.Kind == EvidenceKind.ConflictingProposals ? "conflicting_proposals" : "conflicting_votes",
            evidence.Validator,
            evidence.Round,
            null,
            NowMs,
            Convert.ToHexStringLower(first),
            Convert.ToHexStringLower(second));
        if (!_evidence.Add(record))
        {
            // The same misbehaviour (another pair of its messages, or an echo) is already held and was already sent on.
            return;
        }

        // Checked here (found, or verified from a peer): this validator's word for the slash report on the L1. Not about
        // itself: an offender's own signature would count toward its slashing, but the report must stand on the others'.
        if (evidence.Validator != _identity.Index)
        {
            _settlement?.OnSlashableEvidence(_identity.Validators[evidence.Validator].PublicKey.ToHex(), Api.EvidenceHash.Of(record));
        }

        Metrics.OnEvidence();
        LogEvidence(_log, evidence.Kind.ToString(), evidence.Validator, evidence.Round, from < 0 ? "found here" : $"from validator {from}");
        if (first.Length > Evidence.MessageBytesMax || second.Length > Evidence.MessageBytesMax)
        {
            // Peers would refuse the frame as malformed; the proposals were sent whole, so they may find it themselves.
            return;
        }

        var frame = WireFrame.Encode(new ConsensusEvidenceFrame(evidence));
        _consensusEvidenceSeen.Add(Hash.Compute(frame.AsSpan(1)));
        for (var peer = 0; peer < _identity.Validators.Count; peer++)
        {
            if (peer != from)
            {
                SendFrame(peer, frame);
            }
        }
    }

    /// <summary>
    /// TEST ONLY (<c>test_equivocate_votes</c>): this validator's real vote goes to every peer, and a second vote for the
    /// same round on a made-up block to the lowest-index other validator alone, which alone can see the equivocation.
    /// </summary>
    private void SendEquivocatingVote(VoteMessage vote)
    {
        var real = WireFrame.Encode(new ConsensusFrame(vote, Epoch));
        BroadcastFrame(real);
        var target = _identity.Index == 0 ? 1 : 0;
        var madeUp = Hash.Compute([.. vote.BlockHash.ToArray(), .. "equivocation"u8]);
        var fake = new VoteMessage(vote.Round, madeUp, vote.Voter, _identity.Signer.Sign(SigningDomain.VoteMessage(SigningDomain.EpochId(_identity.ChainId, Epoch), vote.Round, madeUp)));
        SendFrame(target, WireFrame.Encode(new ConsensusFrame(fake, Epoch)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "equivocation evidence: {Kind} by validator {Validator} in round {Round} ({Source})")]
    private static partial void LogEvidence(ILogger logger, string kind, int validator, ulong round, string source);

    [LoggerMessage(Level = LogLevel.Debug, Message = "refused consensus evidence from validator {Peer}: {Reason}")]
    private static partial void LogEvidenceRefused(ILogger logger, int peer, string reason);
}

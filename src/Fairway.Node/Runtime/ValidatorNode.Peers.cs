using Fairway.Consensus.Engine;
using Fairway.Consensus.Messages;
using Fairway.Core.Chain;
using Fairway.Core.Encoding;
using Fairway.Node.Wire;
using Microsoft.Extensions.Logging;

namespace Fairway.Node.Runtime;

public sealed partial class ValidatorNode
{
    private void OnPeerFrame(int peer, byte[] bytes)
    {
        WireFrame frame;
        try
        {
            frame = WireFrame.Decode(bytes);
        }
        catch (EncodingException e)
        {
            LogBadFrame(_log, peer, e.Message);
            return;
        }

        switch (frame)
        {
            case ConsensusFrame { Message: BlockRequestMessage request } c:
                AnswerBlockRequest(peer, request, c.Epoch);
                break;
            case ConsensusFrame c:
                OnConsensusFrame(peer, c);
                break;
            case BatchFrame b:
                OnPeerBatch(peer, b.Batch);
                break;
            case BatchRequestFrame r:
                AnswerBatchRequest(peer, r);
                break;
            case BatchResponseFrame r:
                OnFetchedBatches(r.Batches);
                break;
            case OutputVoteFrame v:
                _outputs!.OnVote(peer, v.Vote);
                break;
            case OutputCertificateFrame c:
                _outputs!.OnCertificate(peer, c.Certificate);
                break;
            case CandidateListFrame l:
                OnCandidateList(peer, l.List);
                break;
            case FairEvidenceFrame e:
                OnFairEvidence(e.Evidence);
                break;
            case DecryptionSharesFrame d:
                OnDecryptionShares(peer, d.Message);
                break;
            case ConsensusEvidenceFrame e:
                OnConsensusEvidence(peer, e.Evidence, bytes.AsSpan(1));
                break;
            case SettlementAttestationFrame a:
                _settlement?.OnAttestation(a.Attestation);
                break;
            case SlashReportFrame r:
                _settlement?.OnSlashReport(r.Report);
                break;
        }
    }

    /// <summary>Blocks are the same whatever the epoch: the answer goes back in the epoch the request came in, to the core that asked.</summary>
    private void AnswerBlockRequest(int peer, BlockRequestMessage request, ulong epoch)
    {
        var blocks = request.Collect(_chain.TryGetBlock);

        if (blocks.Count > 0)
        {
            SendFrame(peer, WireFrame.Encode(new ConsensusFrame(new BlockResponseMessage(blocks), epoch)));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "dropped a malformed frame from validator {Peer}: {Reason}")]
    private static partial void LogBadFrame(ILogger logger, int peer, string reason);
}

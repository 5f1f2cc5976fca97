using Fairway.Api;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Inclusion;
using Fairway.Node.Wire;
using Fairway.Ordering.Fair;

namespace Fairway.Node.Runtime;

/// <summary>
/// Evidence from the inclusion stage: conflicting lists a peer signed, and censorship shown by receipts users report
/// (<c>POST /v1/evidence/receipts</c>) against the lists of committed blocks. What this validator finds it keeps and
/// sends to every peer; what a peer sends it keeps once it has checked the signed statements itself.
/// </summary>
public sealed partial class ValidatorNode
{
    private CensorshipWatch? _censorship;
    private readonly Lock _censorshipGate = new();

    private const int FairEvidenceSeenMax = 4_096;

    /// <summary>Fair evidence kept, by id: what was received from peers is not kept twice.</summary>
    private readonly RecentIds _fairEvidenceSeen = new(FairEvidenceSeenMax);

    /// <summary>Evidence kept and not yet seen carried by a committed block, oldest first: what this validator puts in its proposals.</summary>
    private readonly Dictionary<Hash, FairEvidence> _evidenceToCarry = [];
    private readonly Queue<Hash> _evidenceToCarryOrder = new();

    /// <summary>Evidence committed blocks carried (recent ids): a proposal carrying it again is refused.</summary>
    private readonly RecentIds _evidenceCarried = new(FairEvidenceSeenMax);

    /// <summary>How long after its receipt a validator may leave a transaction out of its lists: Δ and one round (the base timeout).</summary>
    private ulong CensorshipGraceMs => (ulong)_identity.Config.FairDelayMs
        + (ulong)(_identity.Genesis.Consensus.TimeoutBaseTicks * _identity.Genesis.Consensus.TickMs);

    private void CreateCensorshipWatch() =>
        _censorship = _identity.Namespaces.HasFair
            ? new CensorshipWatch(_identity.ChainId, _identity.Validators, Crypto.Ed25519Verifier.Instance, CensorshipGraceMs)
            : null;

    /// <inheritdoc />
    public ReceiptReport ReportReceipts(Hash transaction, IReadOnlyList<Receipt> receipts)
    {
        ArgumentNullException.ThrowIfNull(receipts);
        if (_censorship is null)
        {
            return new ReceiptReport(0, "this chain has no fair namespace: receipts are not watched");
        }

        var watched = 0;
        lock (_censorshipGate)
        {
            foreach (var receipt in receipts)
            {
                if (receipt.Validator is < 0 or > ushort.MaxValue)
                {
                    return new ReceiptReport(watched, $"validator {receipt.Validator} is not a validator");
                }

                if (_censorship.Watch(new SignedReceipt(transaction, (ushort)receipt.Validator, receipt.ReceivedAtMs, receipt.Signature)) is { } reason)
                {
                    return new ReceiptReport(watched, $"the receipt of validator {receipt.Validator}: {reason}");
                }

                watched++;
            }
        }

        return new ReceiptReport(watched, null);
    }

    /// <summary>A committed block is about to be output: its lists are checked against the reported receipts.</summary>
    private void WatchForCensorship(Block block)
    {
        if (_censorship is null || block.CandidateLists.Count == 0)
        {
            return;
        }

        IReadOnlyList<FairEvidence> found;
        lock (_censorshipGate)
        {
            found = _censorship.OnBlock(block.CandidateLists, _outputs!.WasIncluded, (ulong)NowMs);
        }

        foreach (var evidence in found)
        {
            KeepFairEvidence(evidence, foundHere: true, block.Height);
        }
    }

    /// <summary>A peer's evidence: kept once its signed statements check out here, refused (and counted) otherwise.</summary>
    private void OnFairEvidence(FairEvidence evidence)
    {
        if (_fair is null)
        {
            Metrics.OnFairRefused("no fair namespaces on this chain");
            return;
        }

        if (_fairEvidenceSeen.Contains(evidence.Id))
        {
            return;
        }

        if (_censorship!.Check(evidence) is not null)
        {
            Metrics.OnFairRefused("evidence that does not check");
            return;
        }

        KeepFairEvidence(evidence, foundHere: false);
    }

    /// <summary>Kept and served; what this validator found itself also goes to every peer (the network is all-to-all, so no relay).</summary>
    /// <param name="height">The height of the block that showed it (censorship) or carried it (<paramref name="onChain"/>).</param>
    private void KeepFairEvidence(FairEvidence evidence, bool foundHere, ulong? height = null, bool onChain = false)
    {
        if (!_fairEvidenceSeen.Add(evidence.Id))
        {
            return;
        }

        Metrics.OnEvidence();
        var censorship = evidence.Kind == FairEvidenceKind.Censorship;
        _evidence.Add(new EvidenceRecord(
            censorship ? "censorship" : "conflicting_lists",
            evidence.Validator,
            evidence.Round,
            height,
            NowMs,
            Convert.ToHexStringLower(Canonical.Encode(censorship ? evidence.Receipt! : evidence.List)),
            Convert.ToHexStringLower(Canonical.Encode(censorship ? evidence.List : evidence.Second!))));
        LogFairEvidence(_log, censorship ? "censorship" : "conflicting lists", evidence.Validator, evidence.Round, foundHere ? "found here" : "from a peer");
        if (foundHere)
        {
            BroadcastFrame(WireFrame.Encode(new FairEvidenceFrame(evidence)));
        }

        if (!onChain && !_evidenceCarried.Contains(evidence.Id) && _evidenceToCarry.TryAdd(evidence.Id, evidence))
        {
            _evidenceToCarryOrder.Enqueue(evidence.Id);
            while (_evidenceToCarryOrder.Count > FairEvidenceSeenMax)
            {
                _evidenceToCarry.Remove(_evidenceToCarryOrder.Dequeue());
            }
        }
    }

    /// <summary>What this leader's proposal carries: the oldest evidence not yet on the chain, within a block's bounds.</summary>
    private List<FairEvidence> EvidenceToPropose()
    {
        var chosen = new List<FairEvidence>();
        long entries = 0;
        foreach (var id in _evidenceToCarryOrder)
        {
            if (chosen.Count == Core.Chain.Limits.EvidencePerBlockMax)
            {
                break;
            }

            if (_evidenceToCarry.TryGetValue(id, out var evidence))
            {
                if (entries + evidence.EntryCount <= Core.Chain.Limits.EvidenceEntriesPerBlockMax)
                {
                    chosen.Add(evidence);
                    entries += evidence.EntryCount;
                }
            }
        }

        return chosen;
    }

    /// <summary>A voter's check of the evidence a proposal carries: every piece checks out here and is not on the chain yet.</summary>
    private string? CheckCarriedEvidence(Block block)
    {
        foreach (var evidence in block.Evidence)
        {
            if (_evidenceCarried.Contains(evidence.Id))
            {
                return "evidence already on the chain";
            }

            if (_censorship!.Check(evidence) is not null)
            {
                return "evidence that does not check";
            }
        }

        return block.Evidence.Select(e => e.Id).Distinct().Count() == block.Evidence.Count ? null : "the same evidence twice";
    }

    /// <summary>A committed block's evidence is on the chain: kept here too (a validator that missed the gossip learns it now), not proposed again.</summary>
    private void OnEvidenceCommitted(Block block)
    {
        foreach (var evidence in block.Evidence)
        {
            _evidenceToCarry.Remove(evidence.Id);
            if (_evidenceCarried.Add(evidence.Id))
            {
                Metrics.OnEvidenceCarried();
            }

            KeepFairEvidence(evidence, foundHere: false, block.Height, onChain: true);
        }
    }

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning, Message =
        "evidence: {Kind} by validator {Validator} in round {Round} ({Source})")]
    private static partial void LogFairEvidence(Microsoft.Extensions.Logging.ILogger logger, string kind, int validator, ulong round, string source);
}

using Fairway.Node.Wire;
using Fairway.Settlement;
using Microsoft.Extensions.Logging;

namespace Fairway.Node.Settlement;

/// <summary>
/// Evidence the L1 cannot check (Ed25519 equivocation) reaches it on the word of more than 2/3 of the stake: every
/// validator holding the evidence (found here or gossiped and checked) signs a slash report naming the offender's L1
/// account and the evidence hash, sends it to its peers, and the reports gathered are relayed to the light client's
/// <c>slashByAttestation</c> once their signers hold a quorum, taking turns as statements do. One report per offender:
/// the point is to slash it, not once per round it equivocated.
/// </summary>
internal sealed partial class SettlementAgent
{
    /// <summary>Offences waiting for the stake table to name the offender's account; more are dropped (and logged).</summary>
    private const int PendingOffencesMax = 64;

    private readonly Queue<(string ConsensusKey, byte[] EvidenceHash)> _pendingOffences = new();
    /// <summary>
    /// Reports signed per offender at most. More than one, because validators may first hold different pieces of
    /// evidence against it (an equivocation every round) and a quorum needs them to sign the same one; a few suffice.
    /// </summary>
    private const int ReportsPerOffenderMax = 4;

    private readonly Dictionary<string, int> _reportsByOffender = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _slashedAccounts = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, long> _slashQuorumSeenAtMs = new(StringComparer.Ordinal);
    private SlashReportPool? _slashReports;

    private SlashReportPool SlashReports => _slashReports ??= new SlashReportPool(_domain.L1ChainId, _domain.LightClient);

    /// <summary>Evidence of an offence the L1 cannot check, new at this validator: attest to it once the offender's account is known.</summary>
    public void OnSlashableEvidence(string consensusKeyHex, byte[] evidenceHash)
    {
        lock (_gate)
        {
            var pending = _pendingOffences.Count(p => string.Equals(p.ConsensusKey, consensusKeyHex, StringComparison.OrdinalIgnoreCase));
            if (_reportsByOffender.GetValueOrDefault(consensusKeyHex) + pending >= ReportsPerOffenderMax)
            {
                return;
            }

            if (_pendingOffences.Count >= PendingOffencesMax)
            {
                LogOffenceDropped(_logger, consensusKeyHex);
                return;
            }

            _pendingOffences.Enqueue((consensusKeyHex, evidenceHash));
        }

        Wake();
    }

    public void OnSlashReport(SlashReport report)
    {
        if (_watcher.Latest is not { } weights)
        {
            return;
        }

        lock (_gate)
        {
            SlashReports.Add(report, weights);
        }
    }

    /// <summary>Signs and sends a report for each pending offence whose offender the stake table names.</summary>
    private void SignSlashReports()
    {
        if (_watcher.Latest is not { } snapshot)
        {
            return;
        }

        var signed = new List<SlashReport>();
        lock (_gate)
        {
            var count = _pendingOffences.Count;
            for (var i = 0; i < count; i++)
            {
                var (consensusKey, evidenceHash) = _pendingOffences.Dequeue();
                var entry = snapshot.Validators.FirstOrDefault(v => string.Equals(v.ConsensusKeyHex, consensusKey, StringComparison.OrdinalIgnoreCase));
                if (entry is null)
                {
                    // Not (yet) in this validator's view of the stake table: nothing to slash there.
                    LogOffenderNotStaked(_logger, consensusKey);
                    continue;
                }

                var reports = _reportsByOffender.GetValueOrDefault(consensusKey);
                if (entry.Jailed || _slashedAccounts.Contains(entry.Validator) || reports >= ReportsPerOffenderMax
                    || _reportsByOffender.Count >= Fairway.Settlement.L1Contracts.ValidatorsMax)
                {
                    continue;
                }

                _reportsByOffender[consensusKey] = reports + 1;

                var report = new SlashReport(entry.Validator, evidenceHash, SignSlashReport(entry.Validator, evidenceHash));
                SlashReports.Add(report, snapshot);
                signed.Add(report);
            }
        }

        foreach (var report in signed)
        {
            _host.Broadcast(new SlashReportFrame(report));
            LogSlashReportSigned(_logger, report.Validator, Convert.ToHexStringLower(report.EvidenceHash));
        }
    }

    private async Task RelaySlashReportsAsync(CancellationToken cancel)
    {
        if (_watcher.Latest is not { } snapshot)
        {
            return;
        }

        IReadOnlyList<(string Validator, byte[] EvidenceHash, byte[] Signatures)> ready;
        lock (_gate)
        {
            ready = SlashReports.Ready(snapshot);
        }

        foreach (var (validator, evidenceHash, signatures) in ready)
        {
            if (_slashedAccounts.Contains(validator) || snapshot.Validators.Any(v => v.Jailed && string.Equals(v.Validator, validator, StringComparison.OrdinalIgnoreCase)))
            {
                // One slash per offender: its other reports are not relayed.
                MarkSlashDone(validator, evidenceHash, validator.ToLowerInvariant() + Convert.ToHexStringLower(evidenceHash));
                continue;
            }

            var key = validator.ToLowerInvariant() + Convert.ToHexStringLower(evidenceHash);
            _slashQuorumSeenAtMs.TryAdd(key, NowMs);
            var myTurn = evidenceHash[0] % _validatorCount == _index;
            if (!myTurn && NowMs - _slashQuorumSeenAtMs[key] < RelayBackupMs)
            {
                continue;
            }

            try
            {
                await _contracts.SlashByAttestationAsync(validator, evidenceHash, snapshot.Epoch, signatures, cancel).ConfigureAwait(false);
                LogSlashedByAttestation(_logger, validator, signatures.Length / Attestation.SignatureSize);
                MarkSlashDone(validator, evidenceHash, key);
            }
            catch (L1Exception e) when (TakenByAnother(e))
            {
                // Another validator relayed the same report first.
                LogSlashRefused(_logger, validator, e.Message);
                MarkSlashDone(validator, evidenceHash, key);
            }
        }
    }

    private void MarkSlashDone(string validator, byte[] evidenceHash, string key)
    {
        lock (_gate)
        {
            if (_slashedAccounts.Count < Fairway.Settlement.L1Contracts.ValidatorsMax)
            {
                _slashedAccounts.Add(validator);
            }

            SlashReports.MarkDone(validator, evidenceHash);
            _slashQuorumSeenAtMs.Remove(key);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "settlement: signed a slash report against {Validator} (evidence {Evidence})")]
    private static partial void LogSlashReportSigned(ILogger logger, string validator, string evidence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "settlement: the L1 slashed {Validator} on the attestation of {Signers} validators")]
    private static partial void LogSlashedByAttestation(ILogger logger, string validator, int signers);

    [LoggerMessage(Level = LogLevel.Information, Message = "settlement: the validator with consensus key {Key} is not in the stake table this validator read; its offence is not reported to the L1")]
    private static partial void LogOffenderNotStaked(ILogger logger, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "settlement: {Max} offences already wait for the stake table; not reporting the one by consensus key {Key}")]
    private static partial void LogOffenceDroppedCore(ILogger logger, int max, string key);

    private static void LogOffenceDropped(ILogger logger, string key) => LogOffenceDroppedCore(logger, PendingOffencesMax, key);
}

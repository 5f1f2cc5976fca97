using Fairway.Api;
using Fairway.Node.Keys;
using Fairway.Node.Settlement;
using Fairway.Node.Wire;
using Fairway.Settlement;
using Microsoft.Extensions.Logging;

namespace Fairway.Node.Runtime;

public sealed partial class ValidatorNode
{
    private SettlementAgent? _settlement;

    /// <summary>The newest height the L1 has settled, as this validator's watcher read it at a final L1 block; 0 without an L1.</summary>
    public ulong SettledHeight => _settlement?.SettledHeight ?? 0;

    public SettlementView? Settlement
    {
        get
        {
            if (_settlement is not { } agent)
            {
                return null;
            }

            var config = agent.Config;
            var snapshot = agent.Snapshot;
            return new SettlementView(
                config.Url,
                config.Addresses.ByName,
                config.Interval,
                config.SettlementKey,
                agent.SettledHeight,
                agent.AttestedHeight,
                snapshot?.L1Block,
                snapshot?.Epoch,
                snapshot?.TotalWeight.ToString(System.Globalization.CultureInfo.InvariantCulture),
                agent.L1Failures,
                snapshot?.Validators.Select(v => new SettlementValidatorView(
                    v.Validator, v.ConsensusKeyHex, v.SettlementKey, v.Weight.ToString(System.Globalization.CultureInfo.InvariantCulture), v.Exited, v.Jailed)).ToList() ?? [],
                snapshot is null ? null : EpochSetOf(snapshot));
        }
    }

    public SlashAttestationAnswer AttestEvidence(byte[] evidenceHash)
    {
        ArgumentNullException.ThrowIfNull(evidenceHash);
        if (_settlement is not { } agent)
        {
            return SlashAttestationAnswer.Refused(404, "not_found", "this validator runs without an L1 (no settlement section in genesis, or no l1 section in its config)");
        }

        // Only evidence this validator found itself: what it signs is its own word that the offence happened.
        var record = _evidence.FindByEvidenceHash(evidenceHash);
        if (record is null)
        {
            return SlashAttestationAnswer.Refused(404, "unknown_evidence", "this validator's evidence log holds no record with that evidence hash");
        }

        if (agent.Snapshot is not { } snapshot)
        {
            return SlashAttestationAnswer.Refused(409, "no_l1_snapshot", "this validator has not read the stake table yet; try again shortly");
        }

        if (record.Validator < 0 || record.Validator >= _identity.Validators.Count)
        {
            return SlashAttestationAnswer.Refused(409, "not_in_stake_table", "the evidence names no validator of this network's set");
        }

        var consensusKey = _identity.Validators[record.Validator].PublicKey.ToHex();
        var entry = snapshot.Validators.FirstOrDefault(v => string.Equals(v.ConsensusKeyHex, consensusKey, StringComparison.OrdinalIgnoreCase));
        if (entry is null)
        {
            return SlashAttestationAnswer.Refused(409, "not_in_stake_table", $"validator {record.Validator}'s consensus key is not in the stake table at L1 block {snapshot.L1Block}");
        }

        var signature = agent.SignSlashReport(entry.Validator, evidenceHash);
        return SlashAttestationAnswer.Of(new SlashAttestation(
            entry.Validator, "0x" + Convert.ToHexStringLower(evidenceHash), agent.Config.SettlementKey, "0x" + Convert.ToHexStringLower(signature)));
    }

    private static EpochSetView EpochSetOf(StakeSnapshot snapshot)
    {
        var set = EpochSet.FromSnapshot(snapshot);
        return new EpochSetView(
            set.Epoch,
            set.Members.Select(m => new EpochSetMemberView(m.Account, m.Validator.PublicKey.ToHex(), m.Validator.Stake, m.Endpoints.P2p, m.Endpoints.Api)).ToList(),
            set.Refused);
    }

    /// <summary>Starts settling on the L1 when both genesis (the contracts) and the config (the URL and key) name it.</summary>
    private void StartSettlement()
    {
        var genesis = _identity.Genesis.Settlement;
        var l1 = _identity.Config.L1;
        if (genesis is null || l1 is null)
        {
            if (genesis is not null)
            {
                LogNoL1(_log, _identity.Config.Validator);
            }

            return;
        }

        var key = SettlementKeyFile.Read(l1.SettlementKeyFile);
        var connection = L1Connection.Open(l1.Url, key, genesis.L1ChainId);
        var contracts = new L1Contracts(connection, new L1Addresses(genesis.StakeTable, genesis.LightClient, genesis.Inbox));
        var domain = new SettlementDomain(genesis.L1ChainId, genesis.LightClient, genesis.IntervalHeights, genesis.IntervalMs);
        _settlement = new SettlementAgent(
            domain, key, contracts, l1, _identity.Config.DataDir, _identity.Index, _identity.Validators.Count,
            new SettlementHost(this), _identity.Config.TestDoubleAttest, _time, _log);
        if (genesis.Inbox is { } inbox && _inboxLedger is { } ledger)
        {
            _settlement.Watcher.FollowInbox(new InboxFollower(
                new InboxContract(connection, inbox), ledger, (ulong)l1.Confirmations, warning => LogInboxDeadline(_log, warning)));
        }

        _settlement.OnCertified(_chain.CertifiedHeight);
        _settlement.Start();
        LogSettling(_log, l1.Url, genesis.LightClient, genesis.IntervalHeights, key.Address);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "forced inclusion: {Warning}")]
    private static partial void LogInboxDeadline(ILogger logger, string warning);

    private async Task StopSettlementAsync()
    {
        if (_settlement is { } agent)
        {
            _settlement = null;
            await agent.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed class SettlementHost(ValidatorNode node) : ISettlementHost
    {
        // Below the certified height the stored header is the certified one (the store keeps a certificate only for it).
        public byte[]? CertifiedOutputHeader(ulong height) =>
            height <= node._chain.CertifiedHeight && node._chain.GetOutputHeader(height) is { } header
                ? Core.Encoding.Canonical.Encode(header)
                : null;

        public ulong? BlockTimestampMs(ulong height) =>
            height <= node._chain.CertifiedHeight ? node._chain.GetCommitted(height)?.Block.TimestampMs : null;

        public void Broadcast(WireFrame frame) => node.BroadcastFrame(WireFrame.Encode(frame));

        public void Evidence(EvidenceRecord record)
        {
            node.Metrics.OnEvidence();
            node._evidence.Add(record with { DetectedAtMs = node.NowMs });
        }

        public int IndexOfConsensusKey(string consensusKeyHex) =>
            consensusKeyHex is { Length: 64 } && consensusKeyHex.All(char.IsAsciiHexDigit)
                ? node._identity.Validators.IndexOf(Core.Crypto.PublicKey.ParseHex(consensusKeyHex))
                : -1;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "settling on the L1 {Url}: light client {LightClient}, every {Interval} heights, settlement key {Address}")]
    private static partial void LogSettling(ILogger logger, string url, string lightClient, ulong interval, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "validator {Name}: the genesis names settlement contracts but this config has no l1 section; this validator will not sign or relay settlement statements")]
    private static partial void LogNoL1(ILogger logger, string name);
}

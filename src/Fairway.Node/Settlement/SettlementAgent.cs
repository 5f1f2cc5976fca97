using Fairway.Api;
using Fairway.Node.Wire;
using Fairway.Settlement;
using Microsoft.Extensions.Logging;

namespace Fairway.Node.Settlement;

/// <summary>What the settlement agent needs from its validator.</summary>
internal interface ISettlementHost
{
    /// <summary>
    /// The canonical bytes of the certified output header at <paramref name="height"/> (their SHA-256 is the output hash
    /// a statement signs; the light client is sent the bytes too), or null if this validator has none.
    /// </summary>
    byte[]? CertifiedOutputHeader(ulong height);

    /// <summary>The timestamp of the committed block at <paramref name="height"/>, or null if this validator has none.</summary>
    ulong? BlockTimestampMs(ulong height);

    void Broadcast(WireFrame frame);

    /// <summary>Evidence kept and served at /v1/evidence; the host stamps the time.</summary>
    void Evidence(EvidenceRecord record);

    /// <summary>This validator's index in the Fairway validator set of the consensus key, or -1.</summary>
    int IndexOfConsensusKey(string consensusKeyHex);
}

/// <summary>
/// Settles a validator's certified output on the L1, beside consensus and never in its way: signs the statement of
/// every interval-th certified height with the settlement key (logged before it is sent, so never two for a height),
/// gathers every validator's signatures, and relays a statement with more than 2/3 of the epoch's stake to the light
/// client. Relaying takes turns by height, with every validator stepping in after <see cref="RelayBackupMs"/>;
/// duplicates cost nothing since the gas estimate refuses them. Two signatures by one key for one height are evidence,
/// sent to the L1, which checks and slashes by itself. An L1 that is down only delays all this.
/// </summary>
internal sealed partial class SettlementAgent : IAsyncDisposable
{
    /// <summary>How long a statement with a quorum waits for its turn's relayer before any validator relays it.</summary>
    public const long RelayBackupMs = 5_000;

    /// <summary>Statements relayed per pass: settlement catches up in steps after an L1 outage.</summary>
    private const int RelaysPerPassMax = 16;

    /// <summary>Statements signed per pass, so a long catch-up does not hold the agent's lock.</summary>
    private const int SignsPerPassMax = 256;

    private const long RebroadcastMs = 2_000;

    private readonly SettlementDomain _domain;
    private readonly SettlementKey _key;
    private readonly L1Contracts _contracts;
    private readonly L1Watcher _watcher;
    private readonly AttestationLog _log;
    private readonly AttestationPool _pool;
    private readonly ISettlementHost _host;
    private readonly int _index;
    private readonly int _validatorCount;
    private readonly bool _testDoubleAttest;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Dictionary<ulong, long> _quorumSeenAtMs = [];

    /// <summary>Settlement keys this validator reported to the L1 already: one slash per offender is the point, not one per height it double-signed.</summary>
    private readonly HashSet<string> _reported = new(StringComparer.OrdinalIgnoreCase);
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeSpan _poll;
    private Task? _running;
    /// <summary>Written by the node's disk writer, read by the agent's task.</summary>
    private long _certified;
    /// <summary>
    /// The newest statement of this validator's chain (its own, or the L1's tip it continued from): what the next one
    /// names as parent. Replaced whole, and only by the agent's task; other threads read its height.
    /// </summary>
    private Anchor _anchor;
    private long _lastRebroadcastMs;
    private long _lastRelayMs;

    public SettlementAgent(
        SettlementDomain domain, SettlementKey key, L1Contracts contracts, Config.L1Config config, string dataDir, int index, int validatorCount,
        ISettlementHost host, bool testDoubleAttest, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(config);
        _domain = domain;
        _key = key;
        _contracts = contracts;
        _host = host;
        _index = index;
        _validatorCount = validatorCount;
        _testDoubleAttest = testDoubleAttest;
        _time = time;
        _logger = logger;
        _poll = TimeSpan.FromMilliseconds(config.PollMs);
        _watcher = new L1Watcher(contracts, (ulong)config.Confirmations, _poll, logger);
        _log = new AttestationLog(Path.Combine(dataDir, "settlement.log"));
        _pool = new AttestationPool(domain);
        _anchor = _log.Last is { } last
            ? new Anchor(last.Height, SettlementDigests.Header(domain.L1ChainId, domain.LightClient, last.Height, last.Parent, last.OutputHash))
            : new Anchor(0, new byte[32]);
        foreach (var own in _log.Recent)
        {
            _pool.Add(own);
        }
    }

    private sealed record Anchor(ulong Height, byte[] Digest);

    public L1Config Config => new(_contracts.Connection.Url, _contracts.Addresses, _domain.Interval, _key.Address);

    /// <summary>The newest Fairway height the L1's light client has accepted, at a final L1 block.</summary>
    public ulong SettledHeight => _watcher.Latest?.SettledHeight ?? 0;

    public StakeSnapshot? Snapshot => _watcher.Latest;

    /// <summary>The watcher, for the node to give it more to follow (the inbox) before <see cref="Start"/>.</summary>
    public L1Watcher Watcher => _watcher;

    /// <summary>The height of the newest statement in this validator's chain (its own, or the L1's tip it continued from).</summary>
    public ulong AttestedHeight => Volatile.Read(ref _anchor).Height;

    // With the time rule: the anchor's block time (read when needed), and the last height checked and found not due.
    private ulong? _anchorTimestampMs;
    private ulong _scannedHeight;

    public int L1Failures => _watcher.Failures;

    /// <summary>
    /// The L1 block a proposal of this validator names: the newest final block at least <paramref name="slackBlocks"/>
    /// below its own final one, so voters whose watchers polled a moment earlier know it too; null before the first read.
    /// </summary>
    public (ulong Number, string Hash)? ProposableL1(ulong slackBlocks) =>
        _watcher.Latest is { } latest && latest.L1Block >= slackBlocks ? _watcher.FinalAtOrBelow(latest.L1Block - slackBlocks) : null;

    /// <summary>The stake-table epoch of L1 block <paramref name="number"/> and a snapshot taken in it, when the watcher has read one.</summary>
    public (ulong Epoch, StakeSnapshot? Snapshot)? StakeEpochAt(ulong number) =>
        _watcher.StakeEpochOf(number) is { } epoch ? (epoch, _watcher.SnapshotOfEpoch(epoch)) : null;

    /// <summary>Whether this validator's watcher holds L1 block <paramref name="number"/> as final, with this hash.</summary>
    public bool IsFinalL1(ulong number, string hash) => _watcher.IsFinal(number, hash);

    public sealed record L1Config(string Url, L1Addresses Addresses, ulong Interval, string SettlementKey);

    /// <summary>The L1 chain and light client this validator's signatures are for.</summary>
    public SettlementDomain Domain => _domain;

    /// <summary>
    /// Signs the light client's slash report for <paramref name="account"/> and <paramref name="evidenceHash"/>: this
    /// validator's attestation that the evidence is real, counted by its stake in <c>slashByAttestation</c>.
    /// </summary>
    public byte[] SignSlashReport(string account, byte[] evidenceHash) =>
        _key.Sign(SettlementDigests.SlashReport(_domain.L1ChainId, _domain.LightClient, account, evidenceHash));

    public void Start()
    {
        _running = Task.WhenAll(
            Task.Run(() => _watcher.RunAsync(_stop.Token)),
            Task.Run(() => RunAsync(_stop.Token)));
    }

    /// <summary>Heights up to <paramref name="height"/> are certified and stored: their statements can be signed.</summary>
    public void OnCertified(ulong height)
    {
        lock (_gate)
        {
            Volatile.Write(ref _certified, Math.Max(Volatile.Read(ref _certified), (long)height));
        }

        Wake();
    }

    public void OnAttestation(Attestation attestation)
    {
        AttestationResult result;
        // Weighed by the stake this node settles against, so signatures by keys without stake take no room in the pool;
        // validators rebroadcast theirs, so one weighed out before the snapshot knew its stake comes again.
        var weights = _watcher.Latest;
        lock (_gate)
        {
            result = _pool.Add(attestation, weights);
        }

        if (result == AttestationResult.Conflict)
        {
            Wake();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_running is not null)
        {
            try
            {
                await _running.WaitAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or TimeoutException or L1Exception)
            {
                // Stopping: whatever the L1 was doing is retried after the restart.
            }
        }

        _log.Dispose();
        _stop.Dispose();
        _wake.Dispose();
    }

    private void Wake()
    {
        try
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
        catch (Exception e) when (e is SemaphoreFullException or ObjectDisposedException)
        {
            // Already awake, or stopping.
        }
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private async Task RunAsync(CancellationToken cancel)
    {
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(TimeSpan.FromMilliseconds(250), cancel).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                FollowL1();
                SignCertified();
                SignSlashReports();
                Rebroadcast();
                if (NowMs - _lastRelayMs >= _poll.TotalMilliseconds)
                {
                    _lastRelayMs = NowMs;
                    await RelayAsync(cancel).ConfigureAwait(false);
                    await RelaySlashReportsAsync(cancel).ConfigureAwait(false);
                }

                await ReportConflictsAsync(cancel).ConfigureAwait(false);
            }
            catch (L1Exception e)
            {
                LogL1(_logger, e.Message);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Drops signatures for settled heights, and when the light client is ahead of this validator's own statements (it
    /// was away, or its log is new) continues the chain from the light client's tip instead of from its own.
    /// </summary>
    private void FollowL1()
    {
        if (_watcher.Latest is not { } snapshot)
        {
            return;
        }

        lock (_gate)
        {
            if (snapshot.SettledHeight < _pool.Settled)
            {
                LogRewound(_logger, _pool.Settled, snapshot.SettledHeight);
                _pool.Rewind(snapshot.SettledHeight);
                _lastRebroadcastMs = 0;
            }

            _pool.OnSettled(snapshot.SettledHeight);
            if (snapshot.SettledHeight > _anchor.Height && _domain.IsStatementHeight(snapshot.SettledHeight))
            {
                MoveAnchor(snapshot.SettledHeight, snapshot.SettledHeaderHash);
            }
        }
    }

    private ulong Certified => (ulong)Volatile.Read(ref _certified);

    /// <summary>The next height due a statement after the anchor, up to the certified height; null when none is due yet.</summary>
    private ulong? NextStatementHeight()
    {
        if ((_anchorTimestampMs ??= _anchor.Height == 0 || _domain.IntervalMs == 0 ? 0 : _host.BlockTimestampMs(_anchor.Height)) is not { } anchorMs)
        {
            return null;
        }

        return StatementSchedule.Next(_domain, _anchor.Height, anchorMs, Certified, ref _scannedHeight, _host.BlockTimestampMs, Settleable);
    }

    /// <summary>
    /// Whether the light client could take a statement on the certified header at <paramref name="height"/> (null: not
    /// held): with an inbox, only a header that commits to it.
    /// </summary>
    private bool? Settleable(ulong height) =>
        _host.CertifiedOutputHeader(height) is not { } header ? null
        : _contracts.Addresses.Inbox is null || (header.Length > 0 && header[0] == Core.Output.OutputHeader.InboxVersion);

    private void SignCertified()
    {
        var signed = 0;
        while (signed < SignsPerPassMax)
        {
            // The anchor is this task's alone (FollowL1 runs here too), so the store reads and the log's fsync happen
            // outside the lock the node's event loop takes to hand in peers' attestations.
            if (NextStatementHeight() is not { } height || _host.CertifiedOutputHeader(height) is not { } header)
            {
                return;
            }

            var statement = SettlementStatement.Create(_domain, height, _anchor.Digest, Core.Crypto.Hash.Compute(header).ToArray());
            var attestation = new Attestation(height, statement.Parent, statement.OutputHash, _key.Sign(statement.Digest));
            // Durable before it is sent (never two statements for a height, across restarts); the log, like the
            // anchor, is only touched by this task.
            _log.Append(attestation);
            lock (_gate)
            {
                _pool.Add(attestation);
            }

            MoveAnchor(height, statement.Digest);
            _host.Broadcast(new SettlementAttestationFrame(attestation));
            if (_testDoubleAttest)
            {
                SignConflicting(attestation);
            }

            signed++;
        }
    }

    private void MoveAnchor(ulong height, byte[] digest)
    {
        Volatile.Write(ref _anchor, new Anchor(height, digest));
        _anchorTimestampMs = null;
    }

    /// <summary>The test-only double attestation: the same height and parent over a made-up output, sent to every peer.</summary>
    private void SignConflicting(Attestation honest)
    {
        var made = (byte[])honest.OutputHash.Clone();
        made[0] ^= 0xff;
        var statement = SettlementStatement.Create(_domain, honest.Height, honest.Parent, made);
        _host.Broadcast(new SettlementAttestationFrame(new Attestation(honest.Height, honest.Parent, made, _key.Sign(statement.Digest))));
        LogDoubleAttest(_logger, honest.Height);
    }

    private void Rebroadcast()
    {
        if (NowMs - _lastRebroadcastMs < RebroadcastMs)
        {
            return;
        }

        _lastRebroadcastMs = NowMs;
        List<Attestation> unsettled;
        lock (_gate)
        {
            // Oldest first: the relayer needs the statement just above the L1's tip before any later one.
            var settled = SettledHeight;
            unsettled = _log.Recent.Where(a => a.Height > settled).Take(16).ToList();
            foreach (var own in unsettled)
            {
                _pool.Add(own);
            }
        }

        foreach (var attestation in unsettled)
        {
            _host.Broadcast(new SettlementAttestationFrame(attestation));
        }
    }

    private async Task RelayAsync(CancellationToken cancel)
    {
        if (_watcher.Latest is not { } snapshot)
        {
            return;
        }

        var (tipHeight, tipHash) = await _contracts.SettledTipAsync().ConfigureAwait(false);
        for (var i = 0; i < RelaysPerPassMax; i++)
        {
            (SettlementStatement Statement, byte[] Signatures, System.Numerics.BigInteger Weight)? quorum;
            ulong height;
            lock (_gate)
            {
                quorum = _pool.Next(tipHeight, tipHash, snapshot);
                height = quorum?.Statement.Height ?? 0;
                if (quorum is not null)
                {
                    _quorumSeenAtMs.TryAdd(height, NowMs);
                }

                foreach (var old in _quorumSeenAtMs.Keys.Where(h => h <= tipHeight).ToList())
                {
                    _quorumSeenAtMs.Remove(old);
                }
            }

            if (quorum is not { } q)
            {
                return;
            }

            var myTurn = (int)(height % (ulong)_validatorCount) == _index;
            if (!myTurn && NowMs - _quorumSeenAtMs[height] < RelayBackupMs)
            {
                return;
            }

            // The light client takes the header's bytes too: a validator that has not certified the height yet leaves it to another.
            if (_host.CertifiedOutputHeader(height) is not { } header)
            {
                return;
            }

            try
            {
                var receipt = await _contracts.SubmitHeaderAsync(
                    height, snapshot.Epoch, q.Statement.Parent, q.Statement.OutputHash, header, q.Signatures, cancel).ConfigureAwait(false);
                LogRelayed(_logger, height, snapshot.Epoch, q.Signatures.Length / Attestation.SignatureSize, (ulong)(receipt.GasUsed?.Value ?? 0));
            }
            catch (L1Exception e)
            {
                // Most often another validator relayed it first (NotExtending): harmless, the next pass reads the new tip.
                // Any other refusal is shown: a devnet run once settled nothing for minutes while every validator signed,
                // and the refusals, logged at debug level only, could not say why (NoInboxCommitment; SETTLEMENT.md).
                if (e.Message.Contains("NotExtending", StringComparison.Ordinal))
                {
                    LogRelayRefused(_logger, height, e.Message);
                }
                else
                {
                    LogRelayRefusedUnexpectedly(_logger, height, snapshot.Epoch, e.Message);
                }

                return;
            }

            (tipHeight, tipHash) = (height, q.Statement.Digest);
        }
    }

    private async Task ReportConflictsAsync(CancellationToken cancel)
    {
        IReadOnlyList<AttestationConflict> conflicts;
        lock (_gate)
        {
            conflicts = _pool.TakeConflicts();
        }

        foreach (var c in conflicts)
        {
            var entry = _watcher.Latest?.Validators.FirstOrDefault(v => string.Equals(v.SettlementKey, c.Signer, StringComparison.OrdinalIgnoreCase));
            var index = entry is null ? -1 : _host.IndexOfConsensusKey(entry.ConsensusKeyHex);
            _host.Evidence(new EvidenceRecord(
                "conflicting_settlement", index, null, c.First.Height, 0, Encode(c.First), Encode(c.Second)));
            LogConflict(_logger, c.Signer, c.First.Height);
            if (entry is { Jailed: true } || _reported.Contains(c.Signer))
            {
                continue;
            }

            try
            {
                await _contracts.SlashConflictingHeadersAsync(
                    c.First.Height, c.First.Parent, c.First.OutputHash, c.First.Signature,
                    c.Second.Parent, c.Second.OutputHash, c.Second.Signature, cancel).ConfigureAwait(false);
                LogSlashSubmitted(_logger, c.Signer, c.First.Height);
                Remember(c.Signer);
            }
            catch (L1Exception e) when (TakenByAnother(e))
            {
                // Another validator's report of the same offence came first.
                LogSlashRefused(_logger, c.Signer, e.Message);
                Remember(c.Signer);
            }
            catch (L1Exception e)
            {
                // Another validator's report came first (EvidenceAlreadyUsed), or the L1 is away: the evidence stays in /v1/evidence.
                LogSlashRefused(_logger, c.Signer, e.Message);
            }
        }
    }

    /// <summary>
    /// The L1 refused a report because the same evidence was used already, or the transaction reverted after its gas
    /// estimate passed (another validator's copy landed first, in the same block): either way, someone else reported it.
    /// </summary>
    private static bool TakenByAnother(L1Exception e) =>
        e.Message.Contains("EvidenceAlreadyUsed", StringComparison.Ordinal) || e.Message.Contains("reverted", StringComparison.Ordinal);

    private void Remember(string signer)
    {
        if (_reported.Count < L1Contracts.ValidatorsMax)
        {
            _reported.Add(signer);
        }
    }

    private static string Encode(Attestation a) =>
        $"{a.Height}:{Convert.ToHexStringLower(a.Parent)}:{Convert.ToHexStringLower(a.OutputHash)}:{Convert.ToHexStringLower(a.Signature)}";

    [LoggerMessage(Level = LogLevel.Information, Message = "settlement: relayed height {Height} to the light client (stake epoch {Epoch}, {Signers} signatures, {Gas} gas)")]
    private static partial void LogRelayed(ILogger logger, ulong height, ulong epoch, int signers, ulong gas);

    [LoggerMessage(Level = LogLevel.Debug, Message = "settlement: relaying height {Height} refused: {Reason}")]
    private static partial void LogRelayRefused(ILogger logger, ulong height, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "settlement: the light client refused height {Height} (stake epoch {Epoch}): {Reason}")]
    private static partial void LogRelayRefusedUnexpectedly(ILogger logger, ulong height, ulong epoch, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "settlement: the L1 failed a request, retrying later: {Reason}")]
    private static partial void LogL1(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "settlement: the L1 now shows height {Now} settled, below the {Before} it showed (it restarted from older state or reorganised); settling those heights again")]
    private static partial void LogRewound(ILogger logger, ulong before, ulong now);

    [LoggerMessage(Level = LogLevel.Warning, Message = "settlement evidence: settlement key {Signer} signed two statements for height {Height}")]
    private static partial void LogConflict(ILogger logger, string signer, ulong height);

    [LoggerMessage(Level = LogLevel.Warning, Message = "settlement: reported {Signer}'s double attestation at height {Height} to the L1, which slashed it")]
    private static partial void LogSlashSubmitted(ILogger logger, string signer, ulong height);

    [LoggerMessage(Level = LogLevel.Information, Message = "settlement: report of {Signer} not taken by the L1: {Reason}")]
    private static partial void LogSlashRefused(ILogger logger, string signer, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TEST ONLY (test_double_attest): signed a second, false settlement statement for height {Height}")]
    private static partial void LogDoubleAttest(ILogger logger, ulong height);
}

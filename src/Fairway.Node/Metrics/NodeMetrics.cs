using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Fairway.Node.Metrics;

/// <summary>
/// The validator's metrics. Published through System.Diagnostics.Metrics (meter "Fairway.Node") for OpenTelemetry, and
/// rendered directly in the Prometheus text format for <c>/v1/status/metrics</c>.
/// </summary>
public sealed class NodeMetrics : IDisposable
{
    public const string MeterName = "Fairway.Node";

    private readonly Meter _meter = new(MeterName);
    private long _blocksCommitted;
    private long _transactionsCommitted;
    private long _committedHeight;
    private long _round;
    private long _timeouts;
    private long _roundsTimedOut;
    private long _leader;
    private long _eligibleLeaders;
    private long _timeoutBaseMs;
    private long _peers;
    private long _mempool;
    private long _framesRejected;
    private long _connectionsRejected;
    private long _messagesDropped;
    private long _evidence;
    private long _evidenceCarried;
    private long _batchesCreated;
    private long _certifiedHeight;
    private long _settledHeight;
    private long _l1ReferencesRefused;
    private long _epoch;
    private long _epochChangesRefused;
    private long _l1Failures;
    private long _attestedHeight;
    private long _outputMismatches;
    private long _outputVotesRefused;

    public NodeMetrics()
    {
        _meter.CreateObservableCounter("fairway.blocks.committed", () => Interlocked.Read(ref _blocksCommitted));
        _meter.CreateObservableCounter("fairway.transactions.committed", () => Interlocked.Read(ref _transactionsCommitted));
        _meter.CreateObservableGauge("fairway.consensus.round", () => Interlocked.Read(ref _round));
        _meter.CreateObservableGauge("fairway.peers.connected", () => Interlocked.Read(ref _peers));
        _meter.CreateObservableGauge("fairway.mempool.transactions", () => Interlocked.Read(ref _mempool));
        _meter.CreateObservableGauge("fairway.disk.free_bytes", () => Interlocked.Read(ref _diskFreeBytes));
        _meter.CreateObservableGauge("fairway.disk.low", () => Interlocked.Read(ref _diskLow));
    }

    public LatencyHistogram CommitLatency { get; } = new(
        "fairway_commit_latency_seconds",
        "Time from a block's proposal to its commit on this validator.",
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);

    public LatencyHistogram DecryptionLatency { get; } = new(
        "fairway_decryption_latency_seconds",
        "Time from ordering a committed block with ciphertexts to holding all their plaintexts on this validator.",
        [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]);

    private long _ciphertextsDecided;
    private long _ciphertextsUndecryptable;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _shareRefusals = new(StringComparer.Ordinal);

    /// <summary>A committed height's ciphertexts were decided: how many, how many undecryptable, and after how long.</summary>
    public void OnDecrypted(int ciphertexts, int undecryptable, double seconds)
    {
        Interlocked.Add(ref _ciphertextsDecided, ciphertexts);
        Interlocked.Add(ref _ciphertextsUndecryptable, undecryptable);
        DecryptionLatency.Observe(Math.Max(0, seconds));
    }

    /// <summary>Share messages or shares refused, by reason (a fixed, small set of strings).</summary>
    public void OnShareRefused(string reason) => _shareRefusals.AddOrUpdate(reason, 1, (_, n) => n + 1);

    public long CiphertextsUndecryptable => Interlocked.Read(ref _ciphertextsUndecryptable);

    public long BlocksCommitted => Interlocked.Read(ref _blocksCommitted);

    public void OnCommitted(ulong height, int transactions)
    {
        Interlocked.Increment(ref _blocksCommitted);
        Interlocked.Add(ref _transactionsCommitted, transactions);
        Interlocked.Exchange(ref _committedHeight, (long)height);
    }

    public void SetRound(ulong round) => Interlocked.Exchange(ref _round, (long)round);
    public void SetTimeouts(long timeouts) => Interlocked.Exchange(ref _timeouts, timeouts);

    /// <summary>Leader reputation and the pacemaker as they stand in the current round.</summary>
    public void SetLeadership(int leader, int eligibleLeaders, long roundsTimedOut, long timeoutBaseMs)
    {
        Interlocked.Exchange(ref _leader, leader);
        Interlocked.Exchange(ref _eligibleLeaders, eligibleLeaders);
        Interlocked.Exchange(ref _roundsTimedOut, roundsTimedOut);
        Interlocked.Exchange(ref _timeoutBaseMs, timeoutBaseMs);
    }
    public void SetPeers(int peers) => Interlocked.Exchange(ref _peers, peers);
    public void SetMempool(int transactions) => Interlocked.Exchange(ref _mempool, transactions);
    public void SetTransportRejections(long frames, long connections)
    {
        Interlocked.Exchange(ref _framesRejected, frames);
        Interlocked.Exchange(ref _connectionsRejected, connections);
    }

    public void SetMessagesDropped(long dropped) => Interlocked.Exchange(ref _messagesDropped, dropped);
    public void OnEvidence() => Interlocked.Increment(ref _evidence);

    /// <summary>Consensus evidence from peers refused, by reason (a fixed, small set of strings).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _evidenceRefusals = new(StringComparer.Ordinal);

    public void OnEvidenceRefused(string reason) => _evidenceRefusals.AddOrUpdate(reason, 1, (_, n) => n + 1);

    /// <summary>Refusals by reason, for tests.</summary>
    public IReadOnlyDictionary<string, long> EvidenceRefusals => new SortedDictionary<string, long>(_evidenceRefusals, StringComparer.Ordinal);

    public void OnEvidenceCarried() => Interlocked.Increment(ref _evidenceCarried);
    public void OnBatchCreated() => Interlocked.Increment(ref _batchesCreated);
    public void SetCertifiedHeight(ulong height) => Interlocked.Exchange(ref _certifiedHeight, (long)height);

    public void OnL1ReferenceRefused() => Interlocked.Increment(ref _l1ReferencesRefused);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, long> _inboxRefusals = new();
    private long _inboxIndex;
    private long _inboxPending;

    /// <summary>A proposal by <paramref name="leader"/> was not voted for because of its inbox entries (a left-out entry past its deadline, or entries not the L1's).</summary>
    public void OnInboxRefused(int leader) => _inboxRefusals.AddOrUpdate(leader, 1, (_, n) => n + 1);

    /// <summary>Inbox refusals by the leader whose proposal was refused.</summary>
    public IReadOnlyDictionary<int, long> InboxRefusals => new SortedDictionary<int, long>(_inboxRefusals);

    public void SetInbox(ulong includedIndex, ulong latestIndex)
    {
        Interlocked.Exchange(ref _inboxIndex, (long)includedIndex);
        Interlocked.Exchange(ref _inboxPending, (long)(latestIndex - Math.Min(latestIndex, includedIndex)));
    }

    public void OnEpoch(ulong epoch) => Interlocked.Exchange(ref _epoch, (long)epoch);

    public void OnEpochChangeRefused() => Interlocked.Increment(ref _epochChangesRefused);

    /// <summary>The settlement agent's view: the L1's settled height, this validator's last signed statement, failed L1 polls in a row.</summary>
    public void SetSettlement(ulong settledHeight, ulong attestedHeight, int l1Failures)
    {
        Interlocked.Exchange(ref _settledHeight, (long)settledHeight);
        Interlocked.Exchange(ref _attestedHeight, (long)attestedHeight);
        Interlocked.Exchange(ref _l1Failures, l1Failures);
    }
    public long CertifiedHeight => Interlocked.Read(ref _certifiedHeight);
    public void OnOutputMismatch() => Interlocked.Increment(ref _outputMismatches);
    public void OnOutputVoteRefused() => Interlocked.Increment(ref _outputVotesRefused);

    /// <summary>Candidate lists and fair proposals refused, by reason (a fixed, small set of strings).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _fairRefusals = new(StringComparer.Ordinal);

    private long _fairPending;

    /// <summary>Submitted transactions refused as busy by admission control, by the bound that refused them.</summary>
    public void OnAdmissionRefused(string reason, int transactions) => _admissionRefusals.AddOrUpdate(reason, transactions, (_, n) => n + transactions);

    public void SetAdmissionLoad(long unindexedTransactions, long oldestWaitMs)
    {
        Interlocked.Exchange(ref _unindexed, unindexedTransactions);
        Interlocked.Exchange(ref _oldestWaitMs, oldestWaitMs);
    }

    /// <summary>The data directory's file system as the last probe saw it (free bytes; -1 before one could read them) against the reserve.</summary>
    public void SetDisk(long? freeBytes, long reserveBytes, bool low)
    {
        Interlocked.Exchange(ref _diskFreeBytes, freeBytes ?? -1);
        Interlocked.Exchange(ref _diskReserveBytes, reserveBytes);
        Interlocked.Exchange(ref _diskLow, low ? 1 : 0);
    }

    private long _diskFreeBytes = -1;
    private long _diskReserveBytes;
    private long _diskLow;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _admissionRefusals = new(StringComparer.Ordinal);
    private long _unindexed;
    private long _oldestWaitMs;

    public void OnFairRefused(string reason) => _fairRefusals.AddOrUpdate(reason, 1, (_, n) => n + 1);

    public void SetFairPending(int pending) => Interlocked.Exchange(ref _fairPending, pending);

    /// <summary>Refusals by reason, for tests and the summary log.</summary>
    public IReadOnlyDictionary<string, long> FairRefusals => new SortedDictionary<string, long>(_fairRefusals, StringComparer.Ordinal);

    /// <summary>Per auction namespace: the epoch, whether its lane is sold, its price, bundle transactions output and bundles refused.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ulong, (ulong Epoch, bool Open, ulong Price, long Taken, long Refused)> _auctions = new();

    public void OnAuctionSteps(IReadOnlyList<Ordering.Auction.AuctionStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        foreach (var step in steps)
        {
            var taken = step.Records.Count(r => !Core.Auction.AuctionRecord.HasMagic(r.Payload.Span));
            _auctions.AddOrUpdate(
                step.Namespace,
                _ => (step.Epoch, step.Lane is not null, step.Decided?.Price ?? 0, taken, step.BundlesRefused),
                (_, was) => (step.Epoch, step.Lane is not null, step.Decided is { } d ? d.Price : was.Price, was.Taken + taken, was.Refused + step.BundlesRefused));
        }
    }

    private void RenderAuctions(StringBuilder text)
    {
        if (_auctions.IsEmpty)
        {
            return;
        }

        var auctions = new SortedDictionary<ulong, (ulong Epoch, bool Open, ulong Price, long Taken, long Refused)>(_auctions);
        void Family(string name, string type, string help, Func<(ulong Epoch, bool Open, ulong Price, long Taken, long Refused), string> value)
        {
            text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n");
            foreach (var (ns, a) in auctions)
            {
                text.Append(CultureInfo.InvariantCulture, $"{name}{{namespace=\"{ns}\"}} {value(a)}\n");
            }
        }

        Family("fairway_auction_epoch", "gauge", "The auction epoch of the last height applied, by auction namespace.", a => a.Epoch.ToString(CultureInfo.InvariantCulture));
        Family("fairway_auction_lane_sold", "gauge", "1 when the epoch's express lane has a controller, by auction namespace.", a => a.Open ? "1" : "0");
        Family("fairway_auction_price", "gauge", "The price the epoch's express lane sold for, in the rollup's unit (0 unsold), by auction namespace.", a => a.Price.ToString(CultureInfo.InvariantCulture));
        Family("fairway_express_transactions_total", "counter", "Priority-bundle transactions output first in their namespace, by auction namespace.", a => a.Taken.ToString(CultureInfo.InvariantCulture));
        Family("fairway_express_bundles_refused_total", "counter", "Priority bundles a block carried that the lane refused (not the controller, wrong epoch, a sequence taken), by auction namespace.", a => a.Refused.ToString(CultureInfo.InvariantCulture));
    }

    public string Render()
    {
        var text = new StringBuilder(2048);
        Counter(text, "fairway_blocks_committed_total", "Blocks this validator committed.", _blocksCommitted);
        Counter(text, "fairway_transactions_committed_total", "Transactions in blocks this validator committed.", _transactionsCommitted);
        Gauge(text, "fairway_committed_height", "Height of the last committed block.", _committedHeight);
        Gauge(text, "fairway_certified_height", "Height of the last block whose ordered output is certified (firm).", _certifiedHeight);
        Gauge(text, "fairway_settled_height", "Height of the last output header the L1's light client accepted, at a final L1 block (0 without an L1).", _settledHeight);
        Gauge(text, "fairway_attested_height", "Height of the last settlement statement this validator signed.", _attestedHeight);
        Counter(text, "fairway_l1_references_refused_total", "Proposals this validator did not vote for because of their L1 block reference (unknown or not final here, going back, or dropped).", _l1ReferencesRefused);
        Gauge(text, "fairway_inbox_index", "The L1 inbox index the committed chain includes up to (0 without an inbox).", _inboxIndex);
        Gauge(text, "fairway_inbox_pending", "Inbox entries final on the L1 here and not yet included by the committed chain.", _inboxPending);
        text.Append("# HELP fairway_inbox_refusals_total Proposals this validator did not vote for because of their inbox entries (a past-deadline entry left out, or entries that are not the L1's), by leader.\n# TYPE fairway_inbox_refusals_total counter\n");
        foreach (var (leader, count) in InboxRefusals)
        {
            text.Append(CultureInfo.InvariantCulture, $"fairway_inbox_refusals_total{{leader=\"{leader}\"}} {count}\n");
        }

        RenderAuctions(text);
        Gauge(text, "fairway_epoch", "The consensus epoch this validator runs in (0 until the stake table first changes the stakes).", _epoch);
        Counter(text, "fairway_epoch_changes_refused_total", "Proposals this validator did not vote for because their epoch change is not what its L1 watcher reads.", _epochChangesRefused);
        Gauge(text, "fairway_l1_failures", "Consecutive failed polls of the L1 (0 while it answers).", _l1Failures);
        Counter(text, "fairway_output_mismatches_total", "Output votes for a header other than the one this validator computed (evidence).", _outputMismatches);
        Counter(text, "fairway_output_votes_refused_total", "Output votes or certificates refused (bad signature, outside the window, wrong sender).", _outputVotesRefused);
        Gauge(text, "fairway_consensus_round", "The consensus round this validator is in.", _round);
        Counter(text, "fairway_consensus_timeouts_total", "Rounds this validator gave up on (local timeouts).", _timeouts);
        Counter(text, "fairway_consensus_rounds_timed_out_total", "Rounds this validator left through a timeout certificate.", _roundsTimedOut);
        Gauge(text, "fairway_consensus_leader", "Validator index leading the current round, as this validator sees it.", _leader);
        Gauge(text, "fairway_consensus_eligible_leaders", "Validators leader reputation lets lead now (absent or failed leaders are passed over).", _eligibleLeaders);
        text.Append(CultureInfo.InvariantCulture,
            $"# HELP fairway_consensus_timeout_base_seconds The adaptive base round timeout.\n# TYPE fairway_consensus_timeout_base_seconds gauge\nfairway_consensus_timeout_base_seconds {Interlocked.Read(ref _timeoutBaseMs) / 1000.0}\n");
        Gauge(text, "fairway_peers_connected", "Validators with an authenticated connection.", _peers);
        Gauge(text, "fairway_mempool_transactions", "Transactions received and not yet batched.", _mempool);
        Gauge(text, "fairway_unindexed_transactions", "Transactions committed and not yet indexed (firm).", _unindexed);
        text.Append(CultureInfo.InvariantCulture,
            $"# HELP fairway_admission_oldest_wait_seconds How long the oldest batch not yet proposed has waited.\n# TYPE fairway_admission_oldest_wait_seconds gauge\nfairway_admission_oldest_wait_seconds {Interlocked.Read(ref _oldestWaitMs) / 1000.0}\n");
        text.Append("# HELP fairway_admission_refused_total Submissions refused as busy, by the bound that refused them (a transaction refused by the loop, or a whole request refused unread, counts one).\n# TYPE fairway_admission_refused_total counter\n");
        foreach (var (reason, count) in new SortedDictionary<string, long>(_admissionRefusals, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"fairway_admission_refused_total{{reason=\"{reason}\"}} {count}\n");
        }

        if (Interlocked.Read(ref _diskFreeBytes) >= 0)
        {
            Gauge(text, "fairway_disk_free_bytes", "Free bytes this validator may still write on its data directory's file system, read about every second.", _diskFreeBytes);
        }

        Gauge(text, "fairway_disk_reserve_bytes", "disk_reserve_bytes: free space kept for consensus (0: off).", _diskReserveBytes);
        Gauge(text, "fairway_disk_low", "1 while free space is below the reserve: submissions are refused (disk_full), consensus goes on.", _diskLow);
        Counter(text, "fairway_batches_created_total", "Batches this validator packed.", _batchesCreated);
        Counter(text, "fairway_p2p_frames_rejected_total", "Peer connections closed for malformed or oversized frames.", _framesRejected);
        Counter(text, "fairway_p2p_connections_rejected_total", "Peer connections refused at the handshake.", _connectionsRejected);
        Counter(text, "fairway_consensus_messages_dropped_total", "Invalid or useless consensus inputs dropped.", _messagesDropped);
        Counter(text, "fairway_evidence_total", "Evidence records kept: equivocation, conflicting lists, censorship (found here or checked from a peer).", _evidence);
        text.Append("# HELP fairway_evidence_refused_total Consensus evidence from peers this validator refused, by reason.\n# TYPE fairway_evidence_refused_total counter\n");
        foreach (var (reason, count) in EvidenceRefusals)
        {
            text.Append(CultureInfo.InvariantCulture, $"fairway_evidence_refused_total{{reason=\"{reason}\"}} {count}\n");
        }

        Counter(text, "fairway_evidence_carried_total", "Pieces of fair-lane evidence committed blocks carried.", _evidenceCarried);
        Gauge(text, "fairway_fair_pending_transactions", "Fair-lane transactions this validator holds and has not seen included.", _fairPending);
        text.Append("# HELP fairway_fair_refused_total Candidate lists and fair proposals this validator refused, by reason.\n# TYPE fairway_fair_refused_total counter\n");
        foreach (var (reason, count) in FairRefusals)
        {
            text.Append(CultureInfo.InvariantCulture, $"fairway_fair_refused_total{{reason=\"{reason}\"}} {count}\n");
        }

        Counter(text, "fairway_ciphertexts_decided_total", "Encrypted-lane ciphertexts this validator decided after commit (decrypted or undecryptable).", _ciphertextsDecided);
        Counter(text, "fairway_ciphertexts_undecryptable_total", "Encrypted-lane ciphertexts output as the undecryptable entry.", _ciphertextsUndecryptable);
        text.Append("# HELP fairway_decryption_shares_refused_total Decryption share messages this validator refused, by reason.\n# TYPE fairway_decryption_shares_refused_total counter\n");
        foreach (var (reason, count) in new SortedDictionary<string, long>(_shareRefusals, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"fairway_decryption_shares_refused_total{{reason=\"{reason}\"}} {count}\n");
        }

        CommitLatency.Render(text);
        DecryptionLatency.Render(text);
        return text.ToString();
    }

    private static void Counter(StringBuilder text, string name, string help, long value) => Sample(text, name, help, "counter", value);

    private static void Gauge(StringBuilder text, string name, string help, long value) => Sample(text, name, help, "gauge", value);

    private static void Sample(StringBuilder text, string name, string help, string type, long value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n{name} {Interlocked.Read(ref value)}\n");

    public void Dispose() => _meter.Dispose();
}

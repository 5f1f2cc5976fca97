using System.Threading.Channels;
using Fairway.Api;
using Fairway.Consensus.Engine;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Network;
using Fairway.Node.Hosting;
using Fairway.Node.Metrics;
using Fairway.Node.Wire;
using Fairway.Ordering;
using Fairway.Ordering.Output;
using Fairway.Storage;
using Fairway.Storage.Query;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fairway.Node.Runtime;

/// <summary>
/// One validator: the imperative shell around the pure consensus core. A single event loop owns the core, the mempool
/// and the batch pool; it feeds the core ticks and peer messages, and carries out its outputs in order, so the safety
/// state is on disk before any message that depends on it leaves.
/// </summary>
public sealed partial class ValidatorNode : BackgroundService, IValidatorApi
{
    private const int EventQueueMax = 100_000;
    private const ulong StaleProposalRounds = 20;

    /// <summary>Rounds a batch request or fetched batch is kept for; far longer than a fetch takes or a disk write lags.</summary>
    private const ulong FetchRoundsKept = 64;

    private readonly NodeIdentity _identity;
    private readonly IChainStore _chain;
    private readonly IQueryStore _query;
    private readonly TransactionTracker _tracker;
    private TaskCompletionSource _indexed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ISafetyStore _safety;
    private readonly IPeerTransport _transport;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeProvider _time;
    private readonly NodeClock _clock;
    private readonly ILogger _log;
    private readonly Channel<NodeEvent> _events = Channel.CreateBounded<NodeEvent>(new BoundedChannelOptions(EventQueueMax)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly Mempool _mempool;
    private readonly BatchPool _batches;
    private long _queuedSubmissions;
    /// <summary>Blocks of the current round the core waits on; the core asks about a handful per round at most.</summary>
    private readonly List<CheckAvailability> _awaitedAvailability = [];
    private readonly BatchFetches _fetches = new(FetchRoundsKept);

    /// <summary>Commits held in memory before the rest are left to the chain store: see <see cref="CommitQueue"/>.</summary>
    private const int CommitsHeldMax = 1_024;

    private readonly CommitQueue _commits;
    private readonly ProposalTiming _proposalTiming;

    /// <summary>
    /// Bytes of batches the disk writer may hold queued (a batch counts once stored and again with each commit that
    /// holds it); beyond it the loop waits for the disk, and peers meet TCP back-pressure, instead of memory growing.
    /// </summary>
    private const long DiskQueuedBytesMax = 256L * 1024 * 1024;

    /// <summary>Most queued writes handed to the disk in one group (one database transaction per store).</summary>
    private const int DiskGroupMax = 256;

    /// <summary>Disk writes nothing on the loop waits for, in order: batches, then the commits that order them, then the index.</summary>
    private BackgroundWriter<DiskWork>? _diskWriter;
    private OutputStage? _outputs;
    private ulong _committedHeight;
    private ConsensusCore? _core;
    private ConsensusDriver? _driver;
    private SignedLog? _signedLog;
    private int _tickQueued;
    private ulong _batchSequence;
    private long _lastBatchAtMs;
    private int _nextBatchPeer;

    public ValidatorNode(
        NodeIdentity identity,
        IChainStore chain,
        IQueryStore query,
        ISafetyStore safety,
        IPeerTransport transport,
        TimeProvider time,
        ILogger<ValidatorNode> log,
        NodeMetrics metrics,
        IHostApplicationLifetime lifetime)
    {
        _lifetime = lifetime ?? throw new ArgumentNullException(nameof(lifetime));
        _identity = identity ?? throw new ArgumentNullException(nameof(identity));
        _chain = chain ?? throw new ArgumentNullException(nameof(chain));
        _commits = new CommitQueue(CommitsHeldMax, hash => _chain.TryGetBlock(hash, out var block) ? block : null);
        _proposalTiming = new ProposalTiming(identity.Config.EmptyBlockDelayMs);
        _tracker = new TransactionTracker(1_000_000, tx => identity.Namespaces.IsFairOrdered(tx));
        _query = query ?? throw new ArgumentNullException(nameof(query));
        Blocks = new BlockCache(query);
        _safety = safety ?? throw new ArgumentNullException(nameof(safety));
        _transport = transport ?? throw new ArgumentNullException(nameof(transport));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _clock = new NodeClock(time, identity.Config.ClockOffsetMs, identity.Config.TestClockFile, log);
        Metrics = metrics ?? throw new ArgumentNullException(nameof(metrics));
        var config = identity.Config;
        var options = new MempoolOptions
        {
            TransactionsMax = config.MempoolTransactionsMax,
            BatchTransactionsMax = config.BatchTransactionsMax,
        };
        _mempool = new Mempool(options);
        _batches = new BatchPool(options);
        _admission = AdmissionFrom(config);
        _diskReserve = new DiskReserve(config.DiskReserveBytes, DiskReserve.FreeBytesOf(config.DataDir));
        Limits = config.ToApiLimits();
        _transport.FrameReceived += OnFrame;
    }

    public NodeMetrics Metrics { get; }

    public ApiLimits Limits { get; }

    public IQueryStore Query => _query;

    public BlockCache Blocks { get; }

    public Hash ChainId => _identity.ChainId;

    public Core.Validators.ValidatorSet Validators => CurrentValidators;

    public NamespaceRegistry Namespaces => _identity.Namespaces;

    public IReadOnlyList<string> ValidatorAddresses => _identity.Genesis.Validators.Select(v => v.P2p).ToList();

    public string RenderMetrics() => Metrics.Render();

    /// <summary>Where this validator keeps its state (for the operator's messages).</summary>
    public string DataDirectory => _identity.Config.DataDir;

    /// <summary>Evidence records kept: a bound on what equivocating peers can make this validator hold.</summary>
    private const int EvidenceKept = 10_000;

    private readonly EvidenceLog _evidence = new(EvidenceKept);

    public (IReadOnlyList<EvidenceRecord> Records, long Next) ReadEvidence(long from, int max) => _evidence.Read(from, max);

    // The index is asked again after a tracker miss: the transaction may have been indexed, and so forgotten by the
    // tracker, between the two reads.
    public TransactionStatus? GetStatus(Hash transactionHash) =>
        FirmStatus(transactionHash) ?? _tracker.Status(transactionHash) ?? FirmStatus(transactionHash);

    private TransactionStatus? FirmStatus(Hash transactionHash) =>
        _query.FindTransaction(transactionHash) is { } firm
            ? new TransactionStatus(firm.Height <= SettledHeight ? CommitmentLevel.Settled : CommitmentLevel.Firm, firm.Height, firm.Index)
            : null;

    public async Task WaitForHeightAsync(ulong height, CancellationToken cancellationToken)
    {
        while (_query.IndexedHeight < height)
        {
            await Volatile.Read(ref _indexed).Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<SubmitOutcome> SubmitAsync(Transaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var reply = new TaskCompletionSource<SubmitStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        var receivedAtMs = (ulong)NowMs;
        if (!_events.Writer.TryWrite(new SubmitEvent(transaction, reply)))
        {
            return new SubmitOutcome(SubmitStatus.Busy, transaction.Hash, null);
        }

        var status = await reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (status == SubmitStatus.Busy)
        {
            return new SubmitOutcome(status, transaction.Hash, null);
        }

        // Signed on the request thread: receipts cost a signature each and must not slow the consensus loop.
        var message = Core.Chain.SigningDomain.ReceiptMessage(_identity.ChainId, transaction.Hash, (ushort)_identity.Index, receivedAtMs);
        return new SubmitOutcome(status, transaction.Hash, new Receipt(_identity.Index, receivedAtMs, _identity.Signer.Sign(message)));
    }

    public async Task<IReadOnlyList<SubmitStatus>> SubmitManyAsync(IReadOnlyList<Transaction> transactions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        var reply = new TaskCompletionSource<IReadOnlyList<SubmitStatus>>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Submissions queued for the loop count against the backlog too: when the loop falls behind, requests are
        // refused at once rather than waiting in memory for their turn.
        if ((AdmissionRefusal)Volatile.Read(ref _refusal) is var refusal and not AdmissionRefusal.None)
        {
            Metrics.OnAdmissionRefused(Admission.Label(refusal), transactions.Count);
            return transactions.Select(_ => SubmitStatus.Busy).ToList();
        }

        if (Interlocked.Add(ref _queuedSubmissions, transactions.Count) > _admission.BacklogTransactionsMax / 2
            || !_events.Writer.TryWrite(new SubmitManyEvent(transactions, reply)))
        {
            Interlocked.Add(ref _queuedSubmissions, -transactions.Count);
            Metrics.OnAdmissionRefused("queue", transactions.Count);
            return transactions.Select(_ => SubmitStatus.Busy).ToList();
        }

        return await reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Longest a batch receipt waits for an fsync when no commit brings one (see <see cref="WriteGroup"/>).</summary>
    private const long ReceiptsFlushMs = 200;

    private long _receiptsFlushedAtMs;

    /// <summary>
    /// Writes one group of queued disk work. Every batch of the group goes first (storing a batch early is always safe),
    /// then the group's commits in order, durable together, then their indexing: so a commit never reaches the disk
    /// before the batches it orders (a restart rebuilds from them), and the API never shows what the disk has not got.
    /// </summary>
    private void WriteGroup(IReadOnlyList<DiskWork> group)
    {
        var batches = new List<Batch>();
        var receipts = new List<BatchReceipt>();
        var commits = new List<DiskWork.StoreCommit>();
        var certified = new List<DiskWork.StoreCertified>();
        foreach (var work in group)
        {
            switch (work)
            {
                case DiskWork.StoreBatch b:
                    batches.Add(b.Batch);
                    if (b.ReceivedAtMs > 0)
                    {
                        receipts.Add(new BatchReceipt(b.Batch.Digest, (ulong)b.ReceivedAtMs));
                    }

                    break;
                case DiskWork.StoreCommit c:
                    commits.Add(c);
                    break;
                case DiskWork.StoreCertified c:
                    certified.Add(c);
                    break;
            }
        }

        if (batches.Count > 0)
        {
            _chain.PutBatches(batches);
        }

        // Every batch a commit orders must be on disk before the commit. Each is queued for storage when it arrives, so
        // this finds none missing; if one ever is (the fault campaign stopped validators on exactly that, each time just
        // after a SIGSTOP or a restart, and the cause is not found), the commit carries the batch itself and it is stored
        // here rather than the validator stopping. Asked of the store by the rule its commit check applies, after this
        // group's batches went in: an earlier version trusted a memory of recent writes and the read connection, and the
        // store still refused three commits that check had passed.
        var repairs = new List<Batch>();
        foreach (var missing in MissingBatches.Find(commits.Select(c => (c.Committed, c.Batches)), _chain.IsBatchStored))
        {
            LogBatchStoredWithCommit(_log, missing.Digest.ToHex()[..8], missing.Height, missing.Handed is null ? "none" : "a copy",
                batches.Any(b => b.Digest == missing.Digest), _chain.TryGetBatch(missing.Digest, out _));
            if (missing.Handed is { } batch)
            {
                repairs.Add(batch);
            }
        }

        if (repairs.Count > 0)
        {
            _chain.PutBatches(repairs);
        }

        if (receipts.Count > 0)
        {
            _chain.PutBatchReceipts(receipts);
            if (commits.Count == 0 && NowMs - _receiptsFlushedAtMs >= ReceiptsFlushMs)
            {
                // Durable soon, not only at the next commit: a validator cut off from a quorum commits nothing for as
                // long as the partition lasts, and a crash then would make it forget every receive time it had recorded.
                // Not at every group: an fsync per group kept the store's lock from the event loop under load.
                _chain.Flush();
                _receiptsFlushedAtMs = NowMs;
            }
        }

        if (commits.Count > 0)
        {
            try
            {
                _chain.AppendCommittedMany(commits.Select(c => c.Committed).ToList());
            }
            catch (InvalidOperationException)
            {
                foreach (var commit in commits)
                {
                    foreach (var digest in commit.Committed.Block.AllBatchDigests)
                    {
                        LogCommitCheck(_log, commit.Committed.Height, digest.ToHex()[..8], batches.Any(b => b.Digest == digest), _chain.IsBatchStored(digest), _chain.TryGetBatch(digest, out _), batches.Count, group.Count);
                    }
                }

                throw;
            }
        }

        // A certified output is indexed (firm) only after its block's commit is on disk: same group or an earlier one.
        if (certified.Count > 0)
        {
            foreach (var c in certified)
            {
                _chain.PutOutputCertificate(c.Committed.OutputCertificate!);
            }

            _query.IndexMany(certified.Select(c => new BlockToIndex(c.Committed, c.Batches)).ToList());
            OnIndexedTransactions(certified.Sum(c => (long)c.Committed.Transactions.Count));
            foreach (var c in certified)
            {
                Blocks.Add(c.Committed);
                _tracker.OnIndexed(c.Batches, [.. c.Committed.Output.SubmittedTransactions(), .. c.Committed.Output.BundleCarriers()]);
            }

            SignalIndexed();
            _settlement?.OnCertified(certified[^1].Committed.Height);
        }
    }

    /// <summary>Wakes every stream waiting for a new height.</summary>
    private void SignalIndexed() =>
        Interlocked.Exchange(ref _indexed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private void OnFrame(int peer, ReadOnlyMemory<byte> payload)
    {
        // Blocking here holds the peer's connection: TCP back-pressure instead of an unbounded queue.
        var write = _events.Writer.WriteAsync(new FrameEvent(peer, payload.ToArray()));
        if (!write.IsCompleted)
        {
            write.AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Set when a write on the event loop found the data directory's disk full; the host has been asked to stop.</summary>
    public bool StoppedOnDiskFull { get; private set; }

    /// <summary>Why the validator stopped on an unrecoverable error (null if it did not): the command exits non-zero.</summary>
    public string? StoppedOnError { get; private set; }

    /// <summary>Set when the node could not start listening for peers; the host has been asked to stop.</summary>
    public StartupException? StartupFailure { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var consensusConfig = ConsensusSettings();
        var recovered = Recover(consensusConfig);
        _signedLog = new SignedLog(Path.Combine(_identity.Config.DataDir, "signed.log"), recovered?.Safety);
        var genesis = _identity.Genesis.Consensus;
        var (certificates, resumed) = ResumeEpoch(recovered);
        _core = new ConsensusCore(consensusConfig, certificates, _identity.Index, _identity.Signer, new Random(Environment.TickCount), resumed);
        _driver = new ConsensusDriver(_core, new ConsensusHost(this));
        // The true clock, not NodeClock: this only keeps batch numbers rising across restarts, and a test's clock
        // shift must not make a restarted validator reuse them.
        _batchSequence = (ulong)_time.GetUtcNow().ToUnixTimeMilliseconds() << 16;
        LogStarting(_log, _identity.Config.Validator, _identity.Index, _chain.CommittedHeight, _core.Safety.LastVotedRound);

        _query.IndexCertified(_chain);
        _committedHeight = _chain.CommittedHeight;
        _diskWriter = new BackgroundWriter<DiskWork>("disk", 4_096, DiskGroupMax, WriteGroup, _log, DiskWork.BytesOf, DiskQueuedBytesMax);
        _outputs = ResumeOutputs();
        _outputs.RestoreBatches(FairRecovery.RecentBatchDigests(_chain, OutputBatchWindow.HeightsKept));
        RestoreFairLane();
        RestoreDkg();
        _inboxLedger = CreateInboxLedger();
        StartSettlement();
        try
        {
            await _transport.StartAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (TransportListenException e)
        {
            // Another process took the port after NodeHost's check: stop the host quietly and let the command print one
            // line and exit 2, as for the same failure found by the check, rather than the host logging a stack trace.
            var config = _identity.Config;
            StartupFailure = new StartupException(
                ListenCheck.Describe(e.SocketError, e.EndPoint, "p2p_listen", config.P2pListen) ?? $"{e.Message} (config p2p_listen = {config.P2pListen})", e);
            await _diskWriter.DisposeAsync().ConfigureAwait(false);
            await StopSettlementAsync().ConfigureAwait(false);
            _signedLog.Dispose();
            _lifetime.StopApplication();
            return;
        }

        // Before the first submission can arrive: a node restarted on a disk still low refuses from the start.
        CheckDiskReserve();
        PublishAdmission();
        _driver.Start();
        RecommitToEpochStart();
        SwitchEpochIfEnded();
        var ticker = RunTicker(TimeSpan.FromMilliseconds(genesis.TickMs), stoppingToken);
        try
        {
            await foreach (var e in _events.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                Handle(e);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested || StoppedOnDiskFull)
        {
        }
        finally
        {
            await ticker.ConfigureAwait(false);
            await _transport.DisposeAsync().ConfigureAwait(false);
            await _diskWriter.DisposeAsync().ConfigureAwait(false);
            await StopSettlementAsync().ConfigureAwait(false);
            _signedLog.Dispose();
            _epochs?.Dispose();
            LogStopped(_log, _identity.Config.Validator, _chain.CommittedHeight);
        }
    }

    /// <summary>The output stage where the chain store left it: the last output's hash, and the heights still to certify.</summary>
    private OutputStage ResumeOutputs()
    {
        var committed = _chain.CommittedHeight;
        var tip = committed == 0 ? null : _chain.GetOutputHeader(committed)!;
        var state = tip is null ? OrderingState.Genesis : new OrderingState(tip.Height, tip.Hash);
        var stage = new OutputStage(_identity, state, _chain.CertifiedHeight, new OutputHost(this), Metrics, _log);
        if (stage.Auctions is not null)
        {
            // An auction's state is a function of every output since genesis (the deposits): read them all again.
            for (var height = 1UL; height <= committed; height++)
            {
                stage.ReplayAuctions(_chain.GetCommitted(height)!);
            }
        }

        var uncertified = new List<(CommittedBlock, IReadOnlyList<Batch>)>();
        for (var height = _chain.CertifiedHeight + 1; height <= committed; height++)
        {
            var stored = _chain.GetCommitted(height)!;
            uncertified.Add((stored, _chain.BatchesOf(stored.Block)));
            OnCommittedToIndex(stored.Transactions.Count);
        }

        stage.Resume(tip, uncertified);
        return stage;
    }

    /// <summary>The node's side of the output stage: sending on the transport, queueing disk work, reading old certificates.</summary>
    private sealed class OutputHost(ValidatorNode node) : IOutputStageHost
    {
        public void Broadcast(WireFrame frame) => node.BroadcastFrame(WireFrame.Encode(frame));

        public void Send(int peer, WireFrame frame) => node.SendFrame(peer, WireFrame.Encode(frame));

        public void StoreCertified(CommittedBlock committed, IReadOnlyList<Batch> batches) =>
            node._diskWriter!.Enqueue(new DiskWork.StoreCertified(committed, batches));

        public Core.Output.OutputCertificate? ReadCertificate(ulong height) => node._chain.GetOutputCertificate(height);

        public void Evidence(EvidenceRecord record) => node._evidence.Add(record with { DetectedAtMs = node.NowMs });
    }

    private RecoveredState? Recover(ConsensusConfig consensusConfig) =>
        ConsensusRecovery.Recover(_chain, _safety, Block.Genesis(_identity.ChainId), ConsensusCore.HistoryBlocksNeeded(consensusConfig));

    private ConsensusConfig ConsensusSettings()
    {
        var genesis = _identity.Genesis.Consensus;

        // An idle leader waits empty_block_delay_ms before proposing an empty block; a floor below twice that would
        // time out every idle round right after a busy spell had shrunk the adaptive timeout.
        var idleWaitTicks = (int)Math.Ceiling(2.0 * _identity.Config.EmptyBlockDelayMs / genesis.TickMs);
        return new ConsensusConfig
        {
            TimeoutBaseTicks = genesis.TimeoutBaseTicks,
            TimeoutMinTicks = Math.Min(genesis.TimeoutBaseTicks, Math.Max(genesis.TimeoutMinTicks, idleWaitTicks)),
            TimeoutBackoffExponentMax = genesis.TimeoutBackoffExponentMax,
            LeaderReputationWindowBlocks = genesis.LeaderReputationWindowBlocks,
            LeaderSilentTicks = 2 * genesis.TimeoutBaseTicks,
            SyncRetryTicks = Math.Max(20, genesis.TimeoutBaseTicks / 2),
            // A block's L1 reference, like the fair lane's lists, is something only the host can check, empty blocks included.
            CheckEveryBlock = _identity.Namespaces.HasFair || _identity.Genesis.Settlement is not null,
        };
    }

    private async Task RunTicker(TimeSpan period, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(period, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                // Ticks do not pile up behind a busy loop: at most one waits in the queue.
                if (Interlocked.Exchange(ref _tickQueued, 1) == 0 && !_events.Writer.TryWrite(TickEvent.Instance))
                {
                    Interlocked.Exchange(ref _tickQueued, 0);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Handle(NodeEvent e)
    {
        try
        {
            switch (e)
            {
                case TickEvent:
                    Interlocked.Exchange(ref _tickQueued, 0);
                    OnTick();
                    break;
                case FrameEvent f:
                    OnPeerFrame(f.Peer, f.Bytes);
                    break;
                case SubmitEvent s:
                    s.Reply.TrySetResult(Accept(s.Transaction));
                    CutBatchIfFull();
                    break;
                case SubmitManyEvent m:
                    Interlocked.Add(ref _queuedSubmissions, -m.Transactions.Count);
                    m.Reply.TrySetResult(m.Transactions.Select(Accept).ToList());
                    CutBatchIfFull();
                    break;
            }

            SwitchEpochIfEnded();
            PublishAdmission();
        }
        catch (Exception ex) when (DiskFull.Is(ex))
        {
            // The event loop's own writes (the safety state before a vote, blocks, the signing log) cannot be put off:
            // the consensus core has already moved on in memory. What failed was not sent (persist before send), and
            // every store keeps its last good state (a temp file and rename; SQLite transactions; appends cut back),
            // so the node stops cleanly and resumes from disk once it is restarted with space.
            StoppedOnDiskFull = true;
            LogDiskFullStop(_log, _identity.Config.DataDir, ex.Message);
            _lifetime.StopApplication();
            throw new OperationCanceledException("disk full", ex);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A storage failure must stop the validator rather than let it run on with state it could not persist. The
            // whole process stops, not only this loop: otherwise the host went on serving its API (frozen heights) while
            // the loop waited for a ticker that only the host's stop ends; found by the fault campaign.
            StoppedOnError = ex.Message;
            LogFatal(_log, ex);
            _lifetime.StopApplication();
            throw;
        }

        UpdateMetrics();
    }

    /// <summary>This validator's clock; <c>clock_offset_ms</c> and <c>test_clock_file</c> (test only) shift it, see <see cref="NodeClock"/>.</summary>
    private long NowMs => _clock.NowMs;

    private void OnTick()
    {
        CheckDiskReserve();
        _driver!.Step(Tick.Instance);
        SubmitDkgMessages();
        MaybeCutBatch();
        MaybeAnswerPayload();
        _batches.ReleaseStale(_core!.Round, StaleProposalRounds);
        _fetches.Prune(_core.Round);
        _outputs!.OnTick(NowMs);
        _rebuildsThisTick = 0;
        DrainCommits();
        CheckAwaitedAvailability();
        MaybeLogSummary();
    }

    private SubmitStatus Accept(Transaction transaction)
    {
        // The chain's own key generation is never load to shed: a handful of messages per epoch, still bounded by the mempool.
        if (transaction.Namespace != SystemNamespaces.Dkg && CheckAdmission() is var refusal and not AdmissionRefusal.None)
        {
            Metrics.OnAdmissionRefused(Admission.Label(refusal), 1);
            return SubmitStatus.Busy;
        }

        // A fair-lane transaction this validator could not record a receive time for would get a receipt and then be
        // missing from its lists: refused while the receive log is full (counting what waits to be batched), so a
        // receipt always means the transaction will be listed.
        if (_fair is not null && IsFair(transaction) && _fair.Pending + _mempool.Count >= _fair.Options.ReceiveCapacity)
        {
            return SubmitStatus.Busy;
        }

        if (transaction.Namespace == _identity.Config.TestCensorNamespace)
        {
            // The test-only censor: a receipt, and then nothing.
            return SubmitStatus.Accepted;
        }

        var result = _mempool.TryAdd(transaction);
        if (result == AddResult.Accepted)
        {
            _tracker.OnReceived(transaction);
        }

        return result switch
        {
            AddResult.Accepted => SubmitStatus.Accepted,
            AddResult.Duplicate => SubmitStatus.Duplicate,
            _ => SubmitStatus.Busy,
        };
    }

    private void CutBatchIfFull()
    {
        if (_mempool.Count >= _identity.Config.BatchTransactionsMax)
        {
            MaybeCutBatch();
        }
    }

    private ulong _metricsRound;

    private void UpdateMetrics()
    {
        var core = _core!;
        Metrics.SetRound(core.Round);
        Metrics.SetTimeouts(core.Stats.LocalTimeouts);
        if (core.Round != _metricsRound)
        {
            _metricsRound = core.Round;
            var eligible = core.EligibleLeaders;
            Metrics.SetLeadership(
                core.LeaderOf(core.Round),
                eligible?.Count ?? _identity.Validators.Count,
                core.Stats.RoundsEndedByTimeout,
                core.BaseTimeoutTicks * _identity.Genesis.Consensus.TickMs);
            ReportPassedOver(eligible);
        }

        Metrics.SetPeers(_transport.ConnectedPeers);
        if (_settlement is { } settlement)
        {
            Metrics.SetSettlement(settlement.SettledHeight, settlement.AttestedHeight, settlement.L1Failures);
        }
        Metrics.SetMempool(_mempool.Count);
        Metrics.SetTransportRejections(_transport.Stats.FramesRejected, _transport.Stats.ConnectionsRejected);
        Metrics.SetMessagesDropped(core.Stats.DroppedTotal);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "validator {Name} (#{Index}) starting at committed height {Height}, last voted round {Round}")]
    private static partial void LogStarting(ILogger logger, string name, int index, ulong height, ulong round);

    /// <summary>Tells the operator when leader reputation starts or stops passing over validators, once per change.</summary>
    private void ReportPassedOver(IReadOnlyList<int>? eligible)
    {
        var passedOver = eligible is null
            ? ""
            : string.Join(",", Enumerable.Range(0, _identity.Validators.Count).Where(v => !eligible.Contains(v)));
        if (passedOver == _passedOver)
        {
            return;
        }

        _passedOver = passedOver;
        if (passedOver.Length == 0)
        {
            LogAllEligible(_log, _core!.Round);
        }
        else
        {
            LogPassedOver(_log, passedOver, _core!.Round);
        }
    }

    private string _passedOver = "";

    [LoggerMessage(Level = LogLevel.Warning, Message = "leader reputation passes over validator(s) {Validators} from round {Round}: absent from the recent blocks or failed to lead there")]
    private static partial void LogPassedOver(ILogger logger, string validators, ulong round);

    [LoggerMessage(Level = LogLevel.Information, Message = "every validator may lead again from round {Round}")]
    private static partial void LogAllEligible(ILogger logger, ulong round);

    [LoggerMessage(Level = LogLevel.Information, Message = "validator {Name} stopped at committed height {Height}")]
    private static partial void LogStopped(ILogger logger, string name, ulong height);

    [LoggerMessage(Level = LogLevel.Critical, Message = "disk full at {DataDir}: stopping; free space and restart ({Reason})")]
    private static partial void LogDiskFullStop(ILogger logger, string dataDir, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "batch {Digest} of the block committed at height {Height} was not stored yet; stored with the commit (handed with it: {Handed}; put in this group: {InGroup}; readable: {Readable})")]
    private static partial void LogBatchStoredWithCommit(ILogger logger, string digest, ulong height, string handed, bool inGroup, bool readable);

    [LoggerMessage(Level = LogLevel.Critical, Message = "commit refused at height {Height}: batch {Digest} put in this group {InGroup}, stored {Stored}, readable {Readable} ({Batches} batches put, {Items} items)")]
    private static partial void LogCommitCheck(ILogger logger, ulong height, string digest, bool inGroup, bool stored, bool readable, int batches, int items);

    [LoggerMessage(Level = LogLevel.Critical, Message = "validator stopping on an unrecoverable error")]
    private static partial void LogFatal(ILogger logger, Exception exception);
}

using Fairway.Consensus.Engine;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Node.Wire;
using Fairway.Storage;

namespace Fairway.Node.Runtime;

public sealed partial class ValidatorNode
{
    private const long BatchRetryMs = 300;

    /// <summary>Packs waiting transactions into a batch when enough have arrived or the batch interval has passed.</summary>
    private void MaybeCutBatch()
    {
        var config = _identity.Config;
        if (config.TestFrontRunHoldMs > 0 && HoldToFrontRun(config))
        {
            return;
        }

        if (_mempool.Count == 0 || (_mempool.Count < config.BatchTransactionsMax && NowMs - _lastBatchAtMs < config.BatchIntervalMs))
        {
            return;
        }

        while (_mempool.Count > 0)
        {
            var taken = _mempool.TakeBatch();
            if (config.TestFrontRunHoldMs > 0)
            {
                // The test-only front-runner: what reached it last goes first.
                taken.Reverse();
                _frontRunBatches++;
            }

            var batch = new Batch(_identity.ChainId, (ushort)_identity.Index, ++_batchSequence, taken);
            _diskWriter!.Enqueue(new DiskWork.StoreBatch(batch, _fair is null ? 0 : NowMs));
            ReceiveFair(batch, NowMs);
            _batches.Add(batch, NowMs);
            _tracker.OnBatch(batch);
            Metrics.OnBatchCreated();
            BroadcastFrame(WireFrame.Encode(new BatchFrame(batch)));
            if (_mempool.Count < config.BatchTransactionsMax)
            {
                break;
            }
        }

        _lastBatchAtMs = NowMs;
        _frontRunHeldSinceMs = null;
    }

    private long? _frontRunHeldSinceMs;
    private long _frontRunBatches;
    private long _frontRunWarnedAtMs;

    /// <summary>
    /// The test-only front-runner (<c>test_front_run_hold_ms</c>) keeps client transactions until the oldest has waited
    /// the hold, so that it has several to reorder. True while it holds them. Warns every 10 s that it is running.
    /// </summary>
    private bool HoldToFrontRun(Config.NodeConfig config)
    {
        if (NowMs - _frontRunWarnedAtMs >= 10_000)
        {
            _frontRunWarnedAtMs = NowMs;
            LogFrontRunner(_log, config.TestFrontRunHoldMs, _frontRunBatches);
        }

        if (_mempool.Count == 0)
        {
            _frontRunHeldSinceMs = null;
            return true;
        }

        _frontRunHeldSinceMs ??= NowMs;
        return _mempool.Count < config.BatchTransactionsMax && NowMs - _frontRunHeldSinceMs.Value < config.TestFrontRunHoldMs;
    }

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning,
        Message = "TEST ONLY ADVERSARY: test_front_run_hold_ms={HoldMs}: this validator holds client transactions and batches them newest first to front-run ({Batches} batches reordered so far). Never run this on a real network")]
    private static partial void LogFrontRunner(Microsoft.Extensions.Logging.ILogger logger, int holdMs, long batches);

    private void OnPeerBatch(int peer, Batch batch)
    {
        // The transport authenticated the peer, so a batch is attributed to the validator that sent it.
        if (batch.Author != peer || batch.ChainId != _identity.ChainId)
        {
            return;
        }

        // A copy of a batch committed longer ago than the pool remembers is found in the chain store, which holds every
        // batch this validator stored; taking it again would let a leader order its transactions twice.
        if (_batches.IsKnown(batch.Digest) || _chain.HasBatch(batch.Digest) || !_batches.Add(batch, NowMs))
        {
            // Nothing new, so nothing waiting can go on: a validator back from a crash is sent thousands of batches it
            // already has, and looking at its waiting commits for each one kept it from catching up (fault campaign).
            return;
        }

        _diskWriter!.Enqueue(new DiskWork.StoreBatch(batch, _fair is null ? 0 : NowMs));
        ReceiveFair(batch, NowMs);
        _tracker.OnBatch(batch);
        if (!_commits.IsEmpty)
        {
            DrainCommits();
        }

        CheckAwaitedAvailability();
    }

    private void AnswerBatchRequest(int peer, BatchRequestFrame request)
    {
        // Stay well under the peer's frame limit: a response that does not fit would be dropped and the peer would stall.
        var found = new List<Batch>();
        long bytes = 0;
        foreach (var digest in request.Digests)
        {
            if (found.Count >= WireFrame.BatchesPerResponseMax)
            {
                break;
            }

            if (TryFindBatch(digest, out var batch))
            {
                var size = batch.Transactions.Sum(t => (long)t.EncodedSize) + 64;
                if (found.Count > 0 && bytes + size > Core.Chain.Limits.FrameBytesMax / 2)
                {
                    break;
                }

                found.Add(batch);
                bytes += size;
            }
        }

        if (found.Count > 0)
        {
            SendFrame(peer, WireFrame.Encode(new BatchResponseFrame(found)));
        }
    }

    private void OnFetchedBatches(IReadOnlyList<Batch> batches)
    {
        foreach (var batch in batches)
        {
            // Content-addressed: only batches this validator asked for by digest are taken.
            if (batch.ChainId == _identity.ChainId && _fetches.TryAccept(batch, _core!.Round))
            {
                _diskWriter!.Enqueue(new DiskWork.StoreBatch(batch));
            }
        }

        DrainCommits();
        CheckAwaitedAvailability();
    }

    /// <summary>
    /// Availability before vote: the core waits to vote for a block until every batch it references is here. Missing
    /// ones are fetched from the peers in turn, re-asked every <see cref="BatchRetryMs"/>, for as long as the block's
    /// round lasts; a block whose batches never arrive gets no vote from this validator, and its round times out.
    /// </summary>
    private void CheckAwaitedAvailability()
    {
        if (_awaitedAvailability.Count == 0)
        {
            return;
        }

        _awaitedAvailability.RemoveAll(a => a.Round != _core!.Round);
        foreach (var awaited in _awaitedAvailability.ToList())
        {
            var (found, missing) = FindBatches(awaited.BatchDigests);
            if (missing.Count > 0)
            {
                RequestBatches(missing);
                continue;
            }

            _awaitedAvailability.Remove(awaited);
            if (FairProposalSound(awaited, found))
            {
                _driver!.Step(new PayloadAvailable(awaited.BlockHash));
            }
        }
    }

    /// <summary>The batches of <paramref name="digests"/> this validator holds, and the digests of those it lacks: each looked up once.</summary>
    private (List<Batch> Found, List<Hash> Missing) FindBatches(IReadOnlyList<Hash> digests)
    {
        var found = new List<Batch>(digests.Count);
        var missing = new List<Hash>();
        foreach (var digest in digests)
        {
            if (TryFindBatch(digest, out var batch))
            {
                found.Add(batch);
            }
            else
            {
                missing.Add(digest);
            }
        }

        return (found, missing);
    }

    private bool TryFindBatch(Hash digest, out Batch batch) =>
        _batches.TryGet(digest, out batch) || _fetches.TryGet(digest, out batch) || _recentBatches.TryGet(digest, out batch)
        || _chain.TryGetBatch(digest, out batch);

    /// <summary>
    /// Applies committed blocks in order. A block whose batches are not all here yet waits at the head of the queue
    /// while the missing batches are fetched from peers.
    /// </summary>
    private void DrainCommits()
    {
        while (_outputs!.AcceptsCommits && IndexKeepsUp && _commits.TryPeek(_committedHeight, out var next))
        {
            var block = next.Block;

            var (batches, missing) = FindBatches(block.AllBatchDigests);
            if (missing.Count > 0)
            {
                RequestMissing(missing);
                return;
            }

            // A block whose output holds ciphertexts waits here, ordered, until they are decrypted.
            if (Reveal(OrderOnce(block, next.Certificate, batches)) is not { } committed)
            {
                return;
            }

            _chain.PutBlock(block);
            _committedHeight = block.Height;
            _lastCommitAtMs = NowMs;
            OnCommittedToIndex(committed.Transactions.Count);
            OnInboxCommitted(block);
            // Queued behind the block's batches: see WriteGroup for the order the disk sees.
            _diskWriter!.Enqueue(new DiskWork.StoreCommit(committed, batches));
            _outputs.Certify(committed, batches);
            _batches.MarkCommitted(block.BatchDigests, block.Height);
            foreach (var batch in batches)
            {
                _recentBatches.Add(batch);
            }

            _fetches.Forget(block.AllBatchDigests);

            _commits.Dequeue();
            Metrics.OnCommitted(block.Height, committed.Transactions.Count);
            LogCommit(_log, block.Height, block.Round, block.Author, committed.Transactions.Count);
            Metrics.CommitLatency.Observe(Math.Max(0, NowMs - (long)block.TimestampMs) / 1000.0);
        }
    }


    /// <summary>Commits looked at past the head when the head waits for batches.</summary>
    private const int CommitsLookedAhead = 64;

    /// <summary>Least time between two looks past the head (<see cref="MissingAhead"/>).</summary>
    private const long MissingAheadEveryMs = 50;

    private long? _missingAheadAtMs;

    /// <summary>
    /// Asks for the head commit's missing batches, and at most every <see cref="MissingAheadEveryMs"/> for those of the
    /// commits behind it too. The look past the head reads the store for each batch the next 64 commits lack, and commits
    /// are drained on every commit consensus hands over, every new batch and every tick: a validator back from a crash,
    /// handed thousands of commits at once, spent more time looking ahead than catching up (fault campaign, seed 2).
    /// </summary>
    private void RequestMissing(List<Hash> headMissing)
    {
        if (_missingAheadAtMs is { } at && NowMs - at < MissingAheadEveryMs)
        {
            RequestBatches(headMissing);
            return;
        }

        _missingAheadAtMs = NowMs;
        RequestBatches(MissingAhead(headMissing));
    }

    /// <summary>
    /// The head commit's missing batches and those of the commits queued behind it. A validator that fell behind (back
    /// from a partition, a pause or a crash) used to ask for one block's batches per round trip and applied about ten
    /// blocks a second while the others committed sixty: it never caught up (found by the fault campaign).
    /// </summary>
    private List<Hash> MissingAhead(List<Hash> headMissing)
    {
        var missing = new List<Hash>(headMissing);
        var seen = headMissing.ToHashSet();
        foreach (var commit in _commits.Upcoming(CommitsLookedAhead).Skip(1))
        {
            foreach (var digest in commit.Block.AllBatchDigests)
            {
                if (seen.Add(digest) && !TryFindBatch(digest, out _))
                {
                    missing.Add(digest);
                }
            }

            if (missing.Count >= WireFrame.DigestsPerRequestMax)
            {
                break;
            }
        }

        return missing;
    }

    private void RequestBatches(List<Hash> missing)
    {
        var now = NowMs;
        var due = _fetches.TakeDue(missing, now, BatchRetryMs, WireFrame.DigestsPerRequestMax, _core!.Round);

        // A peer answers at most BatchesPerResponseMax batches a request: ask in pieces that size, each of another peer,
        // so one that lacks the batches or is down does not stall the commit, and the work is spread.
        foreach (var chunk in due.Chunk(WireFrame.BatchesPerResponseMax))
        {
            _nextBatchPeer = (_nextBatchPeer + 1) % _identity.Validators.Count;
            if (_nextBatchPeer == _identity.Index)
            {
                _nextBatchPeer = (_nextBatchPeer + 1) % _identity.Validators.Count;
            }

            SendFrame(_nextBatchPeer, WireFrame.Encode(new BatchRequestFrame([.. chunk])));
        }
    }
}

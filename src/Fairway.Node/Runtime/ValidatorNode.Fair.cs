using Fairway.Consensus.Engine;
using Fairway.Consensus.Messages;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Inclusion;
using Fairway.Core.Output;
using Fairway.Node.Wire;
using Fairway.Ordering.Fair;
using Fairway.Ordering.Output;
using Fairway.Storage;

namespace Fairway.Node.Runtime;

/// <summary>
/// The inclusion stage of the <c>fair</c> policy in the node, around the pure <see cref="FairLane"/> (the simulator drives
/// the same one): receive times recorded when a batch is first held and kept on disk with it, one signed list per round
/// sent with the vote to the next leader (to all with a timeout), a leader's proposal that waits for its round's lists,
/// and the voter's check of a proposal's lists. Only on a chain whose genesis declares a fair namespace.
/// </summary>
public sealed partial class ValidatorNode
{
    /// <summary>
    /// Transactions of committed batches kept in memory on a fair chain (200 MB of 512-byte ones): as many as the fair
    /// lane holds awaiting inclusion, since a backlog's payload batches are named again by the blocks that include them,
    /// and reading and decoding them from the chain store for the leader, each voter and the ordering stage dominated
    /// the cost of a fair block under load. See <see cref="RecentBatches"/>.
    /// </summary>
    private const int RecentTransactionsKept = 400_000;

    private FairLane? _fair;
    private RecentBatches _recentBatches = new(0);
    private ulong _parentTimestampMs;
    private (ulong Round, List<Hash> Digests)? _fairPending;
    private long _receiptsPrunedAtMs;
    private long _fairWaitStartMs;

    /// <summary>Milliseconds proposals spent waiting for their round's lists, and for batches the lists named, in all.</summary>
    private long _fairWaitListsMs;
    private long _fairWaitBatchesMs;
    private bool _fairWaitingForBatches;

    private FairLane? CreateFairLane() => _identity.Namespaces.HasFair
        ? new FairLane(
            new FairLaneOptions { DelayMs = (ulong)_identity.Config.FairDelayMs, SkewMs = (ulong)_identity.Config.ClockSkewMs },
            _identity.ChainId,
            _identity.Validators,
            _identity.Index,
            _identity.Signer,
            Crypto.Ed25519Verifier.Instance)
        : null;

    private bool IsFair(Transaction tx) => _identity.Namespaces.IsFairOrdered(tx);

    /// <summary>A batch is first held (cut here or received from a peer): its fair-lane transactions' receive time is now.</summary>
    private void ReceiveFair(Batch batch, long nowMs)
    {
        if (_fair is null)
        {
            return;
        }

        foreach (var tx in batch.Transactions)
        {
            if (IsFair(tx) && !_outputs!.WasIncluded(tx.Hash) && tx.Namespace != _identity.Config.TestCensorNamespace)
            {
                _fair.Receive(tx.Hash, batch.Digest, (ulong)nowMs);
            }
        }
    }

    /// <summary>With its vote for a round this validator sends its list for the next round to the vote's recipient, that round's leader.</summary>
    private void SendListWithVote(int to, ConsensusMessage message)
    {
        if (_fair is not null && message is VoteMessage vote && _fair.ListFor(vote.Round + 1, (ulong)NowMs) is { } list)
        {
            SendFrame(to, WireFrame.Encode(new CandidateListFrame(list)));
        }
    }

    /// <summary>A validator giving up on a round sends its list for the next to all: it cannot know who will lead it.</summary>
    private void BroadcastListOnTimeout(ConsensusMessage message)
    {
        if (_fair is not null && message is TimeoutMessage timeout && _fair.ListFor(timeout.Round + 1, (ulong)NowMs) is { } list)
        {
            BroadcastFrame(WireFrame.Encode(new CandidateListFrame(list)));
        }
    }

    private void OnCandidateList(int peer, CandidateList list)
    {
        if (_fair is null)
        {
            Metrics.OnFairRefused("no fair namespaces on this chain");
            return;
        }

        _fair.AdvanceTo(_core!.Round);
        if (_fair.OnList(peer, list, (ulong)NowMs, out var conflict) is { } reason)
        {
            Metrics.OnFairRefused(reason);
            if (conflict is not null)
            {
                KeepFairEvidence(FairEvidence.Conflicting(conflict.First, conflict.Second), foundHere: true);
            }

            return;
        }

        MaybeAnswerPayload();
    }

    /// <summary>
    /// On a fair chain the leader's payload waits for lists of more than two thirds of the stake for its round, and for
    /// every batch they need (fetched from peers when missing); the batches it orders are taken once per round.
    /// </summary>
    private PayloadReady? FairPayloadIfDue()
    {
        var lane = _fair!;
        var round = _core!.Round;
        if (_fairPending is { } pending && pending.Round != round)
        {
            _fairPending = null;
        }

        if (_fairPending is null)
        {
            if (_proposalTiming.Due(round, NowMs, _batches.UnproposedCount > 0 || lane.Pending > 0 || InboxEntriesWaiting, _committedHeight) is not { } due)
            {
                return null;
            }

            _fairPending = (due, _batches.TakeForProposal(due));
            _fairWaitStartMs = NowMs;
            _fairWaitingForBatches = false;
        }

        var (r, digests) = _fairPending.Value;
        lane.AdvanceTo(r);
        lane.ListFor(r, (ulong)NowMs);
        var batches = new List<Batch>(digests.Count);
        foreach (var digest in digests)
        {
            if (TryFindBatch(digest, out var batch))
            {
                batches.Add(batch);
            }
        }

        var missing = new HashSet<Hash>();
        var proposal = lane.Propose(r, _parentTimestampMs, batches, d => TryFindBatch(d, out var b) ? b : null, _outputs!.WasIncluded, missing);
        if (proposal is null)
        {
            if (missing.Count > 0)
            {
                _fairWaitingForBatches = true;
                RequestBatches([.. missing.Take(WireFrame.DigestsPerRequestMax)]);
            }

            return null;
        }

        _fairPending = null;
        if (_fairWaitingForBatches)
        {
            _fairWaitBatchesMs += NowMs - _fairWaitStartMs;
        }
        else
        {
            _fairWaitListsMs += NowMs - _fairWaitStartMs;
        }

        var (l1, change) = L1AndEpochChangeToPropose();
        return new PayloadReady(r, digests, proposal.TimestampMs, proposal.PayloadDigests, proposal.Lists, EvidenceToPropose(), l1, change, InboxToPropose(l1));
    }

    /// <summary>The fair lane's line in the summary log: what a slow fair chain is waiting for.</summary>
    private void LogFairSummary()
    {
        if (_fair is null)
        {
            return;
        }

        LogFair(_log, _fair.Pending, _fair.LastListEntries, _fairWaitListsMs, _fairWaitBatchesMs, string.Join(", ", Metrics.FairRefusals.Select(p => $"{p.Key}={p.Value}")) is { Length: > 0 } r ? r : "none");
    }

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Information, Message =
        "fair lane: {Pending} transactions awaiting inclusion, last list signed had {ListEntries} entries; proposals waited {ListsMs} ms for lists and {BatchesMs} ms for batches in all; refused so far: {Refused}")]
    private static partial void LogFair(Microsoft.Extensions.Logging.ILogger logger, int pending, int listEntries, long listsMs, long batchesMs, string refused);

    /// <summary>The voter's check of a block's fair part, once its batches are all here; a refusal is counted and means no vote.</summary>
    private bool FairProposalSound(CheckAvailability check, IReadOnlyList<Batch> batches)
    {
        if (!L1ReferenceSound(check.Block) || !EpochChangeSound(check.Block) || !InboxSound(check.Block))
        {
            return false;
        }

        if (_fair is null)
        {
            return check.Block.CandidateLists.Count == 0 && check.Block.PayloadDigests.Count == 0 && check.Block.Evidence.Count == 0;
        }

        if (CheckCarriedEvidence(check.Block) is { } bad)
        {
            Metrics.OnFairRefused(bad);
            return false;
        }

        if (_fair.CheckProposal(check.Block, check.ParentTimestampMs, batches, (ulong)NowMs, _outputs!.WasIncluded) is { } reason)
        {
            Metrics.OnFairRefused(reason);
            return false;
        }

        return true;
    }

    /// <summary>Fair-lane transactions just output leave this validator's lists.</summary>
    private void OnFairOutput(BlockOutput output)
    {
        if (_fair is null)
        {
            return;
        }

        _fair.OnOutput([.. output.Transactions.Concat(output.BundleCarriers()).Where(IsFair).Select(t => t.Hash)]);
        Metrics.SetFairPending(_fair.Pending);
        var now = NowMs;
        if (now - _receiptsPrunedAtMs > (long)FairRecovery.ReceiptsKeptMs / 10)
        {
            _receiptsPrunedAtMs = now;
            _chain.PruneBatchReceipts((ulong)Math.Max(0, now - (long)FairRecovery.ReceiptsKeptMs));
        }
    }

    /// <summary>
    /// After a restart: the window of recent inclusions from the stored outputs, the receive times from the stored batch
    /// receipts, and no list signed again for a round this validator may have listed before it stopped.
    /// </summary>
    private void RestoreFairLane()
    {
        _fair = CreateFairLane();
        CreateCensorshipWatch();
        if (_fair is null)
        {
            return;
        }

        _recentBatches = new RecentBatches(RecentTransactionsKept);
        _outputs!.RestoreIncluded(FairRecovery.RecentOutputs(_chain, IncludedWindow.HeightsKept));
        _fair.RefuseListsThrough(_core!.Safety.LastVotedRound + 1);
        _fair.Restore(FairRecovery.HeldBatches(_chain, (ulong)NowMs, _fair.Options.ReceiveCapacity), IsFair, _outputs.WasIncluded);
    }
}

using Fairway.Api;
using Fairway.Ordering;

namespace Fairway.Node.Runtime;

/// <summary>
/// Admission control: back-pressure from the slowest stage to the API. The loop publishes, after every event, whether
/// it would take a submission now; the API reads that before it even reads a request's body, so a refusal under
/// overload costs almost nothing, and work the pipeline cannot finish soon never enters it.
/// </summary>
public sealed partial class ValidatorNode
{
    /// <summary>
    /// Committed transactions not yet indexed past which the loop stops applying commits (and leaves them to the chain
    /// store, see <see cref="CommitQueue"/>), whatever admission allows: peers' load still commits, and this keeps the
    /// memory that work holds bounded.
    /// </summary>
    private const long UnindexedHardMaxFactor = 4;

    private readonly AdmissionOptions _admission;

    /// <summary>When this validator last applied a commit; the wait bound only applies while the chain moves.</summary>
    private long _lastCommitAtMs = long.MinValue / 2;
    private long _unindexedTransactions;
    private int _refusal;

    /// <summary>Why this validator refuses submissions now; null when it takes them. Safe from any thread.</summary>
    public SubmitRefusal? BusyReason => Refusal((AdmissionRefusal)Volatile.Read(ref _refusal));

    public SubmitRefusal? RefuseIfBusy()
    {
        var refusal = (AdmissionRefusal)Volatile.Read(ref _refusal);
        if (refusal == AdmissionRefusal.None)
        {
            return null;
        }

        Metrics.OnAdmissionRefused(Admission.Label(refusal), 1);
        return Refusal(refusal);
    }

    private SubmitRefusal? Refusal(AdmissionRefusal refusal) => refusal switch
    {
        AdmissionRefusal.None => null,
        // The operator's facts, not only the client's: the refusal may be the first place anyone sees the disk is low.
        AdmissionRefusal.DiskFull => new SubmitRefusal(
            $"disk low at {_identity.Config.DataDir}: {Interlocked.Read(ref _diskFreeBytes)} bytes free, below the reserve of {_diskReserve.ReserveBytes} bytes (disk_reserve_bytes); "
            + "this validator takes no new work until space is freed: submit to another validator",
            DiskFull: true),
        _ => new SubmitRefusal(Admission.Message(refusal)),
    };

    private static AdmissionOptions AdmissionFrom(Config.NodeConfig config) => new()
    {
        WaitMsMax = config.AdmissionWaitMaxMs,
        BacklogTransactionsMax = config.AdmissionBacklogTransactionsMax,
        UnindexedTransactionsMax = config.AdmissionUnindexedTransactionsMax,
        CatchUpHeightsMax = config.AdmissionCatchUpHeightsMax,
    };

    /// <summary>Heights consensus has committed that this validator has not applied yet.</summary>
    private ulong HeightsNotApplied => _commits.NewestHeight > _committedHeight ? _commits.NewestHeight - _committedHeight : 0;

    private bool IndexKeepsUp => Interlocked.Read(ref _unindexedTransactions) <= _admission.UnindexedTransactionsMax * UnindexedHardMaxFactor;

    /// <summary>
    /// The wait of the oldest unproposed batch counts only while commits keep coming: waiting while the chain moves is
    /// overload, which refusing relieves; waiting while it stalls (a leader failing over, this validator cut off from a
    /// quorum) is a fault, which refusing does not fix, so then only the backlog bound holds memory in check.
    /// </summary>
    private AdmissionLoad CurrentLoad()
    {
        var now = NowMs;
        var chainMoves = now - _lastCommitAtMs <= Math.Max(1, _admission.WaitMsMax);
        return new(
            _batches.UnproposedTransactions,
            _mempool.Count,
            chainMoves && _batches.OldestUnproposedArrivedMs is { } arrived ? Math.Max(0, now - arrived) : 0,
            Interlocked.Read(ref _unindexedTransactions),
            _diskReserve.IsLow,
            (long)HeightsNotApplied);
    }

    private AdmissionRefusal CheckAdmission() => Admission.Check(_admission, CurrentLoad());

    private void PublishAdmission()
    {
        var load = CurrentLoad();
        Volatile.Write(ref _refusal, (int)Admission.Check(_admission, load));
        Metrics.SetAdmissionLoad(load.UnindexedTransactions, load.OldestWaitMs);
    }

    private void OnCommittedToIndex(int transactions) => Interlocked.Add(ref _unindexedTransactions, transactions);

    private void OnIndexedTransactions(long transactions)
    {
        if (Interlocked.Add(ref _unindexedTransactions, -transactions) < 0)
        {
            // Heights indexed at start-up without passing through the loop: never below zero.
            Interlocked.Exchange(ref _unindexedTransactions, 0);
        }
    }
}

namespace Fairway.Ordering;

/// <summary>Why a validator refuses new submissions right now; <see cref="None"/> when it takes them.</summary>
public enum AdmissionRefusal
{
    None,

    /// <summary>Too many transactions wait, batched but not yet proposed, across the validators whose batches it holds.</summary>
    Backlog,

    /// <summary>The oldest batch not yet proposed has waited too long: the network orders slower than it is offered.</summary>
    Waiting,

    /// <summary>Committed transactions wait to be certified and indexed: the stages after ordering are behind.</summary>
    IndexBehind,

    /// <summary>The data directory's free space is below the reserve kept for consensus: no new work until space returns.</summary>
    DiskFull,

    /// <summary>
    /// The network has committed heights this validator has not applied yet (it is back from a crash or a partition and
    /// fetching their batches): what it accepted now would wait behind all of them, and be lost if it went down again.
    /// </summary>
    CatchingUp,
}

/// <summary>
/// Bounds on the work a validator lets in. Load the network cannot finish soon is refused at the door, where a client
/// can back off and retry, instead of queueing: a queue only adds delay to everything behind it, and under sustained
/// overload it grows until memory or latency gives out.
/// </summary>
public sealed record AdmissionOptions
{
    /// <summary>Batched transactions not yet proposed (this validator's and its peers') above which submissions are refused.</summary>
    public long BacklogTransactionsMax { get; init; } = 65_536;

    /// <summary>
    /// How long the oldest batch not yet proposed may have waited before submissions are refused. Its wait is a delay
    /// every transaction behind it also pays, so this bounds the latency of what is accepted. The node counts the wait
    /// only while commits keep coming (overload, not a stall). 0 (the default) turns the bound off: the fair lane's
    /// batches can wait over a second for lists while blocks commit, and this bound then refused ordinary traffic.
    /// </summary>
    public long WaitMsMax { get; init; }

    /// <summary>Committed transactions not yet indexed above which submissions are refused (a block at most holds 32,768).</summary>
    public long UnindexedTransactionsMax { get; init; } = 16_384;

    /// <summary>Heights committed by the network and not yet applied here above which submissions are refused.</summary>
    public long CatchUpHeightsMax { get; init; } = 256;
}

/// <summary>How loaded a validator's pipeline is, as its event loop sees it.</summary>
/// <param name="UnproposedTransactions">Transactions in batches held but not yet in a proposal.</param>
/// <param name="MempoolTransactions">Transactions accepted and not yet cut into a batch.</param>
/// <param name="OldestWaitMs">How long the oldest batch not yet proposed has waited; 0 when none waits.</param>
/// <param name="UnindexedTransactions">Transactions committed and not yet indexed.</param>
/// <param name="DiskLow">The data directory's free space is below the node's reserve.</param>
/// <param name="HeightsBehind">Heights the network has committed that this validator has not applied yet.</param>
public readonly record struct AdmissionLoad(
    long UnproposedTransactions, long MempoolTransactions, long OldestWaitMs, long UnindexedTransactions, bool DiskLow = false, long HeightsBehind = 0);

public static class Admission
{
    /// <summary>The first bound <paramref name="load"/> is over, in pipeline order from the back: the latest stage first.</summary>
    public static AdmissionRefusal Check(AdmissionOptions options, AdmissionLoad load)
    {
        ArgumentNullException.ThrowIfNull(options);
        // First: the other bounds clear as the pipeline drains, this one only when an operator frees space.
        if (load.DiskLow)
        {
            return AdmissionRefusal.DiskFull;
        }

        if (load.UnindexedTransactions > options.UnindexedTransactionsMax)
        {
            return AdmissionRefusal.IndexBehind;
        }

        if (load.HeightsBehind > options.CatchUpHeightsMax)
        {
            return AdmissionRefusal.CatchingUp;
        }

        if (options.WaitMsMax > 0 && load.OldestWaitMs > options.WaitMsMax)
        {
            return AdmissionRefusal.Waiting;
        }

        return load.UnproposedTransactions + load.MempoolTransactions >= options.BacklogTransactionsMax
            ? AdmissionRefusal.Backlog
            : AdmissionRefusal.None;
    }

    /// <summary>The label operators see in metrics and in the refusal message.</summary>
    public static string Label(AdmissionRefusal refusal) => refusal switch
    {
        AdmissionRefusal.Backlog => "backlog",
        AdmissionRefusal.Waiting => "waiting",
        AdmissionRefusal.IndexBehind => "index_behind",
        AdmissionRefusal.DiskFull => "disk_full",
        AdmissionRefusal.CatchingUp => "catching_up",
        _ => "none",
    };

    /// <summary>What a refused client is told.</summary>
    public static string Message(AdmissionRefusal refusal) => refusal switch
    {
        AdmissionRefusal.Backlog => "the network's backlog of transactions not yet ordered is full; retry later",
        AdmissionRefusal.Waiting => "transactions already queued are waiting longer than this validator accepts; retry later",
        AdmissionRefusal.IndexBehind => "this validator's index is behind what has been committed; retry later",
        AdmissionRefusal.DiskFull => "this validator's disk is nearly full; it takes no new work until space is freed: submit to another validator",
        AdmissionRefusal.CatchingUp => "this validator is catching up with heights the network already committed; submit to another validator or retry later",
        _ => "the mempool is full; retry later",
    };
}

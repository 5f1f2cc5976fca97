using Microsoft.Extensions.Logging;

namespace Fairway.Node.Runtime;

/// <summary>
/// What an operator reads to tell why a validator stopped committing: one line every few seconds at information level
/// (progress, timeouts, leadership, peers, backlog, and what was dropped and why), and each commit at debug level.
/// </summary>
public sealed partial class ValidatorNode
{
    private const long SummaryIntervalMs = 5_000;

    private long _summaryAtMs;
    private ulong _summaryHeight;
    private long _summaryTimedOut;
    private long _summaryLocalTimeouts;
    private long _summaryAsked;
    private long _summaryFetched;
    private Dictionary<string, long> _summaryDropped = new(StringComparer.Ordinal);

    private void MaybeLogSummary()
    {
        var now = NowMs;
        if (_summaryAtMs == 0)
        {
            _summaryAtMs = now;
            _summaryHeight = _committedHeight;
            return;
        }

        if (now - _summaryAtMs < SummaryIntervalMs || !_log.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var core = _core!;
        var dropped = core.Stats.DroppedByReason;
        var newlyDropped = dropped
            .Select(kv => (Reason: kv.Key, Count: kv.Value - _summaryDropped.GetValueOrDefault(kv.Key)))
            .Where(d => d.Count > 0)
            .OrderByDescending(d => d.Count)
            .Take(5)
            .Select(d => $"{d.Reason}={d.Count}");
        LogSummary(
            _log,
            (now - _summaryAtMs) / 1000.0,
            _committedHeight,
            _committedHeight - _summaryHeight,
            _outputs!.CertifiedHeight,
            core.Round,
            core.Stats.RoundsEndedByTimeout - _summaryTimedOut,
            core.Stats.LocalTimeouts - _summaryLocalTimeouts,
            core.LeaderOf(core.Round),
            core.EligibleLeaders?.Count ?? _identity.Validators.Count,
            _identity.Validators.Count,
            _transport.ConnectedPeers,
            _mempool.Count + _batches.UnproposedTransactions,
            HeightsNotApplied,
            _fetches.AskedTotal - _summaryAsked,
            _fetches.FetchedTotal - _summaryFetched,
            string.Join(", ", newlyDropped) is { Length: > 0 } d ? d : "none");

        LogFairSummary();
        _summaryAtMs = now;
        _summaryHeight = _committedHeight;
        _summaryTimedOut = core.Stats.RoundsEndedByTimeout;
        _summaryLocalTimeouts = core.Stats.LocalTimeouts;
        _summaryAsked = _fetches.AskedTotal;
        _summaryFetched = _fetches.FetchedTotal;
        _summaryDropped = new Dictionary<string, long>(dropped, StringComparer.Ordinal);
    }

    [LoggerMessage(Level = LogLevel.Information, Message =
        "last {Seconds:F1} s: height {Height} (+{Blocks}), certified output height {Certified}, round {Round}, rounds ended by timeout +{TimedOut} (local timeouts +{LocalTimeouts}), "
        + "leader {Leader}, eligible leaders {Eligible}/{Validators}, peers {Peers}, waiting transactions {Waiting}, "
        + "commits not yet applied {CommitsWaiting}, batches asked for +{Asked} (fetched +{Fetched}), dropped: {Dropped}")]
    private static partial void LogSummary(
        ILogger logger, double seconds, ulong height, ulong blocks, ulong certified, ulong round, long timedOut, long localTimeouts, int leader,
        int eligible, int validators, int peers, long waiting, ulong commitsWaiting, long asked, long fetched, string dropped);

    [LoggerMessage(Level = LogLevel.Debug, Message = "committed height {Height} (round {Round}, leader {Author}) with {Transactions} transactions")]
    private static partial void LogCommit(ILogger logger, ulong height, ulong round, int author, int transactions);
}

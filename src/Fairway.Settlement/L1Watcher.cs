using Microsoft.Extensions.Logging;

namespace Fairway.Settlement;

/// <summary>
/// Follows the stake table and the light client at a confirmation depth (<see cref="FinalityTracker"/>), and keeps the
/// latest snapshot for the node. An L1 that is down, restarted or reorganised is logged and retried with a backoff;
/// the node keeps ordering meanwhile, and the snapshot it has stays until a newer final one replaces it.
/// </summary>
public sealed partial class L1Watcher(L1Contracts contracts, ulong confirmations, TimeSpan poll, ILogger log)
{
    private static readonly TimeSpan BackoffMax = TimeSpan.FromSeconds(10);

    /// <summary>Final block hashes kept by number, for checking the L1 references of proposals.</summary>
    public const int FinalHashesKept = 256;

    /// <summary>Hashes read per poll at most when the final block jumps ahead (after an outage): the latest ones.</summary>
    private const int HashesPerPollMax = 32;

    private readonly FinalityTracker _finality = new(confirmations);
    private readonly SortedDictionary<ulong, string> _finalHashes = [];
    private readonly Lock _hashesGate = new();
    private StakeSnapshot? _latest;

    /// <summary>Stake-table epochs kept with a snapshot each: enough for proposals naming a recent final block.</summary>
    public const int EpochsKept = 16;

    /// <summary>The first snapshot read in each recent stake-table epoch: an epoch's weights are final once it starts.</summary>
    private readonly SortedDictionary<ulong, StakeSnapshot> _byEpoch = [];
    private ulong _startBlock;
    private ulong _epochBlocks;

    private InboxFollower? _inbox;

    /// <summary>Also reads the inbox's posts into a ledger, at each new final block; set before <see cref="RunAsync"/>.</summary>
    public void FollowInbox(InboxFollower inbox) => _inbox = inbox;

    /// <summary>The stake table at the newest final L1 block read, or null before the first read.</summary>
    public StakeSnapshot? Latest => Volatile.Read(ref _latest);

    /// <summary>Consecutive failed polls; 0 while the L1 answers.</summary>
    public int Failures { get; private set; }

    /// <summary>Fires on each new snapshot, on the watcher's task.</summary>
    public event Action<StakeSnapshot>? Updated;

    public async Task RunAsync(CancellationToken cancel)
    {
        var wait = poll;
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                await PollOnceAsync(cancel).ConfigureAwait(false);
                if (Failures > 0)
                {
                    LogRecovered(log, contracts.Connection.Url, Failures);
                }

                Failures = 0;
                wait = poll;
            }
            catch (L1Exception e)
            {
                Failures++;
                if (Failures == 1 || Failures % 30 == 0)
                {
                    LogFailed(log, contracts.Connection.Url, Failures, e.Message);
                }

                wait = TimeSpan.FromTicks(Math.Min(BackoffMax.Ticks, wait.Ticks * 2));
            }

            try
            {
                await Task.Delay(wait, cancel).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One look at the L1; public so tests can step the watcher without timing.</summary>
    public async Task PollOnceAsync(CancellationToken cancel = default)
    {
        var head = await contracts.Connection.BlockNumberAsync(cancel).ConfigureAwait(false);
        var finalHash = _finality.Final is { } final ? await contracts.Connection.BlockHashAsync(final, cancel).ConfigureAwait(false) : null;
        var step = _finality.Observe(head, finalHash);
        if (step == FinalityStep.Reset)
        {
            LogReset(log, contracts.Connection.Url, head);
            lock (_hashesGate)
            {
                _finalHashes.Clear();
                _byEpoch.Clear();
            }

            _inbox?.Ledger.Reset();
        }

        if (step == FinalityStep.Unchanged || _finality.FinalAt(head) is not { } target)
        {
            await CatchUpInboxAsync(cancel).ConfigureAwait(false);
            return;
        }

        var hash = await contracts.Connection.BlockHashAsync(target, cancel).ConfigureAwait(false)
            ?? throw new L1Exception($"the L1 has no block {target} below its head {head}");
        var snapshot = await contracts.SnapshotAsync(target, hash).ConfigureAwait(false);
        if (_epochBlocks == 0)
        {
            _startBlock = await contracts.StartBlockAsync().ConfigureAwait(false);
            _epochBlocks = await contracts.EpochBlocksAsync().ConfigureAwait(false);
        }

        var previous = _finality.Final ?? 0;
        var hashes = new List<(ulong, string)> { (target, hash) };
        for (var number = Math.Max(previous + 1, target > HashesPerPollMax ? target - HashesPerPollMax : 0); number < target; number++)
        {
            if (await contracts.Connection.BlockHashAsync(number, cancel).ConfigureAwait(false) is { } h)
            {
                hashes.Add((number, h));
            }
        }

        // Before the block is final here, so no proposal naming it finds the inbox unread; a failed read is retried
        // at the same block on the next poll.
        if (_inbox is { } inbox)
        {
            await inbox.ReadAsync(target, cancel).ConfigureAwait(false);
        }

        lock (_hashesGate)
        {
            foreach (var (number, h) in hashes)
            {
                _finalHashes[number] = h;
            }

            while (_finalHashes.Count > FinalHashesKept)
            {
                _finalHashes.Remove(_finalHashes.First().Key);
            }

            _byEpoch.TryAdd(snapshot.Epoch, snapshot);
            while (_byEpoch.Count > EpochsKept)
            {
                _byEpoch.Remove(_byEpoch.First().Key);
            }
        }

        _finality.Accept(target, hash);
        Volatile.Write(ref _latest, snapshot);
        Updated?.Invoke(snapshot);
    }

    /// <summary>Reads inbox posts the previous polls left (a long outage, a full ledger) up to the final block.</summary>
    private async Task CatchUpInboxAsync(CancellationToken cancel)
    {
        if (_inbox is { } inbox && _finality.Final is { } final && inbox.Ledger.ReadThrough < final)
        {
            await inbox.ReadAsync(final, cancel).ConfigureAwait(false);
        }
    }

    /// <summary>Whether block <paramref name="number"/> is final here with hash <paramref name="hash"/> (0x hex, any case).</summary>
    public bool IsFinal(ulong number, string hash)
    {
        lock (_hashesGate)
        {
            return _finalHashes.TryGetValue(number, out var known) && string.Equals(known, hash, StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>The stake-table epoch L1 block <paramref name="number"/> falls in, or null before the schedule is read.</summary>
    public ulong? StakeEpochOf(ulong number)
    {
        var epochBlocks = Volatile.Read(ref _epochBlocks);
        var start = Volatile.Read(ref _startBlock);
        return epochBlocks == 0 || number < start ? null : (number - start) / epochBlocks;
    }

    /// <summary>A snapshot taken in stake-table epoch <paramref name="epoch"/> (its weights are the epoch's), or null if none was read.</summary>
    public StakeSnapshot? SnapshotOfEpoch(ulong epoch)
    {
        lock (_hashesGate)
        {
            return _byEpoch.TryGetValue(epoch, out var snapshot) ? snapshot : null;
        }
    }

    /// <summary>The newest final block at or below <paramref name="number"/> this watcher knows the hash of, or null.</summary>
    public (ulong Number, string Hash)? FinalAtOrBelow(ulong number)
    {
        lock (_hashesGate)
        {
            foreach (var (n, h) in _finalHashes.Reverse())
            {
                if (n <= number)
                {
                    return (n, h);
                }
            }

            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "L1 {Url}: {Failures} failed polls, settlement waits: {Reason}")]
    private static partial void LogFailed(ILogger logger, string url, int failures, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "L1 {Url} answers again after {Failures} failed polls")]
    private static partial void LogRecovered(ILogger logger, string url, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "L1 {Url} went back (restarted, or reorganised deeper than the confirmation depth); head now {Head}, reading the stake table again")]
    private static partial void LogReset(ILogger logger, string url, ulong head);
}

using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Fairway.Node.Runtime;

/// <summary>
/// Runs writes that nothing on the consensus loop waits for (batches, commits, the query index) on
/// their own task, in order, so the consensus loop does not stall behind them. Whatever has queued up while the
/// previous group was written is handed over as one group (up to <c>groupMax</c>), so under load many writes share one
/// database transaction and one fsync: the writer gets cheaper per item exactly when it falls behind. Bounded by count and
/// by weight (bytes, for the node): when the writer falls far behind, the loop waits for it rather than letting memory
/// grow. A count alone did not bound memory: 4,096 queued batches of a megabyte each is 4 GB.
/// </summary>
internal sealed partial class BackgroundWriter<T> : IAsyncDisposable
{
    private readonly Channel<T> _queue;
    private readonly Task _worker;
    private readonly ILogger _log;
    private readonly string _name;
    private readonly Func<T, long> _weight;
    private readonly long _weightMax;
    private readonly object _weightGate = new();
    private long _queuedWeight;

    public BackgroundWriter(string name, int capacity, int groupMax, Action<IReadOnlyList<T>> writeGroup, ILogger log, Func<T, long>? weight = null, long weightMax = long.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(groupMax, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(weightMax, 1);
        _name = name;
        _log = log;
        _weight = weight ?? (_ => 0);
        _weightMax = weightMax;
        _queue = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _worker = Task.Run(async () =>
        {
            var group = new List<T>(groupMax);
            while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (group.Count < groupMax && _queue.Reader.TryRead(out var item))
                {
                    group.Add(item);
                }

                writeGroup(group);
                long written = 0;
                foreach (var item in group)
                {
                    written += _weight(item);
                }

                group.Clear();
                lock (_weightGate)
                {
                    _queuedWeight -= written;
                    Monitor.PulseAll(_weightGate);
                }
            }
        });
    }

    /// <summary>A failed write is fatal for the node, so a failure surfaces on the next enqueue.</summary>
    public void Enqueue(T item)
    {
        if (_worker.IsFaulted)
        {
            LogFailed(_log, _name, _worker.Exception);
            throw new InvalidOperationException($"the {_name} writer failed", _worker.Exception);
        }

        var weight = _weight(item);
        lock (_weightGate)
        {
            // An item heavier than the bound on its own still goes in, alone, so nothing waits forever.
            while (_queuedWeight > 0 && _queuedWeight + weight > _weightMax && !_worker.IsCompleted)
            {
                Monitor.Wait(_weightGate, TimeSpan.FromMilliseconds(100));
            }

            _queuedWeight += weight;
        }

        if (!_queue.Writer.TryWrite(item))
        {
            _queue.Writer.WriteAsync(item).AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Weight of the items queued and not yet written (bytes, for the node's disk writer).</summary>
    public long QueuedWeight
    {
        get
        {
            lock (_weightGate)
            {
                return _queuedWeight;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        try
        {
            await _worker.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogFailed(_log, _name, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "the {Name} writer failed")]
    private static partial void LogFailed(ILogger logger, string name, Exception? exception);
}

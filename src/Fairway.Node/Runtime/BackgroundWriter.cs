using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Fairway.Node.Runtime;

/// <summary>
/// Runs writes that nothing on the consensus loop waits for (batches, commits, the query index) on
/// their own task, in order, so the consensus loop does not stall behind them. Bounded: when the writer falls far
/// behind, the loop waits for it rather than letting memory grow.
/// </summary>
internal sealed partial class BackgroundWriter<T> : IAsyncDisposable
{
    private readonly Channel<T> _queue;
    private readonly Task _worker;
    private readonly ILogger _log;
    private readonly string _name;

    public BackgroundWriter(string name, int capacity, Action<T> write, ILogger log)
    {
        _name = name;
        _log = log;
        _queue = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _worker = Task.Run(async () =>
        {
            await foreach (var item in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                write(item);
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

        if (!_queue.Writer.TryWrite(item))
        {
            _queue.Writer.WriteAsync(item).AsTask().GetAwaiter().GetResult();
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

namespace Fairway.Chaos.Proxy;

/// <summary>
/// The bytes held for one direction of one connection, between the task reading the source and the one writing the
/// destination. It counts bytes until they are written, and the reader waits for room, so a stalled or slow link pushes
/// back on the sender through TCP instead of growing without bound.
/// </summary>
internal sealed class ChunkQueue(long limit)
{
    private readonly Lock _gate = new();
    private readonly Queue<Chunk> _chunks = new();
    private long _held;
    private TaskCompletionSource? _dataWaiter;
    private TaskCompletionSource? _roomWaiter;

    public long Held
    {
        get
        {
            lock (_gate)
            {
                return _held;
            }
        }
    }

    /// <summary>Waits until <paramref name="bytes"/> more would still fit under the limit.</summary>
    public async ValueTask WaitForRoomAsync(int bytes, CancellationToken cancel)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_held + bytes <= limit)
                {
                    return;
                }

                wait = (_roomWaiter ??= NewSignal()).Task;
            }

            await wait.WaitAsync(cancel).ConfigureAwait(false);
        }
    }

    public void Add(Chunk chunk)
    {
        TaskCompletionSource? wake;
        lock (_gate)
        {
            _chunks.Enqueue(chunk);
            _held += chunk.Length;
            wake = _dataWaiter;
            _dataWaiter = null;
        }

        wake?.TrySetResult();
    }

    public async ValueTask<Chunk> TakeAsync(CancellationToken cancel)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_chunks.TryDequeue(out var chunk))
                {
                    return chunk;
                }

                wait = (_dataWaiter ??= NewSignal()).Task;
            }

            await wait.WaitAsync(cancel).ConfigureAwait(false);
        }
    }

    /// <summary>A taken chunk's bytes were written (or dropped): they no longer count against the limit.</summary>
    public void Written(int length)
    {
        TaskCompletionSource? wake;
        lock (_gate)
        {
            _held -= length;
            wake = _roomWaiter;
            _roomWaiter = null;
        }

        wake?.TrySetResult();
    }

    /// <summary>Hands back every pooled buffer still queued; only once both tasks of the direction have stopped.</summary>
    public void Drain()
    {
        lock (_gate)
        {
            while (_chunks.TryDequeue(out var chunk))
            {
                _held -= chunk.Length;
                chunk.Return();
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

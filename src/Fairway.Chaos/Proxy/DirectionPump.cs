using System.Buffers;
using System.Net.Sockets;

namespace Fairway.Chaos.Proxy;

/// <summary>
/// One direction of one proxied connection: a reader that stamps each chunk with its release time and queues it, and a
/// writer that sends chunks once released, unless stalled, within the bandwidth cap. The two are split so delay and
/// stall hold bytes here while the reader keeps draining the source up to the queue's bound.
/// </summary>
internal sealed class DirectionPump(Socket source, Socket destination, FaultProxy proxy, Action abort)
{
    private readonly ChunkQueue _queue = new(FaultProxy.MaxHeldBytes);
    private readonly TokenBucket _bucket = new(proxy.Time);
    private long _lastRelease = long.MinValue;

    public long Held => _queue.Held;

    /// <summary>Completes when the direction ended, cleanly or not; a failure aborts the whole connection instead of throwing.</summary>
    public async Task RunAsync(CancellationToken cancel)
    {
        await Task.WhenAll(GuardAsync(ReadAsync(cancel)), GuardAsync(WriteAsync(cancel))).ConfigureAwait(false);
        _queue.Drain();
    }

    private async Task GuardAsync(Task loop)
    {
        try
        {
            await loop.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Resets, cuts and disposal all land here; whatever the cause, the connection is over and the proxy, which
            // a whole campaign depends on, must outlive it.
            abort();
        }
    }

    private async Task ReadAsync(CancellationToken cancel)
    {
        while (true)
        {
            await _queue.WaitForRoomAsync(FaultProxy.ChunkSize, cancel).ConfigureAwait(false);
            var buffer = ArrayPool<byte>.Shared.Rent(FaultProxy.ChunkSize);
            int read;
            try
            {
                read = await source.ReceiveAsync(buffer.AsMemory(0, FaultProxy.ChunkSize), SocketFlags.None, cancel)
                    .ConfigureAwait(false);
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(buffer);
                throw;
            }

            if (read == 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                _queue.Add(new Chunk(null, 0, NextRelease()));
                return;
            }

            // Validators send many small messages; holding each in a 64 KiB buffer would make the byte bound a lie
            // about memory.
            if (read <= FaultProxy.ChunkSize / 4)
            {
                var small = ArrayPool<byte>.Shared.Rent(read);
                buffer.AsSpan(0, read).CopyTo(small);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = small;
            }

            _queue.Add(new Chunk(buffer, read, NextRelease()));
        }
    }

    private long NextRelease()
    {
        var faults = proxy.Faults;
        var delayMs = faults.DelayMs + (faults.JitterMs > 0 ? proxy.NextJitterMs(faults.JitterMs) : 0);
        var release = proxy.Time.GetTimestamp() + (delayMs * proxy.Time.TimestampFrequency / 1000);
        // Never before the previous chunk: jitter must not reorder a byte stream.
        _lastRelease = Math.Max(_lastRelease, release);
        return _lastRelease;
    }

    private async Task WriteAsync(CancellationToken cancel)
    {
        while (true)
        {
            var chunk = await _queue.TakeAsync(cancel).ConfigureAwait(false);
            try
            {
                await WaitUntilAsync(chunk.ReleaseAt, cancel).ConfigureAwait(false);
                if (chunk.IsEnd)
                {
                    // A stalled link holds the close too, or the peer would see the stream end while bytes are held.
                    await WhileStalledAsync(cancel).ConfigureAwait(false);
                    destination.Shutdown(SocketShutdown.Send);
                    return;
                }

                await SendAsync(chunk, cancel).ConfigureAwait(false);
            }
            finally
            {
                _queue.Written(chunk.Length);
                chunk.Return();
            }
        }
    }

    private async Task WaitUntilAsync(long releaseAt, CancellationToken cancel)
    {
        var time = proxy.Time;
        while (true)
        {
            var remaining = time.GetElapsedTime(time.GetTimestamp(), releaseAt);
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            // Rounded up: a timer given whole milliseconds would otherwise release a chunk before its delay is over.
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(remaining.TotalMilliseconds)), time, cancel)
                .ConfigureAwait(false);
        }
    }

    private async Task WhileStalledAsync(CancellationToken cancel)
    {
        while (true)
        {
            var (faults, changed) = proxy.LiveFaults.Snapshot();
            if (!faults.Stalled)
            {
                return;
            }

            await changed.WaitAsync(cancel).ConfigureAwait(false);
        }
    }

    private async Task SendAsync(Chunk chunk, CancellationToken cancel)
    {
        var offset = 0;
        while (offset < chunk.Length)
        {
            cancel.ThrowIfCancellationRequested();
            var (faults, changed) = proxy.LiveFaults.Snapshot();
            if (faults.Stalled)
            {
                await changed.WaitAsync(cancel).ConfigureAwait(false);
                continue;
            }

            var piece = chunk.Length - offset;
            var rate = faults.BandwidthBytesPerSecond;
            if (rate > 0)
            {
                piece = Math.Min(piece, TokenBucket.Burst(rate));
                var wait = _bucket.WaitFor(piece, rate);
                if (wait > TimeSpan.Zero)
                {
                    // A change of faults (cap lifted, stall) is acted on at once rather than after the wait.
                    var delay = Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds)), proxy.Time, cancel);
                    await Task.WhenAny(delay, changed).ConfigureAwait(false);
                    continue;
                }

                _bucket.Take(piece);
            }

            var sent = await destination.SendAsync(chunk.Buffer.AsMemory(offset, piece), SocketFlags.None, cancel)
                .ConfigureAwait(false);
            offset += sent;
            proxy.CountForwarded(sent);
        }
    }
}

using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Fairway.Network;

/// <summary>
/// <see cref="IPeerTransport"/> over TCP. Each node dials every peer and sends only on that outbound connection; it
/// receives only on connections its listener accepted. So each ordered pair has exactly one connection and frames
/// from one sender arrive in the order it sent them. Delivery is at most once: frames in flight when a connection
/// breaks are lost, and the layer above retransmits what matters.
/// </summary>
public sealed class TcpPeerTransport : IPeerTransport
{
    private readonly TransportOptions _options;
    private readonly ILogger _logger;
    private readonly Random _jitter;
    private readonly CancellationTokenSource _stop = new();
    private readonly PeerSender?[] _senders;
    private readonly InboundConnection?[] _inbound;
    private readonly ConcurrentDictionary<long, Task> _inboundTasks = new();
    private Socket? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private long _nextConnectionId;
    private int _pendingHandshakes;
    private int _started;
    private int _disposed;

    public TcpPeerTransport(TransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = options.Logger;
        _jitter = options.JitterRandom ?? new Random(options.SelfIndex);
        var count = options.Validators.Count;
        _senders = new PeerSender?[count];
        _inbound = new InboundConnection?[count];
        foreach (var (index, endPoint) in options.Peers)
        {
            _senders[index] = new PeerSender(index, endPoint, options.SendQueueFramesMax);
        }
    }

    public event Action<int, ReadOnlyMemory<byte>>? FrameReceived;

    public TransportStats Stats { get; } = new();

    /// <summary>The endpoint the listener is bound to, once <see cref="StartAsync"/> has run (the real port when 0 was asked).</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    public int ConnectedPeers
    {
        get
        {
            var count = 0;
            for (var i = 0; i < _inbound.Length; i++)
            {
                if (IsConnected(i))
                {
                    count++;
                }
            }

            return count;
        }
    }

    /// <summary>True when we have an authenticated connection to or from <paramref name="peer"/>.</summary>
    public bool IsConnected(int peer) => IsInboundConnected(peer) || IsOutboundConnected(peer);

    /// <summary>True when our outbound connection to <paramref name="peer"/> is authenticated (frames we send can flow).</summary>
    public bool IsOutboundConnected(int peer) =>
        (uint)peer < (uint)_senders.Length && _senders[peer] is { } sender && Volatile.Read(ref sender.Connected) != 0;

    /// <summary>True when <paramref name="peer"/> has an authenticated connection into us.</summary>
    public bool IsInboundConnected(int peer) => (uint)peer < (uint)_inbound.Length && Volatile.Read(ref _inbound[peer]) is not null;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("the transport is already started");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var listener = new Socket(_options.ListenEndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // No ReuseAddress: on Linux .NET maps it to SO_REUSEPORT too, which let a second process bind this very
            // port and take half the peers' connections. A restarted node still rebinds while old connections sit in
            // TIME_WAIT, because .NET's Unix Bind sets plain SO_REUSEADDR on every TCP socket.
            listener.Bind(_options.ListenEndPoint);
            listener.Listen(Math.Max(16, _options.PendingHandshakesMax));
        }
        catch (SocketException e)
        {
            listener.Dispose();
            throw new TransportListenException(_options.ListenEndPoint, e);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        _listener = listener;
        LocalEndPoint = (IPEndPoint)listener.LocalEndPoint!;
        TransportLog.Listening(_logger, LocalEndPoint);
        _acceptLoop = Task.Run(() => AcceptLoopAsync(listener), CancellationToken.None);
        foreach (var sender in _senders)
        {
            if (sender is not null)
            {
                sender.Task = Task.Run(() => RunSenderAsync(sender), CancellationToken.None);
            }
        }

        return Task.CompletedTask;
    }

    public bool Send(int peer, ReadOnlyMemory<byte> payload)
    {
        if (peer == _options.SelfIndex)
        {
            return false;
        }

        if ((uint)peer >= (uint)_senders.Length || _senders[peer] is not { } sender
            || payload.Length == 0 || payload.Length > _options.FrameBytesMax
            || Volatile.Read(ref _disposed) != 0)
        {
            Stats.OnFrameDroppedQueueFull();
            return false;
        }

        if (Interlocked.Add(ref sender.QueuedBytes, payload.Length) > _options.SendQueueBytesMax
            || !sender.Queue.Writer.TryWrite(payload.ToArray()))
        {
            Interlocked.Add(ref sender.QueuedBytes, -payload.Length);
            Stats.OnFrameDroppedQueueFull();
            return false;
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        foreach (var sender in _senders)
        {
            sender?.Queue.Writer.TryComplete();
        }

        foreach (var connection in _inbound)
        {
            connection?.Abort();
        }

        var tasks = new List<Task> { _acceptLoop };
        tasks.AddRange(_senders.Where(s => s is not null).Select(s => s!.Task));
        tasks.AddRange(_inboundTasks.Values);
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TransportLog.Unexpected(_logger, ex);
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        var stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException ex)
            {
                if (stop.IsCancellationRequested)
                {
                    break;
                }

                TransportLog.AcceptFailed(_logger, ex);
                continue;
            }

            if (Interlocked.Increment(ref _pendingHandshakes) > _options.PendingHandshakesMax)
            {
                Interlocked.Decrement(ref _pendingHandshakes);
                Stats.OnConnectionRejected();
                TransportLog.InboundRejected(_logger, SafeRemote(socket), "too many pending handshakes");
                socket.Dispose();
                continue;
            }

            var id = Interlocked.Increment(ref _nextConnectionId);
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _inboundTasks[id] = done.Task;
            _ = Task.Run(() => RunInboundAsync(socket, id, done), CancellationToken.None);
        }
    }

    private async Task RunInboundAsync(Socket socket, long id, TaskCompletionSource done)
    {
        var remote = SafeRemote(socket);
        var handshakePending = true;
        InboundConnection? connection = null;
        try
        {
            socket.NoDelay = true;
            using var connectionCts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var stream = new NetworkStream(socket, ownsSocket: true);
            await using (stream.ConfigureAwait(false))
            {
                var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
                var writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
                int peer;
                try
                {
                    using var timeout = new CancellationTokenSource(_options.HandshakeTimeout, _options.TimeProvider);
                    using var handshakeCts = CancellationTokenSource.CreateLinkedTokenSource(connectionCts.Token, timeout.Token);
                    peer = await Handshake.AcceptAsync(reader, writer, _options, handshakeCts.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (!_stop.IsCancellationRequested && ex is HandshakeException or OperationCanceledException or IOException or SocketException)
                {
                    Stats.OnConnectionRejected();
                    TransportLog.InboundRejected(_logger, remote, ex is OperationCanceledException ? "handshake timed out" : ex.Message);
                    return;
                }
                finally
                {
                    handshakePending = false;
                    Interlocked.Decrement(ref _pendingHandshakes);
                }

                connection = new InboundConnection(peer, connectionCts);
                // A newer authenticated connection from the same validator wins: the old one is a leftover of a restart.
                Interlocked.Exchange(ref _inbound[peer], connection)?.Abort();
                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                TransportLog.InboundAuthenticated(_logger, peer, remote);
                var reason = await ReceiveFramesAsync(reader, peer, connectionCts.Token).ConfigureAwait(false);
                TransportLog.InboundClosed(_logger, peer, reason);
                await reader.CompleteAsync().ConfigureAwait(false);
                await writer.CompleteAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            if (connection is not null)
            {
                TransportLog.InboundClosed(_logger, connection.Peer, ex.GetType().Name);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TransportLog.Unexpected(_logger, ex);
        }
        finally
        {
            if (handshakePending)
            {
                Interlocked.Decrement(ref _pendingHandshakes);
            }

            if (connection is not null)
            {
                Interlocked.CompareExchange(ref _inbound[connection.Peer], null, connection);
            }

            socket.Dispose();
            _inboundTasks.TryRemove(id, out _);
            done.TrySetResult();
        }
    }

    /// <summary>Delivers frames until the peer closes or misbehaves; returns why it stopped.</summary>
    private async Task<string> ReceiveFramesAsync(PipeReader reader, int peer, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            while (true)
            {
                var status = Framing.TryRead(ref buffer, _options.FrameBytesMax, out var payload);
                if (status == FrameStatus.Complete)
                {
                    Deliver(peer, payload.ToArray());
                    continue;
                }

                if (status == FrameStatus.Invalid)
                {
                    reader.AdvanceTo(buffer.Start);
                    Stats.OnFrameRejected();
                    TransportLog.FrameRejected(_logger, peer, "frame length is 0 or above the limit");
                    return "invalid frame length";
                }

                break;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                var truncated = !buffer.IsEmpty;
                reader.AdvanceTo(buffer.End);
                if (truncated)
                {
                    Stats.OnFrameRejected();
                    TransportLog.FrameRejected(_logger, peer, "truncated frame at end of stream");
                    return "truncated frame";
                }

                return "closed by peer";
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private void Deliver(int peer, byte[] payload)
    {
        Stats.OnFrameReceived();
        try
        {
            FrameReceived?.Invoke(peer, payload);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The handler's bug is not the peer's fault: keep the connection.
            TransportLog.HandlerFailed(_logger, peer, ex);
        }
    }

    private async Task RunSenderAsync(PeerSender sender)
    {
        var stop = _stop.Token;
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var authenticated = await ConnectAndPumpAsync(sender, stop).ConfigureAwait(false);
                if (authenticated)
                {
                    failures = 0;
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                TransportLog.Unexpected(_logger, ex);
            }

            if (stop.IsCancellationRequested)
            {
                break;
            }

            try
            {
                await Task.Delay(Backoff(failures), _options.TimeProvider, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            failures = Math.Min(failures + 1, 30);
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var min = _options.ReconnectBackoffMin.TotalMilliseconds;
        var max = _options.ReconnectBackoffMax.TotalMilliseconds;
        var delayMs = Math.Min(max, min * Math.Pow(2, failures));
        double fraction;
        lock (_jitter)
        {
            fraction = _jitter.NextDouble();
        }

        // Between half and all of the exponential delay, so peers restarted together do not dial in lockstep.
        return TimeSpan.FromMilliseconds(Math.Max(1, delayMs * (0.5 + (0.5 * fraction))));
    }

    /// <summary>One outbound connection's life: connect, authenticate, send until it breaks. True if it authenticated.</summary>
    private async Task<bool> ConnectAndPumpAsync(PeerSender sender, CancellationToken stop)
    {
        var socket = sender.EndPoint is DnsEndPoint
            ? new Socket(SocketType.Stream, ProtocolType.Tcp)
            : new Socket(sender.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var connectionCts = CancellationTokenSource.CreateLinkedTokenSource(stop);
        try
        {
            socket.NoDelay = true;
            using var timeout = new CancellationTokenSource(_options.HandshakeTimeout, _options.TimeProvider);
            using var handshakeCts = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
            try
            {
                await socket.ConnectAsync(sender.EndPoint, handshakeCts.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stop.IsCancellationRequested && ex is SocketException or OperationCanceledException)
            {
                TransportLog.OutboundClosed(_logger, sender.Peer, "connect failed: " + ex.Message);
                return false;
            }

            var stream = new NetworkStream(socket, ownsSocket: true);
            await using (stream.ConfigureAwait(false))
            {
                var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 4096, leaveOpen: true));
                var writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));

                try
                {
                    await Handshake.ConnectAsync(reader, writer, _options, sender.Peer, handshakeCts.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stop.IsCancellationRequested && ex is HandshakeException or OperationCanceledException or IOException or SocketException)
                {
                    Stats.OnConnectionRejected();
                    TransportLog.OutboundRejected(_logger, sender.Peer, sender.EndPoint,
                        ex is OperationCanceledException ? "handshake timed out" : ex.Message);
                    return false;
                }

                Volatile.Write(ref sender.Connected, 1);
                TransportLog.OutboundConnected(_logger, sender.Peer, sender.EndPoint);
                // The server never writes after the handshake: any read completing means the connection is over.
                var watch = WatchForCloseAsync(reader, connectionCts);
                string reason;
                try
                {
                    reason = await PumpAsync(sender, writer, connectionCts.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
                {
                    reason = stop.IsCancellationRequested ? "transport stopping" : ex.Message;
                }
                finally
                {
                    Volatile.Write(ref sender.Connected, 0);
                    await connectionCts.CancelAsync().ConfigureAwait(false);
                    socket.Dispose();
                    await watch.ConfigureAwait(false);
                }

                TransportLog.OutboundClosed(_logger, sender.Peer, reason);
                return true;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            TransportLog.OutboundClosed(_logger, sender.Peer, ex.Message);
            return false;
        }
        finally
        {
            socket.Dispose();
        }
    }

    private static async Task WatchForCloseAsync(PipeReader reader, CancellationTokenSource connectionCts)
    {
        try
        {
            var result = await reader.ReadAsync(connectionCts.Token).ConfigureAwait(false);
            reader.AdvanceTo(result.Buffer.End);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // Closing anyway.
        }

        try
        {
            await connectionCts.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The connection already finished.
        }
    }

    /// <summary>Writes queued frames, several per flush, until the queue completes or the connection breaks.</summary>
    private async Task<string> PumpAsync(PeerSender sender, PipeWriter writer, CancellationToken cancellationToken)
    {
        var queue = sender.Queue.Reader;
        while (await queue.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var frames = 0;
            long bytes = 0;
            while (bytes < _options.FlushBytesTarget && queue.TryRead(out var frame))
            {
                Interlocked.Add(ref sender.QueuedBytes, -frame.Length);
                Framing.Write(writer, frame);
                frames++;
                bytes += Framing.HeaderSize + frame.Length;
            }

            if (frames == 0)
            {
                continue;
            }

            var flush = await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (flush.IsCompleted || flush.IsCanceled)
            {
                return "writer closed";
            }

            for (var i = 0; i < frames; i++)
            {
                Stats.OnFrameSent();
            }
        }

        return "transport stopping";
    }

    private static EndPoint? SafeRemote(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return null;
        }
    }

    private sealed class PeerSender(int peer, EndPoint endPoint, int queueFramesMax)
    {
        public int Peer { get; } = peer;

        public EndPoint EndPoint { get; } = endPoint;

        public Channel<byte[]> Queue { get; } = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(queueFramesMax)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails fast instead of waiting.
            SingleReader = true,
            SingleWriter = false,
        });

        public Task Task { get; set; } = Task.CompletedTask;

#pragma warning disable CA1051 // Written and read with Volatile / Interlocked.
        public int Connected;

        /// <summary>Payload bytes in <see cref="Queue"/>, counted on the way in and out.</summary>
        public long QueuedBytes;
#pragma warning restore CA1051
    }

    private sealed class InboundConnection(int peer, CancellationTokenSource cancellation)
    {
        public int Peer { get; } = peer;

        public void Abort()
        {
            try
            {
                cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Already finished.
            }
        }
    }
}

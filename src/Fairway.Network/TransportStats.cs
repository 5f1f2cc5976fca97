namespace Fairway.Network;

/// <summary>Counters a node exports as metrics. Incremented from transport threads.</summary>
public sealed class TransportStats
{
    private long _framesSent;
    private long _framesReceived;
    private long _framesDroppedQueueFull;
    private long _connectionsRejected;
    private long _framesRejected;

    public long FramesSent => Interlocked.Read(ref _framesSent);
    public long FramesReceived => Interlocked.Read(ref _framesReceived);
    public long FramesDroppedQueueFull => Interlocked.Read(ref _framesDroppedQueueFull);

    /// <summary>Connections closed because the handshake failed (unknown key, bad signature, wrong chain, timeout).</summary>
    public long ConnectionsRejected => Interlocked.Read(ref _connectionsRejected);

    /// <summary>Connections closed for garbage, truncated or oversized frames.</summary>
    public long FramesRejected => Interlocked.Read(ref _framesRejected);

    public void OnFrameSent() => Interlocked.Increment(ref _framesSent);
    public void OnFrameReceived() => Interlocked.Increment(ref _framesReceived);
    public void OnFrameDroppedQueueFull() => Interlocked.Increment(ref _framesDroppedQueueFull);
    public void OnConnectionRejected() => Interlocked.Increment(ref _connectionsRejected);
    public void OnFrameRejected() => Interlocked.Increment(ref _framesRejected);
}

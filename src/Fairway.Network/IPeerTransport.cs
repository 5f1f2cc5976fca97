namespace Fairway.Network;

/// <summary>
/// Authenticated, framed byte transport between validators, addressed by validator index.
/// Frames from a peer are delivered in order to <see cref="FrameReceived"/>, only after the peer proved it holds the key
/// the genesis file lists for that index.
/// </summary>
public interface IPeerTransport : IAsyncDisposable
{
    /// <summary>Raised on a transport thread for every frame from an authenticated peer: (peer index, payload).</summary>
    event Action<int, ReadOnlyMemory<byte>>? FrameReceived;

    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Queues a frame for a peer. Returns false (and counts it) when that peer's bounded send queue is full or the
    /// frame is too large; never blocks the caller.
    /// </summary>
    bool Send(int peer, ReadOnlyMemory<byte> payload);

    /// <summary>Peers with an authenticated connection in at least one direction.</summary>
    int ConnectedPeers { get; }

    TransportStats Stats { get; }
}

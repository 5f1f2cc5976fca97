using System.Net;
using System.Net.Sockets;

namespace Fairway.Network;

/// <summary>
/// The transport could not bind or listen on its endpoint (typically another process took the port after the node's
/// startup check). Carries the socket error so the host can name the config key in one line instead of a stack trace.
/// </summary>
public sealed class TransportListenException : IOException
{
    public TransportListenException(IPEndPoint endPoint, SocketException inner)
        : base($"cannot listen on {endPoint}: {inner.Message}", inner)
    {
        EndPoint = endPoint;
        SocketError = inner.SocketErrorCode;
    }

    public IPEndPoint EndPoint { get; }

    public SocketError SocketError { get; }
}

using System.Net;
using Microsoft.Extensions.Logging;

namespace Fairway.Network;

internal static partial class TransportLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Listening for validators on {EndPoint}")]
    public static partial void Listening(ILogger logger, EndPoint endPoint);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Connected to validator {Peer} at {EndPoint}")]
    public static partial void OutboundConnected(ILogger logger, int peer, EndPoint endPoint);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Accepted validator {Peer} from {Remote}")]
    public static partial void InboundAuthenticated(ILogger logger, int peer, EndPoint? remote);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Outbound connection to validator {Peer} ended: {Reason}")]
    public static partial void OutboundClosed(ILogger logger, int peer, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Inbound connection from validator {Peer} ended: {Reason}")]
    public static partial void InboundClosed(ILogger logger, int peer, string reason);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Refused connection from {Remote}: {Reason}")]
    public static partial void InboundRejected(ILogger logger, EndPoint? remote, string reason);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Validator {Peer} at {EndPoint} failed our handshake: {Reason}")]
    public static partial void OutboundRejected(ILogger logger, int peer, EndPoint endPoint, string reason);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Closed connection from validator {Peer}: {Reason}")]
    public static partial void FrameRejected(ILogger logger, int peer, string reason);

    [LoggerMessage(EventId = 9, Level = LogLevel.Error, Message = "A FrameReceived handler threw for a frame from validator {Peer}")]
    public static partial void HandlerFailed(ILogger logger, int peer, Exception exception);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Accepting connections failed")]
    public static partial void AcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 11, Level = LogLevel.Error, Message = "Unexpected failure in a transport task")]
    public static partial void Unexpected(ILogger logger, Exception exception);
}

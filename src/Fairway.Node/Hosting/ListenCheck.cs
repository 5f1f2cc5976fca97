using System.Net;
using System.Net.Sockets;

namespace Fairway.Node.Hosting;

/// <summary>
/// Binds and releases each address the node will listen on before anything starts, so a port held by another process
/// becomes one line naming the config key instead of a failure deep inside Kestrel or the p2p transport (which log
/// stack traces and, for the transport, would leave a half-started node talking to peers).
/// </summary>
public static class ListenCheck
{
    public static void EnsureFree(IPEndPoint endPoint, string configKey, string configured)
    {
        using var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endPoint);
        }
        catch (SocketException e) when (Describe(e.SocketErrorCode, endPoint, configKey, configured) is { } message)
        {
            throw new StartupException(message, e);
        }
    }

    /// <summary>The operator's one line for a failed bind, or null for errors without a known cause.</summary>
    public static string? Describe(SocketError error, IPEndPoint endPoint, string configKey, string configured) => error switch
    {
        SocketError.AddressAlreadyInUse => $"address already in use: another process listens on {endPoint} (config {configKey} = {configured}); stop that process or choose another port",
        SocketError.AddressNotAvailable => $"cannot listen on {endPoint}: not an address of this machine (config {configKey} = {configured})",
        SocketError.AccessDenied => $"cannot listen on {endPoint}: permission denied, ports below 1024 need privileges (config {configKey} = {configured})",
        _ => null,
    };

    /// <summary>The endpoint Kestrel will bind for an <c>api_listen</c> URL: a literal IP as given, any other host on all addresses.</summary>
    public static IPEndPoint ApiEndPoint(string url)
    {
        var uri = new Uri(url);
        var address = IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) ? ip
            : string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
            : IPAddress.Any;
        return new IPEndPoint(address, uri.Port);
    }
}

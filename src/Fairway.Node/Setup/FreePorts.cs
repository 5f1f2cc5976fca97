using System.Net;
using System.Net.Sockets;

namespace Fairway.Node.Setup;

/// <summary>Loopback ports for local networks that tools and tests start next to whatever else runs on the machine.</summary>
public static class FreePorts
{
    /// <summary>
    /// A base port such that every validator's p2p port (base + i) and API port (base + 100 + i) is free now. Another
    /// process may still take one before it is bound; callers that start nodes report that as a bind error.
    /// </summary>
    public static int BaseFor(int validators)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(validators, 1);

        // Below the kernel's ephemeral range: a port in it can be handed to any outgoing connection (an HTTP client, a
        // peer dialling out) between this check and the node's bind, and the node then fails to start.
        var top = Math.Max(LowestPort + 2_000, EphemeralPortsStart() - NetworkGenerator.ApiPortOffset - validators);
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var basePort = Random.Shared.Next(LowestPort, top);
            var ports = Enumerable.Range(basePort, validators)
                .Concat(Enumerable.Range(basePort + NetworkGenerator.ApiPortOffset, validators));
            if (ports.All(IsFree))
            {
                return basePort;
            }
        }

        throw new IOException("found no free block of loopback ports for the validators");
    }

    private const int LowestPort = 10_000;

    /// <summary>The first port the kernel hands out for outgoing connections (Linux; the usual default elsewhere).</summary>
    public static int EphemeralPortsStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (range.Length > 0 && int.TryParse(range[0], System.Globalization.CultureInfo.InvariantCulture, out var start) && start > 1024)
            {
                return start;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return 32_768;
    }

    public static bool IsFree(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

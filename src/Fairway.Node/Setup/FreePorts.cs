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
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var basePort = Random.Shared.Next(20_000, 60_000);
            var ports = Enumerable.Range(basePort, validators)
                .Concat(Enumerable.Range(basePort + NetworkGenerator.ApiPortOffset, validators));
            if (ports.All(IsFree))
            {
                return basePort;
            }
        }

        throw new IOException("found no free block of loopback ports for the validators");
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

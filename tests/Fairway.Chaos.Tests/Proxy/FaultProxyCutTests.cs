using System.Net;
using System.Net.Sockets;
using Fairway.Chaos.Proxy;

namespace Fairway.Chaos.Tests.Proxy;

public sealed class FaultProxyCutTests
{
    [Fact]
    public async Task Blocked_closes_open_and_new_connections_until_lifted()
    {
        await using var echo = new EchoServer();
        await using var proxy = FaultProxy.Start(echo.EndPoint, seed: 5);
        using var open = await Wait.ConnectAsync(proxy.ListenEndPoint);
        await Wait.EchoesAsync(open);

        proxy.Faults = new LinkFaults { Blocked = true };
        Assert.True(await Wait.EndsAsync(open), "the open connection was not closed");
        Assert.True(
            await Wait.NewConnectionEndsAsync(proxy.ListenEndPoint), "a connection made while blocked was not closed");

        await Wait.UntilAsync(() => proxy.ConnectionsCut == 2, "both closes are counted as cuts");

        proxy.Faults = LinkFaults.None;
        using var after = await Wait.ConnectAsync(proxy.ListenEndPoint);
        await Wait.EchoesAsync(after);
        Assert.Equal(3, proxy.ConnectionsAccepted);
    }

    [Fact]
    public async Task A_high_cut_rate_closes_connections()
    {
        await using var echo = new EchoServer();
        await using var proxy = FaultProxy.Start(echo.EndPoint, seed: 6);
        using var client = await Wait.ConnectAsync(proxy.ListenEndPoint);
        await Wait.EchoesAsync(client);

        proxy.Faults = new LinkFaults { CutsPerSecond = 20 };

        Assert.True(await Wait.EndsAsync(client), "the connection was never cut");
        await Wait.UntilAsync(() => proxy.ConnectionsCut > 0, "the cut is counted");
    }

    [Fact]
    public async Task Connections_beyond_the_limit_are_closed_and_the_rest_keep_working()
    {
        await using var echo = new EchoServer();
        await using var proxy = FaultProxy.Start(echo.EndPoint, seed: 7);
        var kept = new List<Socket>();
        try
        {
            for (var i = 0; i < FaultProxy.MaxConnections; i++)
            {
                var socket = await Wait.ConnectAsync(proxy.ListenEndPoint);
                kept.Add(socket);
                // An echo proves the proxy registered it before the next one arrives.
                await Wait.EchoesAsync(socket);
            }

            for (var i = 0; i < 3; i++)
            {
                Assert.True(
                    await Wait.NewConnectionEndsAsync(proxy.ListenEndPoint), "a connection over the limit stayed open");
            }

            foreach (var socket in kept)
            {
                await Wait.EchoesAsync(socket);
            }

            Assert.Equal(FaultProxy.MaxConnections + 3, proxy.ConnectionsAccepted);
            Assert.Equal(0, proxy.ConnectionsCut);
        }
        finally
        {
            foreach (var socket in kept)
            {
                socket.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_target_that_is_down_closes_the_client_without_failing_the_proxy()
    {
        IPEndPoint down;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            down = (IPEndPoint)probe.LocalEndPoint!;
        }

        await using var proxy = FaultProxy.Start(down, seed: 8);

        Assert.True(await Wait.NewConnectionEndsAsync(proxy.ListenEndPoint), "the client was left open to a dead target");
        await Wait.UntilAsync(() => proxy.OpenConnections == 0, "the failed connection is forgotten");
    }

    [Fact]
    public async Task A_peer_resetting_mid_stream_closes_the_other_side()
    {
        await using var echo = new EchoServer();
        await using var proxy = FaultProxy.Start(echo.EndPoint, seed: 9);
        proxy.Faults = new LinkFaults { DelayMs = 5_000 };
        using var client = await Wait.ConnectAsync(proxy.ListenEndPoint);
        await client.SendAsync(new byte[100_000], SocketFlags.None);
        await Wait.UntilAsync(() => proxy.BytesHeld > 0, "bytes are held by the delay");

        client.LingerState = new LingerOption(true, 0);
        client.Close();

        await Wait.UntilAsync(() => proxy.OpenConnections == 0, "the reset connection is torn down");
        Assert.Equal(0, proxy.BytesForwarded);
    }
}

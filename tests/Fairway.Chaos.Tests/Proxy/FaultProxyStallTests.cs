using System.Net.Sockets;
using System.Security.Cryptography;
using Fairway.Chaos.Proxy;

namespace Fairway.Chaos.Tests.Proxy;

public sealed class FaultProxyStallTests
{
    [Fact]
    public async Task Stalled_holds_bytes_and_releases_them_when_lifted()
    {
        await using var sink = new SinkServer();
        await using var proxy = FaultProxy.Start(sink.EndPoint, seed: 10);
        proxy.Faults = new LinkFaults { Stalled = true };
        using var client = await Wait.ConnectAsync(proxy.ListenEndPoint);
        var payload = RandomNumberGenerator.GetBytes(1000);

        await client.SendAsync(payload, SocketFlags.None);
        client.Shutdown(SocketShutdown.Send);
        await Wait.UntilAsync(() => proxy.BytesHeld == payload.Length, "the proxy holds the bytes");
        Assert.Equal(0, sink.Received);
        Assert.Null(sink.LastHash);

        proxy.Faults = LinkFaults.None;

        await Wait.UntilAsync(() => sink.LastHash is not null, "the held bytes and the close arrive");
        Assert.Equal(SHA256.HashData(payload), sink.LastHash);
    }

    [Fact]
    public async Task A_stalled_link_holds_at_most_its_bound_and_loses_nothing()
    {
        await using var sink = new SinkServer();
        await using var proxy = FaultProxy.Start(sink.EndPoint, seed: 11);
        proxy.Faults = new LinkFaults { Stalled = true };
        using var client = await Wait.ConnectAsync(proxy.ListenEndPoint);
        // More than the proxy's bound plus what the kernel buffers on both sockets.
        var payload = RandomNumberGenerator.GetBytes(64 * 1024 * 1024);

        var sending = Task.Run(async () =>
        {
            await client.SendAsync(payload, SocketFlags.None);
            client.Shutdown(SocketShutdown.Send);
        });
        await Wait.UntilAsync(
            () => proxy.BytesHeld > FaultProxy.MaxHeldBytes - FaultProxy.ChunkSize,
            "the proxy fills its bound");
        Assert.True(proxy.BytesHeld <= FaultProxy.MaxHeldBytes, $"{proxy.BytesHeld} bytes held");
        Assert.Equal(0, sink.Received);

        proxy.Faults = LinkFaults.None;
        await sending;

        await Wait.UntilAsync(() => sink.LastHash is not null, "everything arrives");
        Assert.Equal(SHA256.HashData(payload), sink.LastHash);
    }
}

using System.Diagnostics;
using System.Net.Sockets;
using Fairway.Chaos.Proxy;

namespace Fairway.Chaos.Tests.Proxy;

public sealed class FaultProxyLifetimeTests
{
    [Fact]
    public async Task Disposing_closes_every_connection_and_the_listener_promptly()
    {
        await using var echo = new EchoServer();
        var proxy = FaultProxy.Start(echo.EndPoint, seed: 12);
        using var delayed = await Wait.ConnectAsync(proxy.ListenEndPoint);
        using var throttled = await Wait.ConnectAsync(proxy.ListenEndPoint);
        await Wait.EchoesAsync(delayed);
        await Wait.EchoesAsync(throttled);
        proxy.Faults = new LinkFaults { DelayMs = 60_000, BandwidthBytesPerSecond = 10, CutsPerSecond = 0.001 };
        await delayed.SendAsync(new byte[1000], SocketFlags.None);
        await throttled.SendAsync(new byte[1000], SocketFlags.None);
        await Wait.UntilAsync(() => proxy.BytesHeld == 2000, "both connections hold bytes");

        var clock = Stopwatch.StartNew();
        await proxy.DisposeAsync();
        clock.Stop();

        // The design target is well under a second; the bound leaves room for a busy test host.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"dispose took {clock.Elapsed}");
        Assert.True(await Wait.EndsAsync(delayed));
        Assert.True(await Wait.EndsAsync(throttled));
        await Assert.ThrowsAnyAsync<SocketException>(async () =>
        {
            using var refused = await Wait.ConnectAsync(proxy.ListenEndPoint);
        });
        Assert.Equal(0, proxy.OpenConnections);
    }
}

using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using Fairway.Chaos.Proxy;

namespace Fairway.Chaos.Tests.Proxy;

public sealed class FaultProxyForwardingTests
{
    [Fact]
    public async Task Bytes_pass_through_unchanged_in_both_directions()
    {
        await using var echo = new EchoServer();
        await using var proxy = FaultProxy.Start(echo.EndPoint, seed: 1);
        using var client = await Wait.ConnectAsync(proxy.ListenEndPoint);
        var payload = RandomNumberGenerator.GetBytes(4 * 1024 * 1024);

        var sending = Task.Run(async () =>
        {
            // Uneven writes, so chunk boundaries fall everywhere.
            for (var offset = 0; offset < payload.Length;)
            {
                var size = Math.Min(payload.Length - offset, 1 + (offset % 100_003));
                offset += await client.SendAsync(payload.AsMemory(offset, size), SocketFlags.None);
            }
        });
        var echoed = await Wait.ReadExactlyAsync(client, payload.Length);
        await sending;

        Assert.Equal(SHA256.HashData(payload), SHA256.HashData(echoed));
        await Wait.UntilAsync(() => proxy.BytesForwarded == 2L * payload.Length, "both directions are counted");
        Assert.Equal(1, proxy.ConnectionsAccepted);
    }

    [Fact]
    public async Task Delay_set_on_an_open_connection_holds_each_direction_at_least_that_long()
    {
        await using var echo = new EchoServer();
        await using var proxy = FaultProxy.Start(echo.EndPoint, seed: 2);
        using var client = await Wait.ConnectAsync(proxy.ListenEndPoint);
        await Wait.EchoesAsync(client);

        proxy.Faults = new LinkFaults { DelayMs = 150 };
        var clock = Stopwatch.StartNew();
        await Wait.EchoesAsync(client);

        Assert.True(clock.ElapsedMilliseconds >= 300, $"round trip took {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Jitter_never_reorders_the_stream()
    {
        await using var echo = new EchoServer();
        await using var proxy = FaultProxy.Start(echo.EndPoint, seed: 3);
        proxy.Faults = new LinkFaults { DelayMs = 1, JitterMs = 40 };
        using var client = await Wait.ConnectAsync(proxy.ListenEndPoint);
        const int Writes = 200;
        const int NumbersPerWrite = 16;

        var sending = Task.Run(async () =>
        {
            var block = new byte[NumbersPerWrite * 4];
            for (var write = 0; write < Writes; write++)
            {
                for (var i = 0; i < NumbersPerWrite; i++)
                {
                    BinaryPrimitives.WriteInt32BigEndian(block.AsSpan(i * 4), (write * NumbersPerWrite) + i);
                }

                await client.SendAsync(block, SocketFlags.None);
                // Spaced writes become separate chunks with separate jitter draws.
                await Task.Delay(1);
            }
        });
        var echoed = await Wait.ReadExactlyAsync(client, Writes * NumbersPerWrite * 4);
        await sending;

        for (var n = 0; n < Writes * NumbersPerWrite; n++)
        {
            Assert.Equal(n, BinaryPrimitives.ReadInt32BigEndian(echoed.AsSpan(n * 4)));
        }
    }

    [Fact]
    public async Task Bandwidth_cap_slows_a_transfer_to_about_the_cap()
    {
        await using var sink = new SinkServer();
        await using var proxy = FaultProxy.Start(sink.EndPoint, seed: 4);
        proxy.Faults = new LinkFaults { BandwidthBytesPerSecond = 512 * 1024 };
        using var client = await Wait.ConnectAsync(proxy.ListenEndPoint);
        var payload = RandomNumberGenerator.GetBytes(1024 * 1024);

        var clock = Stopwatch.StartNew();
        await client.SendAsync(payload, SocketFlags.None);
        client.Shutdown(SocketShutdown.Send);
        await Wait.UntilAsync(() => sink.LastHash is not null, "the sink read the whole stream");

        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.5), $"1 MiB at 512 KiB/s took {clock.Elapsed}");
        Assert.Equal(SHA256.HashData(payload), sink.LastHash);
    }
}

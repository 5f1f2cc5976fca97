using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Fairway.Chaos.Tests.Proxy;

/// <summary>Waiting on conditions with a generous deadline: a test fails when the deadline passes, never on timing luck.</summary>
internal static class Wait
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Deadline)
            {
                Assert.Fail($"timed out waiting until {what}");
            }

            await Task.Delay(5);
        }
    }

    public static async Task<Socket> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var deadline = new CancellationTokenSource(Deadline);
            await socket.ConnectAsync(endPoint, deadline.Token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static async Task<byte[]> ReadExactlyAsync(Socket socket, int count)
    {
        var buffer = new byte[count];
        using var deadline = new CancellationTokenSource(Deadline);
        var offset = 0;
        while (offset < count)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(offset), SocketFlags.None, deadline.Token);
            Assert.True(read > 0, $"stream ended after {offset} of {count} bytes");
            offset += read;
        }

        return buffer;
    }

    /// <summary>True once the stream ends or resets; false if it is still open at the deadline.</summary>
    public static async Task<bool> EndsAsync(Socket socket)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token) > 0)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// True if a new connection is closed at once; the reset can arrive before the connect completes, which counts too.
    /// </summary>
    public static async Task<bool> NewConnectionEndsAsync(IPEndPoint endPoint)
    {
        Socket socket;
        try
        {
            socket = await ConnectAsync(endPoint);
        }
        catch (SocketException)
        {
            return true;
        }

        using (socket)
        {
            return await EndsAsync(socket);
        }
    }

    public static async Task EchoesAsync(Socket socket, int bytes = 64)
    {
        var payload = new byte[bytes];
        Random.Shared.NextBytes(payload);
        await socket.SendAsync(payload, SocketFlags.None);
        Assert.Equal(payload, await ReadExactlyAsync(socket, bytes));
    }
}

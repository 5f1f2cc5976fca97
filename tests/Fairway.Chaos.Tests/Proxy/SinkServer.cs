using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Fairway.Chaos.Tests.Proxy;

/// <summary>A loopback target that reads each connection to its end, counting and hashing what arrived.</summary>
internal sealed class SinkServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;
    private long _received;
    private byte[]? _lastHash;

    public SinkServer()
    {
        _listener.Start();
        EndPoint = (IPEndPoint)_listener.LocalEndpoint;
        _accepting = AcceptAsync();
    }

    public IPEndPoint EndPoint { get; }

    public long Received => Interlocked.Read(ref _received);

    /// <summary>SHA-256 of the last connection that ended cleanly; null until one has.</summary>
    public byte[]? LastHash => Volatile.Read(ref _lastHash);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_connections)
            {
                _connections.Add(DrainAsync(socket));
            }
        }
    }

    private async Task DrainAsync(Socket socket)
    {
        using var _ = socket;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    Volatile.Write(ref _lastHash, hash.GetHashAndReset());
                    return;
                }

                hash.AppendData(buffer, 0, read);
                Interlocked.Add(ref _received, read);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The proxy cut the connection, or the test is over.
        }
    }
}

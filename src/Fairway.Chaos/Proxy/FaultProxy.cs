using System.Net;
using System.Net.Sockets;

namespace Fairway.Chaos.Proxy;

/// <summary>
/// One directed link of the chaos network: listens on loopback and forwards each accepted connection, both ways, to
/// the target, applying <see cref="Faults"/> live to every connection open or to come.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    internal const int ChunkSize = 64 * 1024;
    internal const long MaxHeldBytes = 8L * 1024 * 1024;
    internal const int MaxConnections = 64;

    // Fine enough that a cut rate of tens per second is still a Poisson process rather than a tick pattern.
    private static readonly TimeSpan CutTick = TimeSpan.FromMilliseconds(20);

    private readonly Socket _listener;
    private readonly Lock _gate = new();
    private readonly Dictionary<long, ProxiedConnection> _open = [];
    private readonly Lock _randomGate = new();
    private readonly Random _random;
    private readonly CancellationTokenSource _stop = new();
    private Task _accepting = Task.CompletedTask;
    private Task _cutting = Task.CompletedTask;
    private long _nextId;
    private long _bytesForwarded;
    private int _connectionsAccepted;
    private int _connectionsCut;
    private int _disposed;

    private FaultProxy(IPEndPoint target, int seed, TimeProvider time, IPAddress listen)
    {
        Target = target;
        Time = time;
        _random = new Random(seed);
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _listener.Bind(new IPEndPoint(listen, 0));
            _listener.Listen(MaxConnections);
        }
        catch
        {
            _listener.Dispose();
            throw;
        }

        ListenEndPoint = (IPEndPoint)_listener.LocalEndPoint!;
    }

    public IPEndPoint ListenEndPoint { get; }

    public IPEndPoint Target { get; }

    public LinkFaults Faults
    {
        get => LiveFaults.Current;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            LiveFaults.Set(value);
            if (value.Blocked)
            {
                CutAll();
            }
        }
    }

    public long BytesForwarded => Interlocked.Read(ref _bytesForwarded);

    public int ConnectionsAccepted => Volatile.Read(ref _connectionsAccepted);

    public int ConnectionsCut => Volatile.Read(ref _connectionsCut);

    /// <summary>Bytes held (read, not yet written) over all open connections, both directions.</summary>
    internal long BytesHeld
    {
        get
        {
            lock (_gate)
            {
                return _open.Values.Sum(c => c.ToTarget.Held + c.FromTarget.Held);
            }
        }
    }

    internal int OpenConnections
    {
        get
        {
            lock (_gate)
            {
                return _open.Count;
            }
        }
    }

    internal TimeProvider Time { get; }

    internal LiveFaults LiveFaults { get; } = new();

    public static FaultProxy Start(IPEndPoint target, int seed) => Start(target, seed, TimeProvider.System);

    public static FaultProxy Start(IPEndPoint target, int seed, TimeProvider time) => Start(target, seed, time, IPAddress.Loopback);

    /// <summary>Listens on <paramref name="listen"/> (port chosen by the system): the bridge's address when validators run in network namespaces.</summary>
    public static FaultProxy Start(IPEndPoint target, int seed, TimeProvider time, IPAddress listen)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(listen);
        var proxy = new FaultProxy(target, seed, time, listen);
        proxy._accepting = proxy.AcceptAsync(proxy._stop.Token);
        proxy._cutting = proxy.CutAsync(proxy._stop.Token);
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        // The accept loop registers connections; once it has stopped, the set below is final.
        await Task.WhenAll(_accepting, _cutting).ConfigureAwait(false);
        ProxiedConnection[] open;
        lock (_gate)
        {
            open = [.. _open.Values];
        }

        foreach (var connection in open)
        {
            connection.Abort();
        }

        await Task.WhenAll(open.Select(c => c.Completion)).ConfigureAwait(false);
        _stop.Dispose();
    }

    internal int NextJitterMs(int maxMs)
    {
        lock (_randomGate)
        {
            return _random.Next(maxMs + 1);
        }
    }

    internal void CountForwarded(int bytes) => Interlocked.Add(ref _bytesForwarded, bytes);

    internal void Forget(ProxiedConnection connection)
    {
        lock (_gate)
        {
            _open.Remove(connection.Id);
        }
    }

    private async Task AcceptAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(stop).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // A client that reset before being accepted; the listener itself is still good unless stopping.
                continue;
            }

            Interlocked.Increment(ref _connectionsAccepted);
            Admit(client);
        }
    }

    private void Admit(Socket client)
    {
        if (Faults.Blocked)
        {
            ProxiedConnection.CloseSocket(client, abortive: true);
            Interlocked.Increment(ref _connectionsCut);
            return;
        }

        ProxiedConnection? connection = null;
        lock (_gate)
        {
            if (_open.Count < MaxConnections)
            {
                client.NoDelay = true;
                connection = new ProxiedConnection(++_nextId, client, this);
                _open.Add(connection.Id, connection);
            }
        }

        if (connection is null)
        {
            ProxiedConnection.CloseSocket(client, abortive: true);
            return;
        }

        connection.Start(Target);
        // Blocked may have been set after the check above but before the connection was registered for CutAll.
        if (Faults.Blocked && connection.Abort())
        {
            Interlocked.Increment(ref _connectionsCut);
        }
    }

    private void CutAll()
    {
        foreach (var connection in Snapshot())
        {
            if (connection.Abort())
            {
                Interlocked.Increment(ref _connectionsCut);
            }
        }
    }

    /// <summary>Open connections in the order they were accepted, so cuts draw from the seeded random in a fixed order.</summary>
    private ProxiedConnection[] Snapshot()
    {
        lock (_gate)
        {
            return [.. _open.Values.OrderBy(c => c.Id)];
        }
    }

    private async Task CutAsync(CancellationToken stop)
    {
        try
        {
            while (true)
            {
                var (faults, changed) = LiveFaults.Snapshot();
                if (faults.CutsPerSecond <= 0)
                {
                    await changed.WaitAsync(stop).ConfigureAwait(false);
                    continue;
                }

                var started = Time.GetTimestamp();
                await Task.Delay(CutTick, Time, stop).ConfigureAwait(false);
                // Each connection is cut in an interval with the probability a Poisson process of this rate gives.
                var chance = 1 - Math.Exp(-faults.CutsPerSecond * Time.GetElapsedTime(started).TotalSeconds);
                foreach (var connection in Snapshot())
                {
                    bool cut;
                    lock (_randomGate)
                    {
                        cut = _random.NextDouble() < chance;
                    }

                    if (cut && connection.Abort())
                    {
                        Interlocked.Increment(ref _connectionsCut);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}

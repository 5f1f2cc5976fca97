using System.Net;
using System.Net.Sockets;

namespace Fairway.Chaos.Proxy;

/// <summary>
/// One accepted connection and its upstream connection to the target, with a pump each way. Either side failing, or
/// a cut, closes both sides abortively so neither validator waits on a half-dead stream.
/// </summary>
internal sealed class ProxiedConnection : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Socket _client;
    private readonly Socket _upstream;
    private readonly CancellationTokenSource _cancel;
    private readonly FaultProxy _proxy;
    private bool _closed;

    public ProxiedConnection(long id, Socket client, FaultProxy proxy)
    {
        Id = id;
        _client = client;
        _proxy = proxy;
        _upstream = new Socket(proxy.Target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        // Not linked to the proxy's stop token, so it holds no registration and needs no dispose: the proxy aborts
        // each connection itself when it stops.
        _cancel = new CancellationTokenSource();
        ToTarget = new DirectionPump(_client, _upstream, proxy, () => Abort());
        FromTarget = new DirectionPump(_upstream, _client, proxy, () => Abort());
    }

    public long Id { get; }

    public DirectionPump ToTarget { get; }

    public DirectionPump FromTarget { get; }

    public Task Completion { get; private set; } = Task.CompletedTask;

    public void Start(IPEndPoint target) => Completion = RunAsync(target);

    /// <summary>Closes both sides at once, dropping whatever is held; true only for the call that closed it.</summary>
    public bool Abort() => Close(abortive: true);

    public void Dispose() => Abort();

    private async Task RunAsync(IPEndPoint target)
    {
        try
        {
            await _upstream.ConnectAsync(target, _cancel.Token).ConfigureAwait(false);
            await Task.WhenAll(ToTarget.RunAsync(_cancel.Token), FromTarget.RunAsync(_cancel.Token)).ConfigureAwait(false);
            // Both streams ended with their closes forwarded: nothing is lost by closing gently.
            Close(abortive: false);
        }
        catch (Exception)
        {
            // Mostly the target being down or a cut while dialling; the client sees its connection reset, and the
            // task never faults, so disposing the proxy never throws.
            Close(abortive: true);
        }
        finally
        {
            _proxy.Forget(this);
        }
    }

    private bool Close(bool abortive)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            _closed = true;
        }

        CloseSocket(_client, abortive);
        CloseSocket(_upstream, abortive);
        // Outside the lock: cancelling runs the pumps' continuations on this thread, and they call back in here.
        _cancel.Cancel();
        return true;
    }

    internal static void CloseSocket(Socket socket, bool abortive)
    {
        if (abortive)
        {
            try
            {
                // A reset, not a close: the peer learns at once that bytes in flight were lost.
                socket.LingerState = new LingerOption(true, 0);
            }
            catch (SocketException)
            {
                // Never connected or already reset; disposing is all that is left to do.
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        }

        socket.Dispose();
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Fairway.Cli.Tests;

/// <summary>A tiny HTTP server on loopback standing in for a validator API: each request gets the handler's status and JSON body.</summary>
internal sealed class StubApi : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<string, string, string, (int Status, string Body)> _handler;
    private readonly Task _loop;
    private int _requests;

    private StubApi(Func<string, string, string, (int Status, string Body)> handler)
    {
        _handler = handler;
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Url = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Url + "/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Serves with <paramref name="handler"/>(method, path and query, request body).</summary>
    public static StubApi Start(Func<string, string, string, (int Status, string Body)> handler) => new(handler);

    public void Dispose()
    {
        // Close alone: after Stop, the managed listener's Close looks its port up again to remove the prefix, binding it
        // anew, which fails when another test has taken the freed port meanwhile (seen once in a full run).
        try
        {
            _listener.Close();
        }
        catch (HttpListenerException)
        {
        }

        _loop.Wait(TimeSpan.FromSeconds(10));
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            Interlocked.Increment(ref _requests);
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var (status, answer) = _handler(context.Request.HttpMethod, context.Request.Url!.PathAndQuery, body);
            var bytes = Encoding.UTF8.GetBytes(answer);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }
}

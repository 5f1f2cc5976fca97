using System.Net.WebSockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Fairway.Explorer.Tests;

/// <summary>
/// A lying node, for the explorer's proof check: every request (the explorer's files, the API, the WebSocket streams)
/// goes through to a real node unchanged, except the namespace answers, whose proof gets one byte flipped.
/// </summary>
internal sealed partial class TamperingProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Uri _target;

    private TamperingProxy(Uri target)
    {
        _target = target;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.UseWebSockets();
        _app.Run(ForwardAsync);
    }

    public Uri Url { get; private set; } = null!;

    /// <summary>Namespace answers tampered with so far.</summary>
    public int Tampered => Volatile.Read(ref _tampered);

    private int _tampered;

    public static async Task<TamperingProxy> StartAsync(Uri target)
    {
        var proxy = new TamperingProxy(target);
        await proxy._app.StartAsync();
        proxy.Url = new Uri(proxy._app.Urls.First());
        return proxy;
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var pathAndQuery = context.Request.Path + context.Request.QueryString;
        if (context.WebSockets.IsWebSocketRequest)
        {
            await ForwardSocketAsync(context, pathAndQuery);
            return;
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(_target, pathAndQuery));
        // The node names the page's own origin in its Content-Security-Policy from the Host it is asked for.
        request.Headers.Host = context.Request.Host.Value;
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(context.Request.Body);
            if (context.Request.ContentType is { } type)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }
        }

        using var response = await _http.SendAsync(request, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            if (header.Key is not ("Transfer-Encoding" or "Content-Length"))
            {
                context.Response.Headers[header.Key] = header.Value.ToArray();
            }
        }

        var body = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
        if (response.IsSuccessStatusCode && NamespaceAnswer().IsMatch(context.Request.Path.Value ?? ""))
        {
            body = Tamper(body);
        }

        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>Flips the proof's last bit: the last transaction hash, or with none the last sibling's digest.</summary>
    private byte[] Tamper(byte[] body)
    {
        var json = JsonNode.Parse(body)!.AsObject();
        var proof = Convert.FromBase64String(json["proof"]!.GetValue<string>());
        proof[^1] ^= 0x01;
        json["proof"] = Convert.ToBase64String(proof);
        Interlocked.Increment(ref _tampered);
        return System.Text.Encoding.UTF8.GetBytes(json.ToJsonString());
    }

    private async Task ForwardSocketAsync(HttpContext context, string pathAndQuery)
    {
        using var upstream = new ClientWebSocket();
        var target = new UriBuilder(_target) { Scheme = "ws" }.Uri;
        await upstream.ConnectAsync(new Uri(target, pathAndQuery), context.RequestAborted);
        using var downstream = await context.WebSockets.AcceptWebSocketAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        await Task.WhenAny(PumpAsync(upstream, downstream, stop.Token), PumpAsync(downstream, upstream, stop.Token));
        await stop.CancelAsync();
    }

    private static async Task PumpAsync(WebSocket from, WebSocket to, CancellationToken stop)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (from.State == WebSocketState.Open && to.State == WebSocketState.Open)
            {
                var result = await from.ReceiveAsync(buffer, stop);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await to.CloseOutputAsync(from.CloseStatus ?? WebSocketCloseStatus.NormalClosure, from.CloseStatusDescription, stop);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, stop);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _http.Dispose();
    }

    [GeneratedRegex("^/v1/availability/block/[0-9]+/namespace/[0-9]+$")]
    private static partial Regex NamespaceAnswer();
}

using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Fairway.Api;

/// <summary>
/// WebSocket streams: one JSON text frame per height, starting at any height (history first, then live), in order, with
/// no gaps and no duplicates. Each subscriber reads the committed chain at its own pace from the index, so a slow one
/// never holds the node back; one that cannot keep up (a send that stalls, or falling too far behind) is disconnected
/// with a close reason, and resumes by reconnecting from the last height it saw plus one.
/// </summary>
internal static class StreamEndpoints
{
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(10);

    public static void Map(WebApplication app, IValidatorApi node)
    {
        app.Map("/v1/stream/blocks/{from}", (HttpContext http, string from) => StreamAsync(http, node, from, h => node.Query.GetBlock(h) is { } c ? ApiJson.Block(c) : null));
        app.Map("/v1/stream/transactions/{from}/namespace/{ns}", (HttpContext http, string from, string ns) =>
            ApiEndpoints.TryParseNamespace(ns, out var parsed)
                ? StreamAsync(http, node, from, h => AvailabilityEndpoints.NamespaceAt(node, h, parsed))
                : Task.FromResult(ApiError.BadRequest("bad_namespace", "a namespace is an unsigned 64-bit integer")));
    }

    private static async Task<IResult> StreamAsync(HttpContext http, IValidatorApi node, string fromText, Func<ulong, object?> messageAt)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            return ApiError.BadRequest("websocket_required", "this endpoint speaks WebSocket");
        }

        if (!ApiEndpoints.TryParseHeight(fromText, out var next))
        {
            return ApiError.BadRequest("bad_height", "a height is a positive integer");
        }

        using var socket = await http.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var stop = http.RequestAborted;
        var closing = DrainIncomingAsync(socket, stop);
        try
        {
            while (socket.State == WebSocketState.Open && !stop.IsCancellationRequested && !closing.IsCompleted)
            {
                if (next > node.Query.IndexedHeight)
                {
                    var arrived = node.WaitForHeightAsync(next, stop);
                    await Task.WhenAny(arrived, closing).ConfigureAwait(false);
                    continue;
                }

                if (node.Query.IndexedHeight - next > node.Limits.StreamLagHeightsMax)
                {
                    await CloseAsync(socket, WebSocketCloseStatus.PolicyViolation, $"too far behind; resume from {next} in smaller steps").ConfigureAwait(false);
                    break;
                }

                var message = messageAt(next);
                if (message is null)
                {
                    await Task.WhenAny(node.WaitForHeightAsync(next, stop), closing).ConfigureAwait(false);
                    continue;
                }

                var bytes = JsonSerializer.SerializeToUtf8Bytes(message);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
                timeout.CancelAfter(SendTimeout);
                try
                {
                    await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                    // The send stalled: the client is not reading. Cut it loose rather than buffer for it.
                    socket.Abort();
                    break;
                }

                next++;
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }

        return Results.Empty;
    }

    /// <summary>Reads (and ignores) what the client sends, to notice its close.</summary>
    private static async Task DrainIncomingAsync(WebSocket socket, CancellationToken stop)
    {
        var buffer = new byte[1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, stop).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await CloseAsync(socket, WebSocketCloseStatus.NormalClosure, "bye").ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
    }

    private static async Task CloseAsync(WebSocket socket, WebSocketCloseStatus status, string reason)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.CloseOutputAsync(status, reason, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
    }
}

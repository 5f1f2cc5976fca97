using System.Net.Http.Json;
using System.Net.WebSockets;

namespace Fairway.Api.Tests;

/// <summary>A node that tolerates stream subscribers at most 3 heights behind the chain.</summary>
public sealed class ImpatientNodeFixture : NodeFixture
{
    protected override ulong StreamLagHeightsMax => 3;

    protected override System.Text.Json.Nodes.JsonObject? QueryConfig() => null;
}

public sealed class SlowConsumerTests(ImpatientNodeFixture node) : IClassFixture<ImpatientNodeFixture>
{
    [Fact]
    public async Task A_subscriber_too_far_behind_is_disconnected_with_a_close_reason_and_can_resume_closer()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await node.Http.GetFromJsonAsync<ulong>(new Uri(node.BaseUrl, "/v1/node/block-height"), deadline.Token) < 8)
        {
            await Task.Delay(50, deadline.Token);
        }

        using var behind = new ClientWebSocket();
        await behind.ConnectAsync(WebSocketUri("/v1/stream/blocks/1"), deadline.Token);
        var buffer = new byte[1 << 16];
        WebSocketReceiveResult result;
        do
        {
            result = await behind.ReceiveAsync(buffer, deadline.Token);
        }
        while (result.MessageType != WebSocketMessageType.Close);

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, behind.CloseStatus);
        Assert.Contains("too far behind", behind.CloseStatusDescription, StringComparison.Ordinal);

        var height = await node.Http.GetFromJsonAsync<ulong>(new Uri(node.BaseUrl, "/v1/node/block-height"), deadline.Token);
        using var close = new ClientWebSocket();
        await close.ConnectAsync(WebSocketUri($"/v1/stream/blocks/{height}"), deadline.Token);
        var first = await close.ReceiveAsync(buffer, deadline.Token);
        Assert.Equal(WebSocketMessageType.Text, first.MessageType);
    }

    private Uri WebSocketUri(string path) => new UriBuilder(new Uri(node.BaseUrl, path)) { Scheme = "ws" }.Uri;
}

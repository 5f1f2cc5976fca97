using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Fairway.Client;
using Fairway.Core.Chain;

namespace Fairway.Api.Tests;

/// <summary>The API contract, run unchanged against every query backend.</summary>
public abstract class ApiContract<TFixture>(TFixture node) : IClassFixture<TFixture> where TFixture : NodeFixture
{
    private static readonly TimeSpan FirmWithin = TimeSpan.FromSeconds(60);

    protected TFixture Node { get; } = node;

    private static byte[] Payload(string text) => Encoding.UTF8.GetBytes(text + "/" + Guid.NewGuid());

    [Fact]
    public async Task A_submitted_transaction_gets_a_signed_receipt_and_becomes_firm_with_a_verifiable_proof()
    {
        using var client = Node.Client();
        var payload = Payload("one");

        var receipt = await client.SubmitAsync(11, payload);
        var status = await client.WaitForAsync(receipt.Hash, Commitment.Firm, FirmWithin);
        var verified = await client.GetTransactionAsync(receipt.Hash);

        Assert.Equal(new Transaction(11, payload).Hash, receipt.Hash);
        Assert.Equal(status.Height, verified.Height);
        Assert.Equal(payload, verified.Transaction.Payload.ToArray());
        // Checked against other answers, not against the node's own claim: the namespace read (its own proof) and the
        // block's transaction count.
        var inNamespace = await client.GetNamespaceAsync(verified.Height, 11);
        Assert.Equal(receipt.Hash, inNamespace.Transactions[verified.NamespaceIndex].Hash);
        using var block = JsonDocument.Parse(await Node.Http.GetStringAsync(new Uri(Node.BaseUrl, $"/v1/availability/block/{verified.Height}")));
        Assert.InRange(status.Index!.Value, verified.NamespaceIndex, block.RootElement.GetProperty("transactions").GetInt32() - 1);
    }

    [Fact]
    public async Task A_namespace_read_returns_exactly_that_namespace_in_order_and_verifies()
    {
        using var client = Node.Client();
        var mine = new List<byte[]>();
        var batch = new List<(ulong, ReadOnlyMemory<byte>)>();
        for (var i = 0; i < 20; i++)
        {
            var p = Payload($"ns-{i}");
            batch.Add((i % 2 == 0 ? 21UL : 22UL, p));
            if (i % 2 == 0)
            {
                mine.Add(p);
            }
        }

        var results = await client.SubmitBatchAsync(batch);
        Assert.All(results, r => Assert.NotNull(r.Accepted));
        var last = await client.WaitForAsync(results[^1].Accepted!.Value, Commitment.Firm, FirmWithin);
        foreach (var r in results)
        {
            await client.WaitForAsync(r.Accepted!.Value, Commitment.Firm, FirmWithin);
        }

        var seen = new List<byte[]>();
        var first = (await client.GetStatusAsync(results[0].Accepted!.Value))!.Height!.Value;
        for (var h = first; h <= last.Height!.Value + 2; h++)
        {
            if (h > (await HeightAsync()))
            {
                break;
            }

            var block = await client.GetNamespaceAsync(h, 21);
            Assert.All(block.Transactions, t => Assert.Equal(21UL, t.Namespace));
            seen.AddRange(block.Transactions.Select(t => t.Payload.ToArray()));
        }

        Assert.Equal(mine.Select(Convert.ToBase64String), seen.Select(Convert.ToBase64String).Where(s => mine.Select(Convert.ToBase64String).Contains(s)));
    }

    [Fact]
    public async Task An_empty_namespace_still_comes_with_a_proof_of_absence()
    {
        using var client = Node.Client();
        await WaitForHeightAsync(1);

        var block = await client.GetNamespaceAsync(1, 987_654);

        Assert.Empty(block.Transactions);
    }

    [Fact]
    public async Task Headers_blocks_and_ranges_have_the_documented_shape()
    {
        await WaitForHeightAsync(3);
        var header = await GetJsonAsync("/v1/availability/header/2");
        var block = await GetJsonAsync("/v1/availability/block/2");
        var range = await GetJsonAsync("/v1/availability/block/1/3/namespace/21");

        Assert.Equal(2UL, header.GetProperty("height").GetUInt64());
        foreach (var field in new[] { "height", "hash", "header", "qc", "namespaces", "transactions", "size" })
        {
            Assert.True(block.TryGetProperty(field, out _), field);
        }

        Assert.Equal(JsonValueKind.Number, block.GetProperty("transactions").ValueKind);
        Assert.Equal(header.GetProperty("hash").GetString(), block.GetProperty("hash").GetString());
        Assert.Equal(2, range.GetProperty("blocks").GetArrayLength());
        new ResponseVerifier(Node.Trust).VerifyHeader(block, 2);
    }

    [Fact]
    public async Task Validators_and_openapi_describe_the_node()
    {
        var validators = await GetJsonAsync("/v1/node/validators");
        var openapi = await GetJsonAsync("/v1/openapi.json");

        Assert.Equal(Node.Trust.Validators[0].PublicKey.ToHex(), validators.GetProperty("validators")[0].GetProperty("public_key").GetString());
        var paths = openapi.GetProperty("paths");
        foreach (var path in new[] { "/v1/submit", "/v1/submit/batch", "/v1/submit/encrypted", "/v1/submit/bundle", "/v1/status/tx/{hash}", "/v1/availability/header/{height}", "/v1/availability/block/{height}",
            "/v1/availability/block/{height}/namespace/{ns}", "/v1/availability/transaction/hash/{hash}", "/v1/availability/block/{from}/{until}/namespace/{ns}",
            "/v1/stream/blocks/{from}", "/v1/stream/transactions/{from}/namespace/{ns}", "/v1/sync/block/{height}", "/v1/node/block-height", "/v1/node/validators", "/v1/status/metrics" })
        {
            Assert.True(paths.TryGetProperty(path, out _), path);
        }
    }

    [Fact]
    public async Task The_blocks_stream_sends_history_then_live_in_order_without_gaps()
    {
        await WaitForHeightAsync(2);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(WebSocketUrl("/v1/stream/blocks/1"), CancellationToken.None);
        var target = await HeightAsync() + 3;
        var expected = 1UL;
        using var deadline = new CancellationTokenSource(FirmWithin);
        while (expected <= target)
        {
            var message = await ReceiveAsync(socket, deadline.Token);
            Assert.Equal(expected, message.GetProperty("height").GetUInt64());
            expected++;
        }
    }

    [Fact]
    public async Task The_namespace_stream_verifies_every_height_and_resumes_where_it_stopped()
    {
        using var client = Node.Client();
        await WaitForHeightAsync(3);
        using var deadline = new CancellationTokenSource(FirmWithin);

        var heights = new List<ulong>();
        await foreach (var block in client.StreamNamespaceAsync(1, 21, deadline.Token))
        {
            heights.Add(block.Height);
            if (heights.Count == 3)
            {
                break;
            }
        }

        await foreach (var block in client.StreamNamespaceAsync(heights[^1] + 1, 21, deadline.Token))
        {
            heights.Add(block.Height);
            if (heights.Count == 6)
            {
                break;
            }
        }

        Assert.Equal([1UL, 2, 3, 4, 5, 6], heights);
    }

    [Theory]
    [InlineData("/v1/submit", "application/json", "{\"namespace\": -1, \"payload\": \"aGk=\"}", 400)]
    [InlineData("/v1/submit", "application/json", "{\"namespace\": \"one\", \"payload\": \"aGk=\"}", 400)]
    [InlineData("/v1/submit", "application/json", "{\"namespace\": 1, \"payload\": \"not base64!\"}", 400)]
    [InlineData("/v1/submit", "application/json", "{\"namespace\": 1, \"payload\": \"aGk=\", \"extra\": 1}", 400)]
    [InlineData("/v1/submit", "application/json", "{\"namespace\": 1,", 400)]
    [InlineData("/v1/submit", "text/plain", "{\"namespace\": 1, \"payload\": \"aGk=\"}", 415)]
    [InlineData("/v1/submit/batch", "application/json", "{\"namespace\": 1}", 400)]
    public async Task Bad_submissions_get_a_json_error_with_the_right_status(string path, string contentType, string body, int status)
    {
        using var content = new StringContent(body, Encoding.UTF8, contentType);
        using var response = await Node.Http.PostAsync(new Uri(Node.BaseUrl, path), content);

        await AssertErrorAsync(response, status);
    }

    [Fact]
    public async Task Oversized_payloads_and_batches_are_refused_with_413()
    {
        var big = Convert.ToBase64String(new byte[128 * 1024 + 1]);
        using var one = await Node.Http.PostAsJsonAsync(new Uri(Node.BaseUrl, "/v1/submit"), new { @namespace = 1, payload = big });
        await AssertErrorAsync(one, 413);

        var many = Enumerable.Range(0, 1001).Select(_ => new { @namespace = 1, payload = "aGk=" }).ToList();
        using var batch = await Node.Http.PostAsJsonAsync(new Uri(Node.BaseUrl, "/v1/submit/batch"), many);
        await AssertErrorAsync(batch, 413);
    }

    [Theory]
    [InlineData("/v1/availability/block/0", 400)]
    [InlineData("/v1/availability/block/abc", 400)]
    [InlineData("/v1/availability/block/999999999", 404)]
    [InlineData("/v1/availability/header/18446744073709551616", 400)]
    [InlineData("/v1/availability/block/1/namespace/x", 400)]
    [InlineData("/v1/availability/block/1/500/namespace/1", 400)]
    [InlineData("/v1/availability/block/5/2/namespace/1", 400)]
    [InlineData("/v1/availability/transaction/hash/1234", 400)]
    [InlineData("/v1/availability/transaction/hash/0000000000000000000000000000000000000000000000000000000000000000", 404)]
    [InlineData("/v1/status/tx/zz", 400)]
    [InlineData("/v1/inbox/0", 400)]
    [InlineData("/v1/inbox/one", 400)]
    [InlineData("/v1/inbox/1", 404)]
    [InlineData("/v1/inbox", 404)]
    [InlineData("/v1/no/such/thing", 404)]
    public async Task Bad_reads_get_a_json_error_with_the_right_status(string path, int status)
    {
        using var response = await Node.Http.GetAsync(new Uri(Node.BaseUrl, path));

        await AssertErrorAsync(response, status);
    }

    [Fact]
    public async Task A_bad_submission_changes_nothing()
    {
        var payload = Payload("never");
        using var content = new StringContent($"{{\"namespace\": 1, \"payload\": \"{Convert.ToBase64String(payload)}\", \"junk\": true}}", Encoding.UTF8, "application/json");
        using var response = await Node.Http.PostAsync(new Uri(Node.BaseUrl, "/v1/submit"), content);
        using var client = Node.Client();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(await client.GetStatusAsync(new Transaction(1, payload).Hash));
    }

    [Fact]
    public async Task Metrics_pass_promtool()
    {
        var text = await Node.Http.GetStringAsync(new Uri(Node.BaseUrl, "/v1/status/metrics"));
        var (exit, output) = await Promtool.CheckMetricsAsync(text);

        Assert.True(exit == 0, output);
        Assert.Contains("fairway_blocks_committed_total", text, StringComparison.Ordinal);
    }

    protected async Task<ulong> HeightAsync() =>
        await Node.Http.GetFromJsonAsync<ulong>(new Uri(Node.BaseUrl, "/v1/node/block-height"));

    protected async Task WaitForHeightAsync(ulong height)
    {
        using var deadline = new CancellationTokenSource(FirmWithin);
        while (await HeightAsync() < height)
        {
            await Task.Delay(50, deadline.Token);
        }
    }

    protected async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Node.Http.GetAsync(new Uri(Node.BaseUrl, path));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    internal static async Task AssertErrorAsync(HttpResponseMessage response, int status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("error").GetProperty("code").GetString()));
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("error").GetProperty("message").GetString()));
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
    }

    private Uri WebSocketUrl(string path) => new UriBuilder(new Uri(Node.BaseUrl, path)) { Scheme = "ws" }.Uri;

    private static async Task<JsonElement> ReceiveAsync(ClientWebSocket socket, CancellationToken ct)
    {
        var buffer = new byte[1 << 20];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, ct);
            Assert.NotEqual(WebSocketMessageType.Close, result.MessageType);
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return JsonDocument.Parse(message.ToArray()).RootElement.Clone();
            }
        }
    }
}

public sealed class SqliteApiContractTests(SqliteNodeFixture node) : ApiContract<SqliteNodeFixture>(node);

public sealed class PostgresApiContractTests(PostgresNodeFixture node) : ApiContract<PostgresNodeFixture>(node);

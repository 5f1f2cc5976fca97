using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fairway.Client;
using Fairway.Core.Chain;
using Fairway.Core.Encoding;

namespace Fairway.Api.Tests;

/// <summary>
/// <c>POST /v1/submit/batch</c> in its binary form, against a real node: results, every refusal (and that a refused
/// batch submits nothing), the request size limit shared with the JSON form, and fuzzed bodies.
/// </summary>
public sealed class BinaryBatchSubmitTests(SqliteNodeFixture node) : IClassFixture<SqliteNodeFixture>
{
    private static readonly TimeSpan FirmWithin = TimeSpan.FromSeconds(60);
    private static readonly ApiLimits Defaults = new();

    private static byte[] Payload(string text) => Encoding.UTF8.GetBytes(text + "/" + Guid.NewGuid());

    private async Task<HttpResponseMessage> PostAsync(byte[] body, string contentType = SubmitBatchFormat.RequestContentType)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await node.Http.PostAsync(new Uri(node.BaseUrl, "/v1/submit/batch"), content);
    }

    private static async Task<IReadOnlyList<(SubmitBatchStatus Status, Core.Crypto.Hash Hash)>> ResultsAsync(HttpResponseMessage response, int count)
    {
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.IsSuccessStatusCode, Encoding.UTF8.GetString(body));
        Assert.Equal(SubmitBatchFormat.ResultContentType, response.Content.Headers.ContentType?.MediaType);
        return SubmitBatchFormat.DecodeResults(body, count);
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, int status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        await ApiContract<SqliteNodeFixture>.AssertErrorAsync(response, status);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(code, json.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    private async Task AssertNeverSeenAsync(Transaction transaction)
    {
        using var client = node.Client();
        Assert.Null(await client.GetStatusAsync(transaction.Hash));
    }

    [Fact]
    public async Task Accepted_transactions_answer_their_hashes_in_order_and_become_firm()
    {
        var batch = new List<(ulong Namespace, ReadOnlyMemory<byte> Payload)> { (31, Payload("a")), (32, Payload("b")), (31, Payload("c")) };
        var expected = batch.Select(t => new Transaction(t.Namespace, t.Payload)).ToList();

        using var response = await PostAsync(SubmitBatchFormat.EncodeRequest(batch));
        var results = await ResultsAsync(response, batch.Count);

        Assert.All(results, r => Assert.Equal(SubmitBatchStatus.Accepted, r.Status));
        Assert.Equal(expected.Select(t => t.Hash), results.Select(r => r.Hash));
        using var client = node.Client();
        foreach (var transaction in expected)
        {
            await client.WaitForAsync(transaction.Hash, Commitment.Firm, FirmWithin);
        }

        var stored = await client.GetTransactionAsync(expected[1].Hash);
        Assert.Equal(expected[1], stored.Transaction);
    }

    [Fact]
    public async Task A_transaction_still_waiting_in_the_mempool_is_answered_as_a_duplicate()
    {
        // The mempool knows a transaction only until it is packed into a batch; one request is one step of the
        // validator's loop, so a repeat inside the same batch is always still waiting.
        var twice = Payload("twice");
        var body = SubmitBatchFormat.EncodeRequest([(33, twice), (33, Payload("once")), (33, twice)]);

        using var response = await PostAsync(body);
        var results = await ResultsAsync(response, 3);

        Assert.Equal([SubmitBatchStatus.Accepted, SubmitBatchStatus.Accepted, SubmitBatchStatus.Duplicate], results.Select(r => r.Status));
        Assert.Equal(results[0].Hash, results[2].Hash);
        Assert.Equal(new Transaction(33, twice).Hash, results[2].Hash);
    }

    [Fact]
    public async Task An_empty_body_is_an_empty_answer()
    {
        using var response = await PostAsync([]);

        Assert.Empty(await ResultsAsync(response, 0));
    }

    [Fact]
    public async Task The_sdk_submits_in_the_binary_form_and_reports_a_duplicate_as_accepted()
    {
        using var client = node.Client();
        var repeated = Payload("sdk-repeated");
        var batch = new List<(ulong, ReadOnlyMemory<byte>)> { (34, repeated), (34, Payload("sdk-other")), (34, repeated) };

        var results = await client.SubmitBatchAsync(batch);

        Assert.Equal(batch.Select(t => (Core.Crypto.Hash?)new Transaction(t.Item1, t.Item2).Hash), results.Select(r => r.Accepted));
        Assert.All(results, r => Assert.Null(r.ErrorCode));
        await client.WaitForAsync(results[2].Accepted!.Value, Commitment.Firm, FirmWithin);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(SubmitBatchFormat.RecordHeaderBytes - 1)]
    [InlineData(SubmitBatchFormat.RecordHeaderBytes)]
    [InlineData(SubmitBatchFormat.RecordHeaderBytes + 4)]
    public async Task A_body_ending_inside_a_record_is_refused_whole_and_submits_nothing(int bytesOfTheLastRecord)
    {
        var valid = new Transaction(35, Payload("kept out"));
        var last = SubmitBatchFormat.EncodeRequest([(35, Payload("cut"))]);
        var body = SubmitBatchFormat.EncodeRequest([(valid.Namespace, valid.Payload)]).Concat(last[..bytesOfTheLastRecord]).ToArray();

        using var response = await PostAsync(body);

        await AssertErrorAsync(response, 400, "malformed_batch");
        await AssertNeverSeenAsync(valid);
    }

    [Fact]
    public async Task A_payload_above_the_limit_is_refused_whole_with_413()
    {
        var valid = new Transaction(36, Payload("kept out"));
        var body = SubmitBatchFormat.EncodeRequest([(valid.Namespace, valid.Payload), (36, new byte[Defaults.PayloadBytesMax + 1])]);

        using var response = await PostAsync(body);

        await AssertErrorAsync(response, 413, "payload_too_large");
        await AssertNeverSeenAsync(valid);
    }

    [Fact]
    public async Task More_records_than_a_batch_may_hold_are_refused_whole_with_413()
    {
        var batch = Enumerable.Range(0, Defaults.BatchSubmitMax + 1).Select(i => (37UL, (ReadOnlyMemory<byte>)Payload($"many-{i}"))).ToList();

        using var response = await PostAsync(SubmitBatchFormat.EncodeRequest(batch));

        await AssertErrorAsync(response, 413, "batch_too_large");
        await AssertNeverSeenAsync(new Transaction(batch[0].Item1, batch[0].Item2));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_one_byte_above_the_request_limit_is_refused_with_413_declared_or_chunked(bool declaredLength)
    {
        // Valid records in every other respect, RequestBytesMax + 1 bytes in all: only the body's size is wrong.
        var records = Defaults.BatchSubmitMax;
        var payloadBytes = Defaults.RequestBytesMax + 1 - records * SubmitBatchFormat.RecordHeaderBytes;
        var batch = Enumerable.Range(0, records).Select(i =>
        {
            var payload = new byte[payloadBytes / records + (i < payloadBytes % records ? 1 : 0)];
            Guid.NewGuid().TryWriteBytes(payload);
            return (39UL, (ReadOnlyMemory<byte>)payload);
        }).ToList();
        var body = SubmitBatchFormat.EncodeRequest(batch);
        Assert.Equal(Defaults.RequestBytesMax + 1, body.Length);

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(node.BaseUrl, "/v1/submit/batch"));
        request.Content = declaredLength ? new ByteArrayContent(body) : new UnknownLengthContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(SubmitBatchFormat.RequestContentType);
        // A declared length over the limit is refused before the body is read, so the client must wait to be told
        // (as curl does for large bodies); otherwise it is still writing when the connection closes.
        request.Headers.ExpectContinue = declaredLength;
        using var response = await node.Http.SendAsync(request);

        await AssertErrorAsync(response, 413, "too_large");
        await AssertNeverSeenAsync(new Transaction(batch[0].Item1, batch[0].Item2));
    }

    [Fact]
    public async Task A_json_batch_over_one_mebibyte_but_under_the_request_limit_is_taken()
    {
        // Kestrel's own limit used to be 1 MiB below the endpoints' 8 MiB; there is one limit now.
        var items = Enumerable.Range(0, 100).Select(i => new { @namespace = 42, payload = Convert.ToBase64String(Payload($"json-{i}-").Concat(new byte[16 * 1024]).ToArray()) }).ToList();

        using var response = await node.Http.PostAsJsonAsync(new Uri(node.BaseUrl, "/v1/submit/batch"), items);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(body.Length > 0 && response.IsSuccessStatusCode, body);
        using var json = JsonDocument.Parse(body);
        Assert.All(json.RootElement.EnumerateArray(), r => Assert.True(r.TryGetProperty("hash", out _), r.ToString()));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/octet-stream")]
    [InlineData(SubmitBatchFormat.ResultContentType)]
    public async Task Other_content_types_get_415_naming_both_accepted_types(string contentType)
    {
        using var response = await PostAsync(SubmitBatchFormat.EncodeRequest([(40, Payload("typed"))]), contentType);
        var body = await response.Content.ReadAsStringAsync();

        await AssertErrorAsync(response, 415, "unsupported_media_type");
        Assert.Contains("application/json", body, StringComparison.Ordinal);
        Assert.Contains(SubmitBatchFormat.RequestContentType, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_binary_form()
    {
        var text = await node.Http.GetStringAsync(new Uri(node.BaseUrl, "/v1/openapi.json"));
        using var json = JsonDocument.Parse(text);
        var post = json.RootElement.GetProperty("paths").GetProperty("/v1/submit/batch").GetProperty("post");

        Assert.True(post.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(post.GetProperty("requestBody").GetProperty("content").TryGetProperty(SubmitBatchFormat.RequestContentType, out _));
        Assert.True(post.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty(SubmitBatchFormat.ResultContentType, out _));
    }

    [Fact]
    public async Task Fuzzed_binary_bodies_never_break_the_node_and_it_still_takes_a_valid_batch()
    {
        var random = new Random(20261123);
        var problems = new List<string>();
        for (var i = 0; i < 600; i++)
        {
            var body = FuzzedBody(random);
            using var response = await PostAsync(body);
            var answer = await response.Content.ReadAsByteArrayAsync();
            var status = (int)response.StatusCode;
            if (status == 200)
            {
                // Whatever was taken is answered record by record, one 33-byte result each.
                if (answer.Length % SubmitBatchFormat.ResultRecordBytes != 0 || response.Content.Headers.ContentType?.MediaType != SubmitBatchFormat.ResultContentType)
                {
                    problems.Add($"body {i}: 200 with {answer.Length} bytes of {response.Content.Headers.ContentType}");
                }
            }
            else if (status == 429 && Encoding.UTF8.GetString(answer).Contains("\"busy\"", StringComparison.Ordinal) && response.Headers.RetryAfter is not null)
            {
                // Admission control shedding the storm: a refusal that changes nothing and says when to retry.
            }
            else if (status is not (400 or 413) || !Encoding.UTF8.GetString(answer).Contains("\"error\"", StringComparison.Ordinal))
            {
                problems.Add($"body {i}: {status} {Encoding.UTF8.GetString(answer)}");
            }
        }

        Assert.Empty(problems);
        using var client = node.Client();
        // A node still shedding the storm says busy; a client retries after Retry-After, within a bound.
        var deadline = DateTime.UtcNow + FirmWithin;
        IReadOnlyList<Client.BatchSubmitResult> results;
        while ((results = await client.SubmitBatchAsync([(41, Payload("after the binary storm")), (41, Payload("and another"))])).Any(r => r.ErrorCode == "busy")
               && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(ApiError.RetryAfterSeconds));
        }

        foreach (var r in results)
        {
            await client.WaitForAsync(r.Accepted!.Value, Commitment.Firm, FirmWithin);
        }
    }

    /// <summary>Random bytes, or a valid batch with a few bytes changed, cut short, or with a length field rewritten.</summary>
    private static byte[] FuzzedBody(Random random)
    {
        if (random.Next(4) == 0)
        {
            var noise = new byte[random.Next(0, 300)];
            random.NextBytes(noise);
            return noise;
        }

        var batch = Enumerable.Range(0, random.Next(1, 6)).Select(_ =>
        {
            var payload = new byte[random.Next(0, 64)];
            random.NextBytes(payload);
            return ((ulong)random.Next(1, 1000), (ReadOnlyMemory<byte>)payload);
        }).ToList();
        var body = SubmitBatchFormat.EncodeRequest(batch);
        switch (random.Next(3))
        {
            case 0:
                for (var k = random.Next(1, 4); k > 0 && body.Length > 0; k--)
                {
                    body[random.Next(body.Length)] = (byte)random.Next(256);
                }

                return body;
            case 1:
                return body[..random.Next(body.Length + 1)];
            default:
                var lengths = new uint[] { 0, 1, 63, 64, 65, (uint)Defaults.PayloadBytesMax, (uint)Defaults.PayloadBytesMax + 1, int.MaxValue, uint.MaxValue };
                BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(8), lengths[random.Next(lengths.Length)]);
                return body;
        }
    }

    /// <summary>Request content of no declared length, so the client sends it chunked.</summary>
    private sealed class UnknownLengthContent(byte[] body) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(body).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

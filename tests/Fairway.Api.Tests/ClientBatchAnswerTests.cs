using System.Net;
using System.Net.Http.Headers;
using Fairway.Client;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Validators;
using Fairway.Crypto;

namespace Fairway.Api.Tests;

/// <summary>The SDK's binary batch submit against a scripted node: what it sends, and every wrong answer it must refuse.</summary>
public sealed class ClientBatchAnswerTests
{
    private static readonly List<(ulong Namespace, ReadOnlyMemory<byte> Payload)> Batch = [(7, "one"u8.ToArray()), (8, "two"u8.ToArray())];
    private static readonly Hash[] Hashes = Batch.Select(t => new Transaction(t.Namespace, t.Payload).Hash).ToArray();

    private static FairwayClient ClientAnswering(Func<HttpRequestMessage, byte[], HttpResponseMessage> answer)
    {
        var trust = new TrustedChain(Hash.Zero, new ValidatorSet([new Validator("v", Ed25519Signer.FromSeedPhrase("v").PublicKey, 1)]), Ed25519Verifier.Instance);
        return new FairwayClient(new Uri("http://node.invalid"), trust, new HttpClient(new ScriptedHandler(answer)));
    }

    private static HttpResponseMessage Binary(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(SubmitBatchFormat.ResultContentType);
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    [Fact]
    public async Task It_sends_the_binary_form_and_maps_accepted_duplicate_and_busy()
    {
        HttpRequestMessage? seen = null;
        byte[]? sent = null;
        using var client = ClientAnswering((request, body) =>
        {
            (seen, sent) = (request, body);
            return Binary(SubmitBatchFormat.EncodeResults([(SubmitBatchStatus.Duplicate, Hashes[0]), (SubmitBatchStatus.Busy, Hashes[1])]));
        });

        var results = await client.SubmitBatchAsync(Batch);

        Assert.Equal(SubmitBatchFormat.RequestContentType, seen!.Content!.Headers.ContentType!.MediaType);
        Assert.Equal("/v1/submit/batch", seen.RequestUri!.AbsolutePath);
        Assert.Equal(SubmitBatchFormat.EncodeRequest(Batch), sent);
        Assert.Equal(new BatchSubmitResult(Hashes[0], null, null), results[0]);
        Assert.Null(results[1].Accepted);
        Assert.Equal("busy", results[1].ErrorCode);
    }

    public static TheoryData<string> WrongAnswers => new() { "other hash", "one record short", "one byte more", "unknown status", "json" };

    [Theory]
    [MemberData(nameof(WrongAnswers))]
    public async Task A_wrong_answer_is_refused(string wrong)
    {
        using var client = ClientAnswering((_, _) =>
        {
            var body = SubmitBatchFormat.EncodeResults([(SubmitBatchStatus.Accepted, Hashes[0]), (SubmitBatchStatus.Accepted, Hashes[1])]);
            switch (wrong)
            {
                case "other hash":
                    body[40] ^= 1;
                    return Binary(body);
                case "one record short":
                    return Binary(body[..SubmitBatchFormat.ResultRecordBytes]);
                case "one byte more":
                    return Binary([.. body, 0]);
                case "unknown status":
                    body[SubmitBatchFormat.ResultRecordBytes] = 9;
                    return Binary(body);
                default:
                    return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("[]", System.Text.Encoding.UTF8, "application/json") };
            }
        });

        await Assert.ThrowsAsync<VerificationException>(() => client.SubmitBatchAsync(Batch));
    }

    [Fact]
    public async Task A_batch_refused_as_a_whole_throws_with_the_nodes_status_and_error()
    {
        using var client = ClientAnswering((_, _) => new HttpResponseMessage(HttpStatusCode.RequestEntityTooLarge)
        {
            Content = new StringContent("{\"error\":{\"code\":\"payload_too_large\",\"message\":\"m\"}}", System.Text.Encoding.UTF8, "application/json"),
        });

        var e = await Assert.ThrowsAsync<HttpRequestException>(() => client.SubmitBatchAsync(Batch));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, e.StatusCode);
        Assert.Contains("payload_too_large", e.Message, StringComparison.Ordinal);
    }

    private sealed class ScriptedHandler(Func<HttpRequestMessage, byte[], HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
            return answer(request, body);
        }
    }
}

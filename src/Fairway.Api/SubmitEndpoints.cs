using System.Text.Json;
using Fairway.Core.Chain;
using Fairway.Core.Encoding;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Fairway.Api;

/// <summary><c>POST /v1/submit</c> and <c>POST /v1/submit/batch</c> (JSON here, binary in <see cref="BinaryBatchSubmit"/>): every input checked before anything changes.</summary>
internal static class SubmitEndpoints
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 8 };

    public static void Map(WebApplication app, IValidatorApi node)
    {
        app.MapPost("/v1/submit", (HttpContext http, CancellationToken ct) => SubmitOneAsync(http, node, ct));
        app.MapPost("/v1/submit/batch", (HttpContext http, CancellationToken ct) => SubmitBatchAsync(http, node, ct));
        app.MapPost("/v1/submit/encrypted", (HttpContext http, CancellationToken ct) => SubmitEncryptedAsync(http, node, ct));
        app.MapPost("/v1/submit/bundle", (HttpContext http, CancellationToken ct) => BundleSubmit.SubmitAsync(http, node, ct));
    }

    /// <summary>
    /// <c>{"namespace": N, "ciphertext": base64}</c>: a ciphertext the client made to the key set of
    /// <c>GET /v1/node/encryption-key</c> with its namespace's label. The validator checks only that it is well formed,
    /// to the current key and for this namespace, and orders it sealed; the receipt names the ciphertext transaction.
    /// </summary>
    private static async Task<IResult> SubmitEncryptedAsync(HttpContext http, IValidatorApi node, CancellationToken ct)
    {
        if (node.RefuseIfBusy() is { } busy)
        {
            return ApiError.Refused(busy);
        }

        var (document, error) = await ReadJsonAsync(http, node, "send Content-Type: application/json", ct).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        using (document)
        {
            var (transaction, status, code, message) = Parse(document!.RootElement, node, "ciphertext");
            if (transaction is null)
            {
                return ApiError.Of(status, code!, message!);
            }

            if (!node.Namespaces.IsEncrypted(transaction.Namespace))
            {
                return ApiError.BadRequest("not_encrypted_namespace",
                    $"namespace {transaction.Namespace} is ordered by {node.Namespaces.PolicyOf(transaction.Namespace).Name}, not encrypted; submit plaintext with POST /v1/submit");
            }

            var outcome = await node.SubmitAsync(transaction, ct).ConfigureAwait(false);
            return outcome.Status == SubmitStatus.Busy
                ? ApiError.Refused(node.BusyReason)
                : Results.Json(ApiJson.Receipt(outcome));
        }
    }

    private static async Task<IResult> SubmitOneAsync(HttpContext http, IValidatorApi node, CancellationToken ct)
    {
        if (node.RefuseIfBusy() is { } busy)
        {
            return ApiError.Refused(busy);
        }

        var (document, error) = await ReadJsonAsync(http, node, "send Content-Type: application/json", ct).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        using (document)
        {
            var (transaction, status, code, message) = Parse(document!.RootElement, node);
            if (transaction is null)
            {
                return ApiError.Of(status, code!, message!);
            }

            var outcome = await node.SubmitAsync(transaction, ct).ConfigureAwait(false);
            return outcome.Status == SubmitStatus.Busy
                ? ApiError.Refused(node.BusyReason)
                : Results.Json(ApiJson.Receipt(outcome));
        }
    }

    private static async Task<IResult> SubmitBatchAsync(HttpContext http, IValidatorApi node, CancellationToken ct)
    {
        if (node.RefuseIfBusy() is { } busy)
        {
            return ApiError.Refused(busy);
        }

        if (BinaryBatchSubmit.Accepts(http.Request.ContentType))
        {
            return await BinaryBatchSubmit.SubmitAsync(http, node, ct).ConfigureAwait(false);
        }

        var (document, error) = await ReadJsonAsync(http, node, $"send Content-Type: application/json or {SubmitBatchFormat.RequestContentType}", ct).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        using (document)
        {
            var root = document!.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                return ApiError.BadRequest("not_an_array", "the body must be a JSON array of {namespace, payload}");
            }

            if (root.GetArrayLength() > node.Limits.BatchSubmitMax)
            {
                return ApiError.BatchTooLarge(node.Limits);
            }

            var parsed = root.EnumerateArray().Select(element => Parse(element, node)).ToList();
            var valid = parsed.Where(p => p.Transaction is not null).Select(p => p.Transaction!).ToList();
            var statuses = valid.Count == 0 ? [] : await node.SubmitManyAsync(valid, ct).ConfigureAwait(false);
            var results = new List<object>(parsed.Count);
            var next = 0;
            foreach (var (transaction, _, code, message) in parsed)
            {
                if (transaction is null)
                {
                    results.Add(new { error = new { code, message } });
                    continue;
                }

                var status = statuses[next++];
                results.Add(status == SubmitStatus.Busy
                    ? new { error = new { code = "busy", message = "the mempool is full; retry later" } }
                    : new { hash = transaction.Hash.ToHex(), duplicate = status == SubmitStatus.Duplicate });
            }

            return Results.Json(results);
        }
    }

    internal static async Task<(JsonDocument? Document, IResult? Error)> ReadJsonAsync(HttpContext http, IValidatorApi node, string unsupportedMessage, CancellationToken ct)
    {
        if (http.Request.ContentType is not { } contentType)
        {
            return (null, ApiError.Of(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", $"no Content-Type header: {unsupportedMessage}"));
        }

        if (!contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, ApiError.Of(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", $"this endpoint does not take that Content-Type: {unsupportedMessage}"));
        }

        if (http.Request.ContentLength > node.Limits.RequestBytesMax)
        {
            return (null, ApiError.BodyTooLarge(node.Limits));
        }

        if (await IsEmptyAsync(http.Request, ct).ConfigureAwait(false))
        {
            return (null, ApiError.BadRequest("empty_body", "the request body is empty"));
        }

        try
        {
            return (await JsonDocument.ParseAsync(http.Request.Body, DocumentOptions, ct).ConfigureAwait(false), null);
        }
        catch (JsonException e)
        {
            // The parser's own message names its internals (token types, byte positions from zero); a client needs
            // only where its text went wrong.
            return (null, ApiError.BadRequest("malformed_json", e.LineNumber is { } line && e.BytePositionInLine is { } position
                ? $"malformed JSON at line {line + 1}, position {position + 1}"
                : "the request body is not valid JSON"));
        }
    }

    /// <summary>
    /// True when the body has no bytes at all. A chunked body has no Content-Length, so this peeks at the body pipe and
    /// hands back what it saw unconsumed for the parser.
    /// </summary>
    private static async Task<bool> IsEmptyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength is { } length)
        {
            return length == 0;
        }

        var read = await request.BodyReader.ReadAsync(ct).ConfigureAwait(false);
        request.BodyReader.AdvanceTo(read.Buffer.Start);
        return read.Buffer.IsEmpty && read.IsCompleted;
    }

    internal static (Transaction? Transaction, int Status, string? Code, string? Message) Parse(JsonElement element, IValidatorApi node, string payloadField = "payload")
    {
        var limits = node.Limits;
        if (element.ValueKind != JsonValueKind.Object)
        {
            return (null, 400, "not_an_object", $"a transaction is a JSON object {{namespace, {payloadField}}}");
        }

        foreach (var property in element.EnumerateObject())
        {
            if (property.Name != "namespace" && property.Name != payloadField)
            {
                return (null, 400, "unknown_field", $"unknown field \"{property.Name}\"");
            }
        }

        if (!element.TryGetProperty("namespace", out var nsElement))
        {
            return (null, 400, "missing_field", "missing field: namespace");
        }

        if (!element.TryGetProperty(payloadField, out var payloadElement))
        {
            return (null, 400, "missing_field", $"missing field: {payloadField}");
        }

        if (nsElement.ValueKind != JsonValueKind.Number || !nsElement.TryGetUInt64(out var ns))
        {
            return (null, 400, "bad_namespace", "\"namespace\" must be an unsigned 64-bit integer");
        }

        if (SystemNamespaces.IsReserved(ns))
        {
            return (null, 400, "reserved_namespace", $"namespaces from {SystemNamespaces.First} up are the chain's own (key generation)");
        }

        if (payloadElement.ValueKind != JsonValueKind.String)
        {
            return (null, 400, "bad_payload", $"\"{payloadField}\" must be a base64 string");
        }

        var text = payloadElement.GetString()!;
        if (text.Length > (limits.PayloadBytesMax + 2) / 3 * 4 + 4)
        {
            return (null, 413, "payload_too_large", $"payload above {limits.PayloadBytesMax} bytes");
        }

        byte[] payload;
        try
        {
            payload = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return (null, 400, "bad_base64", $"\"{payloadField}\" is not valid base64");
        }

        if (payload.Length > limits.PayloadBytesMax)
        {
            return (null, 413, "payload_too_large", $"payload above {limits.PayloadBytesMax} bytes");
        }

        if (EncryptedSubmission.Check(node, ns, payload) is { } refused)
        {
            return (null, refused.Status, refused.Code, refused.Message);
        }

        return (new Transaction(ns, payload), 200, null, null);
    }
}

using System.Text.Json;
using Fairway.Core.Chain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Fairway.Api;

/// <summary>The v1 HTTP endpoints a rollup, a client or an operator uses.</summary>
public static class ApiEndpoints
{
    public static void Map(WebApplication app, IValidatorApi node)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(node);

        app.UseExceptionHandler(errorApp => errorApp.Run(async context =>
        {
            var failure = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            var (status, code) = failure is BadHttpRequestException bad
                ? (bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "too_large" : "bad_request")
                : (StatusCodes.Status500InternalServerError, "internal");
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            var message = status == StatusCodes.Status500InternalServerError ? "internal error" : failure?.Message ?? "bad request";
            await context.Response.WriteAsync(JsonSerializer.Serialize(new { error = new { code, message } })).ConfigureAwait(false);
        }));

        app.MapPost("/v1/submit", (HttpContext http, CancellationToken ct) => SubmitAsync(http, node, ct));
        app.MapGet("/v1/node/block-height", () => Results.Json(node.CommittedHeight));
        app.MapGet("/v1/availability/block/{height}", (string height) => GetBlock(node, height));
        app.MapGet("/v1/status/metrics", () => Results.Text(node.RenderMetrics(), "text/plain; version=0.0.4; charset=utf-8"));
        app.MapFallback(() => ApiError.NotFound("no such endpoint"));
    }

    private static async Task<IResult> SubmitAsync(HttpContext http, IValidatorApi node, CancellationToken ct)
    {
        if (http.Request.ContentType is not { } contentType || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return ApiError.Of(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "send application/json");
        }

        if (http.Request.ContentLength > node.Limits.RequestBytesMax)
        {
            return ApiError.Of(StatusCodes.Status413PayloadTooLarge, "too_large", $"request body above {node.Limits.RequestBytesMax} bytes");
        }

        SubmitRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<SubmitRequest>(http.Request.Body, SubmitRequest.JsonOptions, ct).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            return ApiError.BadRequest("malformed_json", e.Message);
        }

        if (request?.Namespace is not { } ns || request.Payload is not { } payloadText)
        {
            return ApiError.BadRequest("missing_field", "both \"namespace\" (a u64) and \"payload\" (base64) are required");
        }

        byte[] payload;
        try
        {
            payload = Convert.FromBase64String(payloadText);
        }
        catch (FormatException)
        {
            return ApiError.BadRequest("bad_base64", "\"payload\" is not valid base64");
        }

        if (payload.Length > node.Limits.PayloadBytesMax)
        {
            return ApiError.Of(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"payload above {node.Limits.PayloadBytesMax} bytes");
        }

        var outcome = await node.SubmitAsync(new Transaction(ns, payload), ct).ConfigureAwait(false);
        return outcome.Status == SubmitStatus.Busy
            ? ApiError.Of(StatusCodes.Status429TooManyRequests, "busy", "the mempool is full; retry later")
            : Results.Json(new { hash = outcome.Hash.ToHex(), duplicate = outcome.Status == SubmitStatus.Duplicate });
    }

    private static IResult GetBlock(IValidatorApi node, string heightText)
    {
        if (!ulong.TryParse(heightText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var height) || height == 0)
        {
            return ApiError.BadRequest("bad_height", "height is a positive integer");
        }

        if (node.GetCommitted(height) is not { } committed)
        {
            return ApiError.NotFound($"no committed block at height {height} (committed height is {node.CommittedHeight})");
        }

        var block = committed.Block;
        return Results.Json(new
        {
            height = block.Height,
            hash = block.Hash.ToHex(),
            parent = block.ParentHash.ToHex(),
            round = block.Round,
            author = block.Author,
            timestamp_ms = block.TimestampMs,
            batches = block.BatchDigests.Count,
            transactions = committed.Transactions.Count,
            qc = new { round = committed.Certificate.Round, signers = committed.Certificate.Signatures.Select(s => (int)s.Signer) },
        });
    }
}

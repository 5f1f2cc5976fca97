using Microsoft.AspNetCore.Http;

namespace Fairway.Api;

/// <summary>Every error the API returns: <c>{"error": {"code", "message"}}</c> with a matching HTTP status, never a stack trace.</summary>
public static class ApiError
{
    public static IResult Of(int status, string code, string message) =>
        Results.Json(new { error = new { code, message } }, statusCode: status);

    public static IResult BadRequest(string code, string message) => Of(StatusCodes.Status400BadRequest, code, message);

    public static IResult NotFound(string message) => Of(StatusCodes.Status404NotFound, "not_found", message);

    /// <summary>How long a client told to back off (429) should wait, in seconds: the mempool drains, and the rate limit refills, within about one.</summary>
    public const int RetryAfterSeconds = 1;

    /// <summary>
    /// The node is full (its mempool, or what a stage behind it can take): a quick refusal with <c>Retry-After</c>, so a
    /// client backs off instead of the node queueing without bound.
    /// </summary>
    public static IResult Busy(string? message = null) =>
        new WithRetryAfter(Of(StatusCodes.Status429TooManyRequests, "busy", message ?? "the mempool is full; retry later"));

    /// <summary>
    /// A submission refused by admission control. A low disk is 503, not 429: it lasts until an operator frees space,
    /// so no Retry-After; the client should take its work to another validator.
    /// </summary>
    public static IResult Refused(SubmitRefusal? refusal) => refusal is { DiskFull: true }
        ? Of(StatusCodes.Status503ServiceUnavailable, "disk_full", refusal.Message)
        : Busy(refusal?.Message);

    private sealed class WithRetryAfter(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }

    /// <summary>A request body above the node's limit (both submit forms).</summary>
    public static IResult BodyTooLarge(ApiLimits limits) =>
        Of(StatusCodes.Status413PayloadTooLarge, "too_large", $"request body above {limits.RequestBytesMax} bytes");

    /// <summary>A batch submission with more transactions than the node takes at once (both submit forms).</summary>
    public static IResult BatchTooLarge(ApiLimits limits) =>
        Of(StatusCodes.Status413PayloadTooLarge, "batch_too_large", $"at most {limits.BatchSubmitMax} transactions per batch");
}

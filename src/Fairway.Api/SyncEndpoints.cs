using System.Globalization;
using Fairway.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Fairway.Api;

/// <summary>
/// <c>GET /v1/sync/block/{height}?wait_ms=N</c>: one firm height, whole (<see cref="FirmBlock"/>), for a full node that
/// follows this one. Asked for the next height before it is firm, the request waits for it (at most
/// <see cref="WaitMsMax"/>), so a follower needs no polling loop and learns of each height as soon as it is firm here.
/// </summary>
internal static class SyncEndpoints
{
    public const int WaitMsMax = 10_000;

    /// <summary>
    /// Heights encoded at once, across all clients: each reads a whole block and its batches from the chain store, so
    /// followers (a handful per node) are served and a flood of old heights cannot take the node's disk and memory.
    /// </summary>
    public const int ConcurrentReadsMax = 4;

    private static readonly SemaphoreSlim Reads = new(ConcurrentReadsMax, ConcurrentReadsMax);

    public static void Map(WebApplication app, IValidatorApi node) =>
        app.MapGet("/v1/sync/block/{height}", (string height, string? wait_ms, CancellationToken ct) => GetAsync(node, height, wait_ms, ct));

    private static async Task<IResult> GetAsync(IValidatorApi node, string heightText, string? waitText, CancellationToken ct)
    {
        if (!ulong.TryParse(heightText, NumberStyles.None, CultureInfo.InvariantCulture, out var height) || height == 0)
        {
            return ApiError.BadRequest("bad_height", "height must be a positive integer");
        }

        var waitMs = 0;
        if (waitText is not null && (!int.TryParse(waitText, NumberStyles.None, CultureInfo.InvariantCulture, out waitMs) || waitMs > WaitMsMax))
        {
            return ApiError.BadRequest("bad_wait", $"wait_ms must be an integer from 0 to {WaitMsMax}");
        }

        if (height > node.Query.IndexedHeight && waitMs > 0)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(waitMs);
            try
            {
                await node.WaitForHeightAsync(height, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
            }
        }

        if (height > node.Query.IndexedHeight)
        {
            return ApiError.Of(StatusCodes.Status404NotFound, "not_firm_yet", $"height {height} is not firm here yet (firm up to {node.Query.IndexedHeight}); ask again");
        }

        if (!await Reads.WaitAsync(0, ct).ConfigureAwait(false))
        {
            return ApiError.Busy($"{ConcurrentReadsMax} heights are being read for followers already; retry later");
        }

        try
        {
            return node.FirmBlockBytes(height) is { } bytes
                ? Results.Bytes(bytes, FirmBlock.ContentType)
                : ApiError.NotFound($"this node does not serve height {height} for sync");
        }
        finally
        {
            Reads.Release();
        }
    }
}

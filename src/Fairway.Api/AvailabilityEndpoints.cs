using Fairway.Storage.Query;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Fairway.Api;

/// <summary>Committed data: headers, blocks, a namespace's transactions with proofs, and transactions by hash.</summary>
internal static class AvailabilityEndpoints
{
    public static void Map(WebApplication app, IValidatorApi node)
    {
        app.MapGet("/v1/availability/header/{height}", (string height) => WithBlock(node, height, c => Results.Json(ApiJson.Header(c))));
        app.MapGet("/v1/availability/block/{height}", (string height) => WithBlock(node, height, c => Results.Json(ApiJson.Block(c))));
        app.MapGet("/v1/availability/block/{height}/namespace/{ns}", (string height, string ns) => GetNamespace(node, height, ns));
        app.MapGet("/v1/availability/block/{from}/{until}/namespace/{ns}", (string from, string until, string ns) => GetNamespaceRange(node, from, until, ns));
        app.MapGet("/v1/availability/transaction/hash/{hash}", (string hash) => GetTransaction(node, hash));
    }

    private static IResult WithBlock(IValidatorApi node, string heightText, Func<Storage.CommittedBlock, IResult> answer)
    {
        if (!ApiEndpoints.TryParseHeight(heightText, out var height))
        {
            return ApiError.BadRequest("bad_height", "a height is a positive integer");
        }

        return node.Query.GetBlock(height) is { } committed
            ? answer(committed)
            : ApiError.NotFound($"no committed block at height {height} (committed height is {node.Query.IndexedHeight})");
    }

    /// <summary>The namespace JSON for one height, or null when the height is not committed yet.</summary>
    internal static object? NamespaceAt(IValidatorApi node, ulong height, ulong ns)
    {
        if (node.Blocks.Get(height) is not { } cached)
        {
            return null;
        }

        // From the cached block rather than the index: the stream asks for the same fresh heights over and over.
        return ApiJson.Namespace(cached.Committed, cached.Proofs, IndexedTransaction.InNamespace(cached.Committed, ns), ns);
    }

    private static IResult GetNamespace(IValidatorApi node, string heightText, string nsText)
    {
        if (!ApiEndpoints.TryParseHeight(heightText, out var height))
        {
            return ApiError.BadRequest("bad_height", "a height is a positive integer");
        }

        if (!ApiEndpoints.TryParseNamespace(nsText, out var ns))
        {
            return ApiError.BadRequest("bad_namespace", "a namespace is an unsigned 64-bit integer");
        }

        return NamespaceAt(node, height, ns) is { } json
            ? Results.Json(json)
            : ApiError.NotFound($"no committed block at height {height} (committed height is {node.Query.IndexedHeight})");
    }

    private static IResult GetNamespaceRange(IValidatorApi node, string fromText, string untilText, string nsText)
    {
        if (!ApiEndpoints.TryParseHeight(fromText, out var from) || !ApiEndpoints.TryParseHeight(untilText, out var until) || until <= from)
        {
            return ApiError.BadRequest("bad_range", "from and until are positive heights with from < until (until is exclusive)");
        }

        if (until - from > (ulong)node.Limits.RangeLengthMax)
        {
            return ApiError.BadRequest("range_too_long", $"at most {node.Limits.RangeLengthMax} heights per request");
        }

        if (!ApiEndpoints.TryParseNamespace(nsText, out var ns))
        {
            return ApiError.BadRequest("bad_namespace", "a namespace is an unsigned 64-bit integer");
        }

        if (until - 1 > node.Query.IndexedHeight)
        {
            return ApiError.NotFound($"the range ends beyond the committed height {node.Query.IndexedHeight}");
        }

        var blocks = new List<object>();
        for (var h = from; h < until; h++)
        {
            blocks.Add(NamespaceAt(node, h, ns)!);
        }

        return Results.Json(new { from, until, @namespace = ns, blocks });
    }

    private static IResult GetTransaction(IValidatorApi node, string hashText)
    {
        if (!ApiEndpoints.TryParseHash(hashText, out var hash))
        {
            return ApiError.BadRequest("bad_hash", "a transaction hash is 64 hex characters");
        }

        if (node.Query.FindTransaction(hash) is not { } found || node.Blocks.Get(found.Height) is not { } cached)
        {
            return ApiError.NotFound("no committed transaction with that hash");
        }

        return Results.Json(ApiJson.TransactionWithProof(found, cached.Committed, cached.Proofs));
    }
}

using Fairway.Core.Chain;
using System.Buffers;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Microsoft.AspNetCore.Http;

namespace Fairway.Api;

/// <summary>
/// <c>POST /v1/submit/batch</c> in its binary form (<see cref="SubmitBatchFormat"/>): no base64 and no JSON per
/// transaction. Unlike the JSON form, a bad record refuses the whole batch, before anything is submitted.
/// </summary>
internal static class BinaryBatchSubmit
{
    private const int FirstReadBytes = 64 * 1024;

    /// <summary>True for the binary request type, with or without parameters; the answer type is not a request type.</summary>
    public static bool Accepts(string? contentType)
    {
        if (contentType is null)
        {
            return false;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var mediaType = (semicolon < 0 ? contentType : contentType[..semicolon]).Trim();
        return mediaType.Equals(SubmitBatchFormat.RequestContentType, StringComparison.OrdinalIgnoreCase);
    }

    public static async Task<IResult> SubmitAsync(HttpContext http, IValidatorApi node, CancellationToken ct)
    {
        var limits = node.Limits;
        if (http.Request.ContentLength > limits.RequestBytesMax)
        {
            return ApiError.BodyTooLarge(limits);
        }

        var (buffer, length) = await ReadBoundedAsync(http.Request.Body, http.Request.ContentLength, limits.RequestBytesMax, ct).ConfigureAwait(false);
        SubmitBatchDecoded decoded;
        try
        {
            if (length > limits.RequestBytesMax)
            {
                return ApiError.BodyTooLarge(limits);
            }

            decoded = SubmitBatchFormat.DecodeRequest(buffer.AsSpan(0, length), limits.PayloadBytesMax, limits.BatchSubmitMax);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        switch (decoded.Fault)
        {
            case SubmitBatchFault.Truncated:
                return ApiError.BadRequest("malformed_batch", decoded.Message!);
            case SubmitBatchFault.PayloadTooLarge:
                return ApiError.Of(StatusCodes.Status413PayloadTooLarge, "payload_too_large", decoded.Message!);
            case SubmitBatchFault.TooManyRecords:
                return ApiError.BatchTooLarge(limits);
        }

        var transactions = decoded.Transactions;
        if (transactions.FirstOrDefault(t => SystemNamespaces.IsReserved(t.Namespace)) is { } reserved)
        {
            return ApiError.BadRequest("reserved_namespace", $"namespace {reserved.Namespace} is the chain's own (key generation); nothing was submitted");
        }

        foreach (var tx in transactions)
        {
            if (EncryptedSubmission.Check(node, tx.Namespace, tx.Payload.Span) is { } refused)
            {
                return ApiError.Of(refused.Status, refused.Code, $"transaction {tx.Hash.ToHex()[..16]}: {refused.Message}; nothing was submitted");
            }
        }

        var statuses = transactions.Count == 0 ? [] : await node.SubmitManyAsync(transactions, ct).ConfigureAwait(false);
        var results = new (SubmitBatchStatus, Hash)[transactions.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = (Wire(statuses[i]), transactions[i].Hash);
        }

        return Results.Bytes(SubmitBatchFormat.EncodeResults(results), SubmitBatchFormat.ResultContentType);
    }

    private static SubmitBatchStatus Wire(SubmitStatus status) => status switch
    {
        SubmitStatus.Accepted => SubmitBatchStatus.Accepted,
        SubmitStatus.Duplicate => SubmitBatchStatus.Duplicate,
        _ => SubmitBatchStatus.Busy,
    };

    /// <summary>
    /// Reads the body into a pooled buffer holding at most <paramref name="max"/> + 1 bytes: the one byte more tells
    /// a body over the limit from one exactly at it without buffering the rest. A declared length sizes the buffer
    /// once; without one (chunked) it doubles as data arrives. The caller returns the buffer to the pool.
    /// </summary>
    private static async Task<(byte[] Buffer, int Length)> ReadBoundedAsync(Stream body, long? contentLength, int max, CancellationToken ct)
    {
        var cap = max + 1L;
        var size = (int)Math.Min(cap, contentLength is { } declared ? declared + 1 : FirstReadBytes);
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == size)
                {
                    if (size == cap)
                    {
                        return (buffer, length);
                    }

                    size = (int)Math.Min(cap, size * 2L);
                    var larger = ArrayPool<byte>.Shared.Rent(size);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await body.ReadAsync(buffer.AsMemory(length, size - length), ct).ConfigureAwait(false);
                if (read == 0)
                {
                    return (buffer, length);
                }

                length += read;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}

using System.Buffers.Binary;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Core.Encoding;

/// <summary>
/// The binary form of <c>POST /v1/submit/batch</c>, shared by the node and its clients. It exists because JSON with
/// base64 payloads cost more per transaction, on both ends, than the rest of the ingress.
/// Request: zero or more records <c>u64 namespace (LE) | u32 payload length (LE) | payload</c>.
/// Answer: one record per transaction, in request order, <c>u8 status | 32-byte transaction hash</c>.
/// </summary>
public static class SubmitBatchFormat
{
    public const string RequestContentType = "application/vnd.fairway.batch";

    public const string ResultContentType = "application/vnd.fairway.batch-result";

    public const int RecordHeaderBytes = sizeof(ulong) + sizeof(uint);

    public const int ResultRecordBytes = 1 + Hash.Size;

    public static int RecordBytes(int payloadLength) => RecordHeaderBytes + payloadLength;

    /// <summary>
    /// Writes a record's header only; the caller puts the payload in the next <paramref name="payloadLength"/> bytes,
    /// so a load generator can build payloads in place instead of copying them.
    /// </summary>
    public static void WriteRecordHeader(Span<byte> destination, ulong @namespace, int payloadLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        BinaryPrimitives.WriteUInt64LittleEndian(destination, @namespace);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[sizeof(ulong)..], (uint)payloadLength);
    }

    /// <summary>Writes one whole record and returns its size.</summary>
    public static int WriteRecord(Span<byte> destination, ulong @namespace, ReadOnlySpan<byte> payload)
    {
        WriteRecordHeader(destination, @namespace, payload.Length);
        payload.CopyTo(destination[RecordHeaderBytes..]);
        return RecordBytes(payload.Length);
    }

    public static byte[] EncodeRequest(IReadOnlyList<(ulong Namespace, ReadOnlyMemory<byte> Payload)> transactions)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        long size = 0;
        foreach (var (_, payload) in transactions)
        {
            size += RecordBytes(payload.Length);
        }

        if (size > Array.MaxLength)
        {
            throw new ArgumentException($"a batch of {size} bytes does not fit in one request", nameof(transactions));
        }

        var body = new byte[size];
        var position = 0;
        foreach (var (ns, payload) in transactions)
        {
            position += WriteRecord(body.AsSpan(position), ns, payload.Span);
        }

        return body;
    }

    /// <summary>
    /// Decodes a request body. The whole body is checked before any transaction is made, so a bad record anywhere
    /// refuses the batch as a whole and nothing of it is allocated; the first fault in record order is reported.
    /// </summary>
    public static SubmitBatchDecoded DecodeRequest(ReadOnlySpan<byte> body, int payloadBytesMax, int recordsMax)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadBytesMax);
        ArgumentOutOfRangeException.ThrowIfNegative(recordsMax);
        var payloadMax = Math.Min(payloadBytesMax, Limits.TransactionPayloadBytesMax);
        var count = 0;
        var position = 0;
        while (position < body.Length)
        {
            if (count == recordsMax)
            {
                return SubmitBatchDecoded.Refused(SubmitBatchFault.TooManyRecords, $"at most {recordsMax} transactions per batch");
            }

            var remaining = body.Length - position;
            if (remaining < RecordHeaderBytes)
            {
                return SubmitBatchDecoded.Refused(SubmitBatchFault.Truncated,
                    $"record {count} at byte {position} is truncated: its header needs {RecordHeaderBytes} bytes, {remaining} left");
            }

            var length = BinaryPrimitives.ReadUInt32LittleEndian(body[(position + sizeof(ulong))..]);
            if (length > (uint)payloadMax)
            {
                return SubmitBatchDecoded.Refused(SubmitBatchFault.PayloadTooLarge,
                    $"record {count} at byte {position}: payload of {length} bytes, at most {payloadMax}");
            }

            if (length > (uint)(remaining - RecordHeaderBytes))
            {
                return SubmitBatchDecoded.Refused(SubmitBatchFault.Truncated,
                    $"record {count} at byte {position} is truncated: payload of {length} bytes, {remaining - RecordHeaderBytes} left");
            }

            position += RecordBytes((int)length);
            count++;
        }

        var transactions = new Transaction[count];
        position = 0;
        for (var i = 0; i < count; i++)
        {
            var ns = BinaryPrimitives.ReadUInt64LittleEndian(body[position..]);
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(body[(position + sizeof(ulong))..]);
            transactions[i] = Transaction.FromOwned(ns, body.Slice(position + RecordHeaderBytes, length).ToArray());
            position += RecordBytes(length);
        }

        return new SubmitBatchDecoded(transactions, SubmitBatchFault.None, null);
    }

    public static void WriteResult(Span<byte> destination, SubmitBatchStatus status, Hash hash)
    {
        destination[0] = (byte)status;
        hash.CopyTo(destination[1..ResultRecordBytes]);
    }

    public static byte[] EncodeResults(IReadOnlyList<(SubmitBatchStatus Status, Hash Hash)> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var body = new byte[results.Count * ResultRecordBytes];
        for (var i = 0; i < results.Count; i++)
        {
            WriteResult(body.AsSpan(i * ResultRecordBytes), results[i].Status, results[i].Hash);
        }

        return body;
    }

    /// <summary>Reads one answer record; an unknown status is an <see cref="EncodingException"/>, not a guess.</summary>
    public static (SubmitBatchStatus Status, Hash Hash) ReadResult(ReadOnlySpan<byte> record)
    {
        if (record.Length < ResultRecordBytes)
        {
            throw new EncodingException($"truncated input: a batch result needs {ResultRecordBytes} bytes, {record.Length} left");
        }

        var status = record[0] switch
        {
            0 => SubmitBatchStatus.Accepted,
            1 => SubmitBatchStatus.Duplicate,
            2 => SubmitBatchStatus.Busy,
            var other => throw new EncodingException($"unknown batch result status {other}"),
        };
        return (status, new Hash(record[1..ResultRecordBytes]));
    }

    /// <summary>Decodes an answer that must hold exactly <paramref name="expectedCount"/> records.</summary>
    public static IReadOnlyList<(SubmitBatchStatus Status, Hash Hash)> DecodeResults(ReadOnlySpan<byte> body, int expectedCount)
    {
        if ((long)expectedCount * ResultRecordBytes != body.Length)
        {
            throw new EncodingException($"expected {expectedCount} batch results ({(long)expectedCount * ResultRecordBytes} bytes), got {body.Length} bytes");
        }

        var results = new (SubmitBatchStatus, Hash)[expectedCount];
        for (var i = 0; i < expectedCount; i++)
        {
            results[i] = ReadResult(body[(i * ResultRecordBytes)..]);
        }

        return results;
    }
}

/// <summary>What became of one transaction of a binary batch: its status byte on the wire.</summary>
public enum SubmitBatchStatus : byte
{
    Accepted = 0,
    Duplicate = 1,

    /// <summary>The mempool was full: not taken, retry later.</summary>
    Busy = 2,
}

/// <summary>Why a binary batch request was refused as a whole.</summary>
public enum SubmitBatchFault
{
    None,

    /// <summary>The body ends inside a record.</summary>
    Truncated,

    /// <summary>A record's payload length is above the limit.</summary>
    PayloadTooLarge,

    /// <summary>More records than a batch may hold.</summary>
    TooManyRecords,
}

/// <summary>A decoded request: its transactions in order, or the fault that refused it (and no transactions).</summary>
public sealed record SubmitBatchDecoded(IReadOnlyList<Transaction> Transactions, SubmitBatchFault Fault, string? Message)
{
    internal static SubmitBatchDecoded Refused(SubmitBatchFault fault, string message) => new([], fault, message);
}

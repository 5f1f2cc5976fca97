using System.Buffers.Binary;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Core.Tests;

public class SubmitBatchFormatTests
{
    private const int PayloadMax = 1024;
    private const int RecordsMax = 50;

    private static List<(ulong Namespace, ReadOnlyMemory<byte> Payload)> RandomBatch(Random random, int count)
    {
        var batch = new List<(ulong, ReadOnlyMemory<byte>)>();
        for (var i = 0; i < count; i++)
        {
            var payload = new byte[random.Next(4) == 0 ? 0 : random.Next(1, 200)];
            random.NextBytes(payload);
            batch.Add(((ulong)random.NextInt64() ^ ((ulong)random.Next() << 40), payload));
        }

        return batch;
    }

    [Fact]
    public void A_record_is_namespace_then_length_little_endian_then_the_payload()
    {
        var body = SubmitBatchFormat.EncodeRequest([(0x0102030405060708, new byte[] { 0xAA, 0xBB })]);

        Assert.Equal(new byte[] { 8, 7, 6, 5, 4, 3, 2, 1, 2, 0, 0, 0, 0xAA, 0xBB }, body);
    }

    [Fact]
    public void Requests_round_trip_in_order_with_empty_and_maximum_payloads()
    {
        var random = new Random(7031);
        for (var round = 0; round < 200; round++)
        {
            var batch = RandomBatch(random, random.Next(0, RecordsMax + 1));
            if (round == 0)
            {
                batch.Add((1, new byte[PayloadMax]));
                batch.Add((2, Array.Empty<byte>()));
            }

            var decoded = SubmitBatchFormat.DecodeRequest(SubmitBatchFormat.EncodeRequest(batch), PayloadMax, RecordsMax + 2);

            Assert.Equal(SubmitBatchFault.None, decoded.Fault);
            Assert.Equal(batch.Select(t => new Transaction(t.Namespace, t.Payload)), decoded.Transactions);
        }
    }

    [Fact]
    public void An_empty_body_is_an_empty_batch()
    {
        var decoded = SubmitBatchFormat.DecodeRequest([], PayloadMax, 0);

        Assert.Equal(SubmitBatchFault.None, decoded.Fault);
        Assert.Empty(decoded.Transactions);
    }

    [Fact]
    public void Every_cut_inside_a_record_is_refused_and_every_cut_between_records_decodes_the_prefix()
    {
        var batch = RandomBatch(new Random(99), 12);
        batch.Add((5, Array.Empty<byte>()));
        var body = SubmitBatchFormat.EncodeRequest(batch);
        var boundaries = new Dictionary<int, int> { [0] = 0 };
        var offset = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            offset += SubmitBatchFormat.RecordBytes(batch[i].Payload.Length);
            boundaries[offset] = i + 1;
        }

        for (var cut = 0; cut <= body.Length; cut++)
        {
            var decoded = SubmitBatchFormat.DecodeRequest(body.AsSpan(0, cut), PayloadMax, RecordsMax);
            if (boundaries.TryGetValue(cut, out var records))
            {
                Assert.Equal(SubmitBatchFault.None, decoded.Fault);
                Assert.Equal(records, decoded.Transactions.Count);
            }
            else
            {
                Assert.Equal(SubmitBatchFault.Truncated, decoded.Fault);
                Assert.Empty(decoded.Transactions);
                Assert.Contains("truncated", decoded.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void A_payload_length_over_the_limit_is_refused_even_when_the_bytes_are_there()
    {
        var body = SubmitBatchFormat.EncodeRequest([(1, new byte[10]), (2, new byte[PayloadMax + 1])]);

        var decoded = SubmitBatchFormat.DecodeRequest(body, PayloadMax, RecordsMax);

        Assert.Equal(SubmitBatchFault.PayloadTooLarge, decoded.Fault);
        Assert.Contains("record 1", decoded.Message, StringComparison.Ordinal);
        Assert.Empty(decoded.Transactions);
    }

    [Fact]
    public void A_huge_declared_length_is_refused_as_too_large_without_reading_past_the_body()
    {
        var body = new byte[SubmitBatchFormat.RecordHeaderBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(8), uint.MaxValue);

        Assert.Equal(SubmitBatchFault.PayloadTooLarge, SubmitBatchFormat.DecodeRequest(body, PayloadMax, RecordsMax).Fault);
    }

    [Fact]
    public void A_limit_above_what_a_transaction_can_hold_is_clamped_to_it()
    {
        var body = new byte[SubmitBatchFormat.RecordBytes(Limits.TransactionPayloadBytesMax + 1)];
        SubmitBatchFormat.WriteRecordHeader(body, 1, Limits.TransactionPayloadBytesMax + 1);

        Assert.Equal(SubmitBatchFault.PayloadTooLarge, SubmitBatchFormat.DecodeRequest(body, int.MaxValue, RecordsMax).Fault);
    }

    [Fact]
    public void More_records_than_the_limit_are_refused_and_exactly_the_limit_is_not()
    {
        var batch = RandomBatch(new Random(5), RecordsMax + 1);

        var atLimit = SubmitBatchFormat.DecodeRequest(SubmitBatchFormat.EncodeRequest(batch[..RecordsMax]), PayloadMax, RecordsMax);
        var over = SubmitBatchFormat.DecodeRequest(SubmitBatchFormat.EncodeRequest(batch), PayloadMax, RecordsMax);

        Assert.Equal(SubmitBatchFault.None, atLimit.Fault);
        Assert.Equal(RecordsMax, atLimit.Transactions.Count);
        Assert.Equal(SubmitBatchFault.TooManyRecords, over.Fault);
        Assert.Empty(over.Transactions);
    }

    [Fact]
    public void The_first_fault_in_record_order_is_the_one_reported()
    {
        var body = SubmitBatchFormat.EncodeRequest([(1, new byte[PayloadMax + 1]), (2, new byte[3])]);

        Assert.Equal(SubmitBatchFault.PayloadTooLarge, SubmitBatchFormat.DecodeRequest(body.AsSpan(0, body.Length - 1), PayloadMax, RecordsMax).Fault);
        Assert.Equal(SubmitBatchFault.Truncated, SubmitBatchFormat.DecodeRequest(body.AsSpan(0, 5), PayloadMax, RecordsMax).Fault);
    }

    [Fact]
    public void Results_round_trip_as_33_byte_records()
    {
        var results = new List<(SubmitBatchStatus, Hash)>
        {
            (SubmitBatchStatus.Accepted, Hash.Compute([1])),
            (SubmitBatchStatus.Duplicate, Hash.Compute([2])),
            (SubmitBatchStatus.Busy, Hash.Compute([3])),
        };

        var body = SubmitBatchFormat.EncodeResults(results);

        Assert.Equal(3 * 33, body.Length);
        Assert.Equal(2, body[66]);
        Assert.Equal(Hash.Compute([2]).ToArray(), body[34..66]);
        Assert.Equal(results, SubmitBatchFormat.DecodeResults(body, 3));
    }

    [Fact]
    public void A_result_body_of_the_wrong_size_or_with_an_unknown_status_is_refused()
    {
        var body = SubmitBatchFormat.EncodeResults([(SubmitBatchStatus.Accepted, Hash.Compute([1])), (SubmitBatchStatus.Accepted, Hash.Compute([2]))]);

        for (var cut = 0; cut < body.Length; cut++)
        {
            Assert.Throws<EncodingException>(() => SubmitBatchFormat.DecodeResults(body.AsSpan(0, cut), 2));
        }

        Assert.Throws<EncodingException>(() => SubmitBatchFormat.DecodeResults(body, 1));
        body[33] = 3;
        Assert.Throws<EncodingException>(() => SubmitBatchFormat.DecodeResults(body, 2));
    }
}

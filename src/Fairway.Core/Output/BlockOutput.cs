using Fairway.Core.Chain;
using Fairway.Core.Encoding;

namespace Fairway.Core.Output;

/// <summary>Where an output transaction came from: the batch's position in the block and the transaction's index in that batch.</summary>
public readonly record struct OutputSource(int BatchPosition, int IndexInBatch);

/// <summary>
/// The ordered output of one committed block, as the ordering stage produced it: the transactions in output order
/// (namespaces ascending; each namespace in its policy's order), where each came from in the block's batches, and the
/// header that commits to them. Stores keep <see cref="Sources"/> so they can rebuild the output from the batches
/// without ordering anything again.
/// </summary>
public sealed class BlockOutput
{
    public BlockOutput(OutputHeader header, IReadOnlyList<Transaction> transactions, IReadOnlyList<OutputSource> sources)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(transactions);
        ArgumentNullException.ThrowIfNull(sources);
        if (transactions.Count != sources.Count || transactions.Count != header.TransactionCount)
        {
            throw new ArgumentException($"{transactions.Count} transactions, {sources.Count} sources, header counts {header.TransactionCount}");
        }

        Header = header;
        Transactions = transactions;
        Sources = sources;
    }

    public OutputHeader Header { get; }

    public IReadOnlyList<Transaction> Transactions { get; }

    public IReadOnlyList<OutputSource> Sources { get; }

    public ulong Height => Header.Height;

    /// <summary>The output rebuilt from the block's batches and stored sources, checked against the header's count.</summary>
    public static BlockOutput Rebuild(OutputHeader header, IReadOnlyList<Batch> batchesInBlockOrder, IReadOnlyList<OutputSource> sources)
    {
        ArgumentNullException.ThrowIfNull(batchesInBlockOrder);
        ArgumentNullException.ThrowIfNull(sources);
        var transactions = new Transaction[sources.Count];
        for (var i = 0; i < sources.Count; i++)
        {
            var (b, t) = sources[i];
            if ((uint)b >= (uint)batchesInBlockOrder.Count || (uint)t >= (uint)batchesInBlockOrder[b].Transactions.Count)
            {
                throw new InvalidDataException($"output of height {header?.Height}: source {i} ({b}, {t}) is outside the block's batches");
            }

            transactions[i] = batchesInBlockOrder[b].Transactions[t];
        }

        return new BlockOutput(header!, transactions, sources);
    }

    /// <summary>Sources as 8 bytes each (u32 batch position, u32 index in batch, little-endian).</summary>
    public static byte[] EncodeSources(IReadOnlyList<OutputSource> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var writer = new CanonicalWriter((sources.Count * 8) + 8);
        foreach (var s in sources)
        {
            writer.WriteU32((uint)s.BatchPosition);
            writer.WriteU32((uint)s.IndexInBatch);
        }

        return writer.ToArray();
    }

    public static OutputSource[] DecodeSources(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % 8 != 0)
        {
            throw new EncodingException($"output sources: {bytes.Length} bytes is not a multiple of 8");
        }

        var reader = new CanonicalReader(bytes);
        var sources = new OutputSource[bytes.Length / 8];
        for (var i = 0; i < sources.Length; i++)
        {
            var b = reader.ReadU32("source batch position");
            var t = reader.ReadU32("source index in batch");
            if (b >= Limits.BatchDigestsPerBlockMax || t >= Limits.TransactionsPerBatchMax)
            {
                throw new EncodingException($"output sources: ({b}, {t}) out of range");
            }

            sources[i] = new OutputSource((int)b, (int)t);
        }

        return sources;
    }
}

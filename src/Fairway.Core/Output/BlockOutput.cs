using Fairway.Core.Chain;
using Fairway.Core.Encoding;

namespace Fairway.Core.Output;

/// <summary>
/// Where an output transaction came from: the batch's position in the block and the transaction's index in that batch;
/// for a bundle's leg, the carrier's place and <see cref="Leg"/>, the leg's index in its bundle.
/// </summary>
public readonly record struct OutputSource(int BatchPosition, int IndexInBatch)
{
    /// <summary>Null for a transaction as submitted; otherwise the leg of the <see cref="Bundle"/> carried at this place.</summary>
    public int? Leg { get; init; }

    /// <summary>The transaction this source names in the block's batches, or why it names none.</summary>
    public Transaction Resolve(IReadOnlyList<Batch> batchesInBlockOrder)
    {
        ArgumentNullException.ThrowIfNull(batchesInBlockOrder);
        if ((uint)BatchPosition >= (uint)batchesInBlockOrder.Count || (uint)IndexInBatch >= (uint)batchesInBlockOrder[BatchPosition].Transactions.Count)
        {
            throw new InvalidDataException($"source ({BatchPosition}, {IndexInBatch}) is outside the block's batches");
        }

        var tx = batchesInBlockOrder[BatchPosition].Transactions[IndexInBatch];
        if (Leg is not { } leg)
        {
            return tx;
        }

        return Bundle.TryOpen(tx) is { } bundle && leg < bundle.Legs.Count
            ? bundle.Legs[leg]
            : throw new InvalidDataException($"source ({BatchPosition}, {IndexInBatch}) leg {leg} is not a leg of a bundle there");
    }
}

/// <summary>
/// An encrypted lane's position: the output carries a plaintext (or the fixed undecryptable entry) where the block's
/// batches carry <paramref name="Sealed"/>, the ciphertext transaction that was submitted and ordered.
/// <paramref name="Opening"/> is what opened it here (the decryption shares this validator combined, encoded), so a
/// client can open the ciphertext itself and see that the plaintext is its own; empty when no share was made.
/// </summary>
public readonly record struct RevealedEntry(int Position, Transaction Sealed, byte[] Opening);

/// <summary>A revealed position as a store keeps it: the plaintext and the opening, the ciphertext being in the batches.</summary>
public sealed record RevealedPlaintext(int Position, byte[] Payload, byte[] Opening);

/// <summary>
/// The ordered output of one committed block, as the ordering stage produced it: the transactions in output order
/// (namespaces ascending; each namespace in its policy's order), where each came from in the block's batches, and the
/// header that commits to them. Stores keep <see cref="Sources"/> so they can rebuild the output from the batches
/// without ordering anything again.
/// </summary>
public sealed class BlockOutput
{
    public BlockOutput(OutputHeader header, IReadOnlyList<Transaction> transactions, IReadOnlyList<OutputSource> sources)
        : this(header, transactions, sources, [])
    {
    }

    /// <param name="revealed">Positions whose transaction is a decryption of the sealed one the sources point at, ascending.</param>
    /// <param name="records">The transactions the ordering stage wrote itself, as one batch (author <see cref="Block.RecordAuthor"/>), or null.</param>
    public BlockOutput(
        OutputHeader header, IReadOnlyList<Transaction> transactions, IReadOnlyList<OutputSource> sources, IReadOnlyList<RevealedEntry> revealed, Batch? records = null)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(transactions);
        ArgumentNullException.ThrowIfNull(sources);
        if (transactions.Count != sources.Count || transactions.Count != header.TransactionCount)
        {
            throw new ArgumentException($"{transactions.Count} transactions, {sources.Count} sources, header counts {header.TransactionCount}");
        }

        ArgumentNullException.ThrowIfNull(revealed);
        for (var i = 0; i < revealed.Count; i++)
        {
            var position = revealed[i].Position;
            if ((uint)position >= (uint)transactions.Count || (i > 0 && position <= revealed[i - 1].Position)
                || revealed[i].Sealed.Namespace != transactions[position].Namespace)
            {
                throw new ArgumentException($"revealed entry {i} at position {position} is out of order, out of range or in another namespace", nameof(revealed));
            }
        }

        Header = header;
        Transactions = transactions;
        Sources = sources;
        Revealed = revealed;
        Records = records;
    }

    public OutputHeader Header { get; }

    public IReadOnlyList<Transaction> Transactions { get; }

    public IReadOnlyList<OutputSource> Sources { get; }

    /// <summary>The encrypted lane's positions, ascending; empty when the block carried no ciphertext.</summary>
    public IReadOnlyList<RevealedEntry> Revealed { get; }

    /// <summary>
    /// The records the ordering stage wrote into this output (auction results and settlements, express-lane bundles'
    /// transactions), as a batch sources name at the block's <see cref="Block.RecordPosition"/>; null when none.
    /// </summary>
    public Batch? Records { get; }

    public ulong Height => Header.Height;

    /// <summary>The transactions as submitted, in output order: the ciphertexts where the output reveals plaintexts.</summary>
    public IReadOnlyList<Transaction> SubmittedTransactions()
    {
        if (Revealed.Count == 0)
        {
            return Transactions;
        }

        var submitted = Transactions.ToArray();
        foreach (var entry in Revealed)
        {
            submitted[entry.Position] = entry.Sealed;
        }

        return submitted;
    }

    /// <summary>
    /// The bundles this output places, as their carriers, in the order of their first leg: what was submitted and
    /// ordered where the output shows legs. A function of the output alone (the legs re-encode to the carrier), so a
    /// restarted stage rebuilds its fair window from stored outputs.
    /// </summary>
    public IReadOnlyList<Transaction> BundleCarriers()
    {
        List<Transaction>? carriers = null;
        Dictionary<(int, int), SortedList<int, Transaction>>? legs = null;
        for (var i = 0; i < Sources.Count; i++)
        {
            if (Sources[i].Leg is { } leg)
            {
                legs ??= [];
                var key = (Sources[i].BatchPosition, Sources[i].IndexInBatch);
                if (!legs.TryGetValue(key, out var list))
                {
                    legs[key] = list = [];
                }

                list.TryAdd(leg, Transactions[i]);
            }
        }

        foreach (var list in legs?.Values ?? Enumerable.Empty<SortedList<int, Transaction>>())
        {
            (carriers ??= []).Add(Bundle.Create([.. list.Values]).Carrier);
        }

        return (IReadOnlyList<Transaction>?)carriers ?? [];
    }

    /// <summary>The output rebuilt from the block's batches and stored sources, checked against the header's count.</summary>
    /// <param name="revealed">The plaintexts stored for the encrypted lane's positions (<see cref="DecodeRevealed"/>).</param>
    public static BlockOutput Rebuild(
        OutputHeader header, IReadOnlyList<Batch> batchesInBlockOrder, IReadOnlyList<OutputSource> sources,
        IReadOnlyList<RevealedPlaintext>? revealed = null, Batch? records = null)
    {
        ArgumentNullException.ThrowIfNull(batchesInBlockOrder);
        ArgumentNullException.ThrowIfNull(sources);
        var transactions = new Transaction[sources.Count];
        for (var i = 0; i < sources.Count; i++)
        {
            try
            {
                transactions[i] = sources[i].Resolve(batchesInBlockOrder);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"output of height {header?.Height}: source {i}: {e.Message}", e);
            }
        }

        if (revealed is null || revealed.Count == 0)
        {
            return new BlockOutput(header!, transactions, sources, [], records);
        }

        var entries = new RevealedEntry[revealed.Count];
        for (var i = 0; i < revealed.Count; i++)
        {
            var (position, payload, opening) = revealed[i];
            if ((uint)position >= (uint)transactions.Length)
            {
                throw new InvalidDataException($"output of height {header?.Height}: revealed position {position} is outside the output");
            }

            var sealedTx = transactions[position];
            entries[i] = new RevealedEntry(position, sealedTx, opening);
            transactions[position] = Transaction.FromOwned(sealedTx.Namespace, payload);
        }

        return new BlockOutput(header!, transactions, sources, entries, records);
    }

    /// <summary>
    /// What a store keeps to rebuild the output from the block's batches: the sources (<see cref="EncodeSources"/>) and,
    /// when the output reveals ciphertexts or holds records, a trailer: each revealed position with its plaintext, then
    /// (only under <see cref="RecordsMagic"/>) the record batch's encoding, closed by the trailer's length and the magic
    /// (no source can hold either value, so a blob without a trailer still reads).
    /// </summary>
    public static byte[] EncodeLayout(BlockOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var sources = EncodeSources(output.Sources);
        if (output.Revealed.Count == 0 && output.Records is null)
        {
            return sources;
        }

        var writer = new CanonicalWriter(sources.Length + 64 + (output.Records?.Encoded.Length ?? 0));
        writer.WriteRaw(sources);
        writer.WriteCount(output.Revealed.Count);
        foreach (var entry in output.Revealed)
        {
            writer.WriteU32((uint)entry.Position);
            writer.WriteBytes(output.Transactions[entry.Position].Payload.Span);
            writer.WriteBytes(entry.Opening);
        }

        if (output.Records is { } records)
        {
            writer.WriteBytes(records.Encoded);
        }

        writer.WriteU32((uint)(writer.Length - sources.Length));
        writer.WriteU32(output.Records is null ? RevealedMagic : RecordsMagic);
        return writer.ToArray();
    }

    /// <summary>An opening holds at most one share per validator (131 bytes each) and a count.</summary>
    public const int OpeningBytesMax = (Validators.ValidatorSet.CountMax * 160) + 8;

    /// <summary>Closes a layout's trailer of revealed plaintexts; larger than any index in a batch, so never a source's.</summary>
    public const uint RevealedMagic = 0xFA1D_5EA1;

    /// <summary>Closes a layout's trailer of revealed plaintexts followed by the output's record batch.</summary>
    public const uint RecordsMagic = 0xFA1D_5EA2;

    /// <summary>The revealed plaintexts of a layout written by <see cref="EncodeLayout"/>; empty for a plain list of sources.</summary>
    public static List<RevealedPlaintext> DecodeRevealed(ReadOnlySpan<byte> layout) => DecodeTrailer(layout).Revealed;

    /// <summary>The record batch of a layout written by <see cref="EncodeLayout"/>, or null when the output holds no records.</summary>
    public static Batch? DecodeRecords(ReadOnlySpan<byte> layout) => DecodeTrailer(layout).Records;

    private static (List<RevealedPlaintext> Revealed, Batch? Records) DecodeTrailer(ReadOnlySpan<byte> layout)
    {
        var result = new List<RevealedPlaintext>();
        if (!HasTrailer(layout, out var trailerStart, out var magic))
        {
            return (result, null);
        }

        var reader = new CanonicalReader(layout[trailerStart..^8]);
        var count = reader.ReadCount(Limits.TransactionsPerBatchMax * Limits.BatchDigestsPerBlockMax, "revealed entries");
        for (var i = 0; i < count; i++)
        {
            var position = reader.ReadU32("revealed position");
            var payload = reader.ReadBytes(Limits.TransactionPayloadBytesMax, "revealed payload").ToArray();
            var opening = reader.ReadBytes(OpeningBytesMax, "revealed opening").ToArray();
            result.Add(new RevealedPlaintext((int)Math.Min(position, int.MaxValue), payload, opening));
        }

        Batch? records = null;
        if (magic == RecordsMagic)
        {
            var bytes = reader.ReadBytes(Limits.FrameBytesMax, "record batch");
            records = Batch.DecodeKeepingEncoding(bytes);
            if (records.Author != Block.RecordAuthor)
            {
                throw new EncodingException($"output layout: the record batch names author {records.Author}");
            }
        }

        reader.EnsureEnd("output layout trailer");
        return (result, records);
    }

    private static bool HasTrailer(ReadOnlySpan<byte> layout, out int trailerStart) => HasTrailer(layout, out trailerStart, out _);

    private static bool HasTrailer(ReadOnlySpan<byte> layout, out int trailerStart, out uint magic)
    {
        trailerStart = layout.Length;
        magic = layout.Length < 8 ? 0 : System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(layout[^4..]);
        if (magic is not (RevealedMagic or RecordsMagic))
        {
            return false;
        }

        var length = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(layout[^8..^4]);
        if (length > (uint)(layout.Length - 8))
        {
            throw new EncodingException($"output layout: a trailer of {length} bytes in {layout.Length}");
        }

        trailerStart = layout.Length - 8 - (int)length;
        return true;
    }

    /// <summary>
    /// Sources as 8 bytes each (u32 batch position, u32 index in batch, little-endian); a bundle leg's index carries
    /// the leg plus one in its top byte (indexes stay below 2^24, legs below <see cref="Bundle.LegsMax"/>, so below the
    /// trailer's magic).
    /// </summary>
    public static byte[] EncodeSources(IReadOnlyList<OutputSource> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var writer = new CanonicalWriter((sources.Count * 8) + 8);
        foreach (var s in sources)
        {
            writer.WriteU32((uint)s.BatchPosition);
            writer.WriteU32((uint)s.IndexInBatch | (s.Leg is { } leg ? (uint)(leg + 1) << LegShift : 0));
        }

        return writer.ToArray();
    }

    private const int LegShift = 24;

    public static OutputSource[] DecodeSources(ReadOnlySpan<byte> bytes)
    {
        if (HasTrailer(bytes, out var trailerStart))
        {
            bytes = bytes[..trailerStart];
        }

        if (bytes.Length % 8 != 0)
        {
            throw new EncodingException($"output sources: {bytes.Length} bytes is not a multiple of 8");
        }

        var reader = new CanonicalReader(bytes);
        var sources = new OutputSource[bytes.Length / 8];
        for (var i = 0; i < sources.Length; i++)
        {
            var b = reader.ReadU32("source batch position");
            var word = reader.ReadU32("source index in batch");
            var t = word & ((1u << LegShift) - 1);
            var legPlusOne = word >> LegShift;
            // Past the last batch come the inbox batch and the record batch (Block.WithRecords).
            if (b > Limits.BatchDigestsPerBlockMax + 1 || t >= Limits.TransactionsPerBatchMax || legPlusOne > Bundle.LegsMax)
            {
                throw new EncodingException($"output sources: ({b}, {word}) out of range");
            }

            sources[i] = new OutputSource((int)b, (int)t) { Leg = legPlusOne == 0 ? null : (int)legPlusOne - 1 };
        }

        return sources;
    }
}

using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Merkle;

namespace Fairway.Core.Chain;

/// <summary>
/// Transactions one validator received, packed and numbered by it. Validators exchange batches ahead of consensus;
/// blocks then order batches by <see cref="Digest"/>, so consensus carries 32 bytes per batch, not the transactions.
/// <para>
/// The digest is the hash of the batch's <see cref="BatchHeader"/>, whose namespace root commits to every transaction,
/// so a rollup can check one namespace's transactions against a block without fetching whole batches. The wire
/// encoding carries the header fields and the transactions, never the root: a decoded batch's root is always
/// recomputed from its transactions.
/// </para>
/// </summary>
public sealed class Batch : ICanonical
{
    public const byte Version = 1;

    private BatchHeader? _header;
    private byte[]? _encoded;

    public Batch(Hash chainId, ushort author, ulong sequence, IReadOnlyList<Transaction> transactions)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        var copy = transactions.ToArray();
        if (copy.Length > Limits.TransactionsPerBatchMax)
        {
            throw new ArgumentException($"at most {Limits.TransactionsPerBatchMax} transactions per batch", nameof(transactions));
        }

        ChainId = chainId;
        Author = author;
        Sequence = sequence;
        Transactions = copy;
    }

    public Hash ChainId { get; }

    public ushort Author { get; }

    /// <summary>The author's counter: its n-th batch. Distinct batches of one author never share a sequence.</summary>
    public ulong Sequence { get; }

    public IReadOnlyList<Transaction> Transactions { get; }

    /// <summary>The header: these fields, the transaction count and the namespaced Merkle root over the transactions (computed once).</summary>
    public BatchHeader Header => _header ??= new BatchHeader(
        ChainId, Author, Sequence, Transactions.Count, NamespacedMerkleTree.FromTransactions(Transactions).Root);

    /// <summary>SHA-256 of the canonical <see cref="Header"/>: the name blocks use for this batch.</summary>
    public Hash Digest => Header.Hash;

    /// <summary>
    /// The canonical encoding, computed once (or kept from the bytes it was decoded from). A batch is sent to every peer
    /// and written to the chain store and the query index: one encoding serves them all.
    /// </summary>
    public byte[] Encoded => _encoded ??= EncodeFields();

    /// <summary>Decodes a batch and keeps a copy of <paramref name="bytes"/> as its <see cref="Encoded"/> form.</summary>
    public static Batch DecodeKeepingEncoding(ReadOnlySpan<byte> bytes)
    {
        var batch = Canonical.Decode(bytes, Decode, "batch");
        // Decoding accepted exactly one canonical form and nothing after it, so these bytes are the batch's encoding.
        batch._encoded = bytes.ToArray();
        return batch;
    }

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (_encoded is { } encoded)
        {
            writer.WriteRaw(encoded);
            return;
        }

        EncodeFields(writer);
    }

    private byte[] EncodeFields()
    {
        var size = 64;
        foreach (var tx in Transactions)
        {
            size += tx.EncodedSize;
        }

        var writer = new CanonicalWriter(size);
        EncodeFields(writer);
        return writer.ToArray();
    }

    private void EncodeFields(CanonicalWriter writer)
    {
        writer.WriteU8(Version);
        writer.WriteHash(ChainId);
        writer.WriteU16(Author);
        writer.WriteU64(Sequence);
        writer.WriteCount(Transactions.Count);
        foreach (var tx in Transactions)
        {
            tx.Encode(writer);
        }
    }

    public static Batch Decode(ref CanonicalReader reader)
    {
        reader.ExpectVersion(Version, "batch");
        var chainId = reader.ReadHash("batch chain id");
        var author = reader.ReadU16("batch author");
        var sequence = reader.ReadU64("batch sequence");
        var count = reader.ReadCount(Limits.TransactionsPerBatchMax, "batch transactions");
        var transactions = new Transaction[count];
        for (var i = 0; i < count; i++)
        {
            transactions[i] = Transaction.Decode(ref reader);
        }

        return new Batch(chainId, author, sequence, transactions);
    }

    public override string ToString() => $"Batch({Author}#{Sequence}, {Transactions.Count} txs, {Digest.ToHex()[..8]})";
}

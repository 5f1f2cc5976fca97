using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Core.Chain;

/// <summary>
/// Transactions one validator received, packed and numbered by it. Validators exchange batches ahead of consensus;
/// blocks then order batches by <see cref="Digest"/>, so consensus carries 32 bytes per batch, not the transactions.
/// </summary>
public sealed class Batch : ICanonical
{
    public const byte Version = 1;

    private Hash? _digest;

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

    /// <summary>SHA-256 of the canonical encoding: the name blocks use for this batch.</summary>
    public Hash Digest => _digest ??= Hash.Compute(Canonical.Encode(this));

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
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

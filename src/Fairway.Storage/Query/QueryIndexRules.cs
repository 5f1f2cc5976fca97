using Fairway.Core.Chain;

namespace Fairway.Storage.Query;

/// <summary>
/// Checks and conversions both query stores share, so the SQLite and PostgreSQL stores cannot drift apart.
/// Batch digests are deliberately not checked or recomputed here: how a digest is computed may change, and the index
/// only records what the chain committed, in the block's digest order.
/// </summary>
internal static class QueryIndexRules
{
    /// <summary>Argument checks that need no database; they run before anything is written.</summary>
    public static void CheckArguments(CommittedBlock committed, IReadOnlyList<Batch> batches)
    {
        ArgumentNullException.ThrowIfNull(committed);
        ArgumentNullException.ThrowIfNull(batches);
        if (committed.Height == 0)
        {
            throw new ArgumentException("the genesis block (height 0) is not indexed; heights start at 1", nameof(committed));
        }

        if (committed.Height > long.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(committed), committed.Height, "heights above 2^63-1 do not fit the index's signed 64-bit columns");
        }

        if (batches.Count != committed.Block.AllBatchDigests.Count)
        {
            throw new ArgumentException(
                $"block at height {committed.Height} orders {committed.Block.AllBatchDigests.Count} batches, {batches.Count} were given", nameof(batches));
        }

        // The index serves proofs against certified output headers only: an uncertified height is not firm yet.
        if (committed.OutputCertificate is not { } certificate || certificate.HeaderHash != committed.Output.Header.Hash)
        {
            throw new ArgumentException($"the output of height {committed.Height} is not certified; only firm heights are indexed", nameof(committed));
        }
    }

    /// <summary>Throws unless <paramref name="height"/> is the next one after <paramref name="indexedHeight"/>.</summary>
    public static void CheckContiguous(ulong height, ulong indexedHeight)
    {
        if (height != indexedHeight + 1)
        {
            throw new InvalidOperationException(
                $"cannot index height {height}: the index holds heights 1..{indexedHeight}, so the next must be {indexedHeight + 1}");
        }
    }

    /// <summary>Bytes of the block's transactions in their canonical encoding: the block size the API reports.</summary>
    public static long SizeBytes(IReadOnlyList<Transaction> transactions)
    {
        long size = 0;
        foreach (var tx in transactions)
        {
            size += tx.EncodedSize;
        }

        return size;
    }

    /// <summary>A height as a database key, or null when it cannot be stored (so it cannot be indexed either).</summary>
    public static long? HeightKey(ulong height) => height <= long.MaxValue ? (long)height : null;

    /// <summary>Namespaces are u64 identifiers compared only for equality, so they are stored bit-for-bit as i64.</summary>
    public static long NamespaceKey(ulong @namespace) => unchecked((long)@namespace);

    public static ulong NamespaceFromKey(long key) => unchecked((ulong)key);
}

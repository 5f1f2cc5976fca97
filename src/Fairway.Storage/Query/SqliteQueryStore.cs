using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Output;
using Microsoft.Data.Sqlite;

namespace Fairway.Storage.Query;

/// <summary>
/// The query index in one SQLite file (WAL, <c>synchronous=NORMAL</c>: see <see cref="SqliteQuerySchema"/>). One
/// connection behind one lock serves the single writer and the readers, like <see cref="SqliteChainStore"/>.
/// Blocks, certificates and batches are kept as their canonical encodings, and transactions only inside their batches:
/// a block's output is rebuilt from its batches and the output's stored sources, and a lookup by hash reads
/// the transaction's bytes straight out of its batch blob. Batch digests are never recomputed or compared here.
/// </summary>
public sealed class SqliteQueryStore : IQueryStore
{
    /// <summary>Keys gathered in memory before they are written to disk as one sorted generation.</summary>
    public const int KeyGenerationDefault = 131_072;

    /// <summary>Keys of a generation written per indexing call, so no call holds the lock for long.</summary>
    public const int KeySliceMax = 16_384;

    private readonly Lock _lock = new();
    private readonly PendingTransactionKeys _pendingKeys;
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _indexedHeight;
    private readonly SqliteCommand _insertBlock;
    private readonly SqliteCommand _insertBatch;
    private readonly SqliteCommand _insertKey;
    private readonly SqliteCommand _setKeyProgress;
    private readonly SqliteCommand _selectKeys;
    private readonly SqliteCommand _selectTransactionBytes;
    private readonly SqliteCommand _selectBlock;
    private readonly SqliteCommand _selectBatches;
    private bool _disposed;
    private ulong _indexedHeightCache;

    /// <param name="keyGeneration">Keys held in memory before a sorted write to disk (tests use small values).</param>
    /// <param name="keySlice">Keys of a generation written per indexing call (tests use small values).</param>
    public SqliteQueryStore(string databasePath, int keyGeneration = KeyGenerationDefault, int keySlice = KeySliceMax)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keyGeneration, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(keySlice, 1);
        _pendingKeys = new PendingTransactionKeys(keyGeneration, Math.Min(keySlice, keyGeneration));
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        var fullPath = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);

        // No pooling: Dispose must really close the file, so a reopen reads what is on disk.
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString();
        _connection = new SqliteConnection(connectionString);
        try
        {
            _connection.Open();
            SqliteQuerySchema.Apply(_connection);
            _indexedHeight = Prepare("SELECT COALESCE(MAX(height), 0) FROM blocks");
            _insertBlock = Prepare(
                "INSERT INTO blocks(height, hash, block, qc, tx_count, size_bytes, output, output_cert, sources) "
                + "VALUES ($height, $hash, $block, $qc, $count, $size, $output, $outputCert, $sources)");
            _insertBatch = Prepare("INSERT INTO batches(height, position, data) VALUES ($height, $position, $data)");
            // OR IGNORE: after a crash, the slices of a generation that reached the disk are written again.
            _insertKey = Prepare(
                "INSERT OR IGNORE INTO transaction_keys(key, height, idx, position, offset, length) VALUES ($key, $height, $idx, $position, $offset, $length)");
            _setKeyProgress = Prepare("UPDATE key_progress SET height = $height");
            _selectBlock = Prepare("SELECT block, qc, tx_count, output, output_cert, sources FROM blocks WHERE height = $height");
            _selectBatches = Prepare(
                "SELECT b.height, x.data FROM blocks b LEFT JOIN batches x ON x.height = b.height WHERE b.height = $height ORDER BY x.position");
            _selectKeys = Prepare("SELECT height, idx, position, offset, length FROM transaction_keys WHERE key = $key");
            // substr() on a blob counts bytes: only the transaction's encoding leaves SQLite.
            _selectTransactionBytes = Prepare(
                "SELECT substr(data, $offset + 1, $length) FROM batches WHERE height = $height AND position = $position");
            RebuildPendingKeys();
            _indexedHeightCache = ReadIndexedHeight();
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    /// <summary>Kept in memory (the store is the only writer of its file), so the API's frequent asks never wait on the lock.</summary>
    public ulong IndexedHeight
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return Interlocked.Read(ref _indexedHeightCache);
        }
    }

    public void Index(CommittedBlock committed, IReadOnlyList<Batch> batches) => IndexMany([new BlockToIndex(committed, batches)]);

    public void IndexMany(IReadOnlyList<BlockToIndex> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        foreach (var block in blocks)
        {
            ArgumentNullException.ThrowIfNull(block);
            QueryIndexRules.CheckArguments(block.Committed, block.Batches);
        }

        // Encoding and placing happen before the lock, so readers wait only for the inserts.
        var rows = blocks.Select(IndexRows.Of).ToList();
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var transaction = _connection.BeginTransaction();
            Enlist(transaction);
            try
            {
                var indexed = ReadIndexedHeight();
                foreach (var block in rows)
                {
                    if (block.Height <= indexed)
                    {
                        continue; // already indexed: a no-op, so an indexer may replay after a restart
                    }

                    QueryIndexRules.CheckContiguous(block.Height, indexed);
                    Insert(block);
                    indexed = block.Height;
                }

                WriteKeySlice();
                transaction.Commit();
                Interlocked.Exchange(ref _indexedHeightCache, indexed);
            }
            finally
            {
                Enlist(null);
            }
        }
    }

    public CommittedBlock? GetBlock(ulong height)
    {
        if (QueryIndexRules.HeightKey(height) is not { } key)
        {
            return null;
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return ReadBlock(height, key);
        }
    }

    public IReadOnlyList<Batch>? GetBatches(ulong height)
    {
        if (QueryIndexRules.HeightKey(height) is not { } key)
        {
            return null;
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // The block's inbox entries and the output's records are stored as batch blobs too (for lookups by hash); they
            // are no batch of the block.
            return ReadBatches(key)?.Where(b => b.Author is not (Block.InboxAuthor or Block.RecordAuthor)).ToList();
        }
    }

    public IReadOnlyList<IndexedTransaction>? GetNamespaceTransactions(ulong height, ulong @namespace) =>
        GetBlock(height) is { } block ? IndexedTransaction.InNamespace(block, @namespace) : null;

    public IndexedTransaction? FindTransaction(Hash hash)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var key = IndexRows.Key(hash);
            var candidates = new List<PendingTransactionKeys.KeyEntry>(_pendingKeys.Find(key));
            _selectKeys.Parameters["$key"].Value = key;
            using (var reader = _selectKeys.ExecuteReader())
            {
                while (reader.Read())
                {
                    candidates.Add(new PendingTransactionKeys.KeyEntry(
                        key, (ulong)reader.GetInt64(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4)));
                }
            }

            // The first location wins when one payload was committed twice; a row whose full hash differs only shares
            // the 8-byte key and is skipped.
            candidates.Sort(static (a, b) => a.Height != b.Height ? a.Height.CompareTo(b.Height) : a.Index.CompareTo(b.Index));
            foreach (var c in candidates)
            {
                _selectTransactionBytes.Parameters["$height"].Value = (long)c.Height;
                _selectTransactionBytes.Parameters["$position"].Value = c.Position;
                _selectTransactionBytes.Parameters["$offset"].Value = c.Offset;
                _selectTransactionBytes.Parameters["$length"].Value = c.Length;
                if (_selectTransactionBytes.ExecuteScalar() is not byte[] encoded || Hash.Compute(encoded) != hash)
                {
                    continue;
                }

                var tx = Canonical.Decode(encoded, Transaction.Decode, "indexed transaction");
                return new IndexedTransaction(tx, c.Height, c.Index);
            }

            return null;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            SqliteCommands.Close(Commands(), _connection);
        }
    }

    private void Insert(IndexRows block)
    {
        var height = (long)block.Height;
        _insertBlock.Parameters["$height"].Value = height;
        _insertBlock.Parameters["$hash"].Value = block.BlockHash;
        _insertBlock.Parameters["$block"].Value = block.BlockData;
        _insertBlock.Parameters["$qc"].Value = block.CertificateData;
        _insertBlock.Parameters["$count"].Value = block.Keys.Count;
        _insertBlock.Parameters["$size"].Value = block.SizeBytes;
        _insertBlock.Parameters["$output"].Value = block.OutputData;
        _insertBlock.Parameters["$outputCert"].Value = block.OutputCertificateData;
        _insertBlock.Parameters["$sources"].Value = block.SourcesData;
        _insertBlock.ExecuteNonQuery();

        _insertBatch.Parameters["$height"].Value = height;
        for (var i = 0; i < block.BatchData.Length; i++)
        {
            _insertBatch.Parameters["$position"].Value = i;
            _insertBatch.Parameters["$data"].Value = block.BatchData[i];
            _insertBatch.ExecuteNonQuery();
        }

        _pendingKeys.AddRange(block.Keys);
    }

    /// <summary>Writes the next slice of a key generation, if one is due, inside the transaction the commands are enlisted in.</summary>
    private void WriteKeySlice()
    {
        var slice = _pendingKeys.NextSlice();
        if (slice.IsEmpty)
        {
            return;
        }

        foreach (var entry in slice)
        {
            _insertKey.Parameters["$key"].Value = entry.Key;
            _insertKey.Parameters["$height"].Value = (long)entry.Height;
            _insertKey.Parameters["$idx"].Value = entry.Index;
            _insertKey.Parameters["$position"].Value = entry.Position;
            _insertKey.Parameters["$offset"].Value = entry.Offset;
            _insertKey.Parameters["$length"].Value = entry.Length;
            _insertKey.ExecuteNonQuery();
        }

        if (_pendingKeys.SliceWritten(slice.Length) is { } complete)
        {
            _setKeyProgress.Parameters["$height"].Value = (long)complete;
            _setKeyProgress.ExecuteNonQuery();
        }
    }

    /// <summary>Keys of heights above the recorded progress exist only in their batches after a restart: gather them again.</summary>
    private void RebuildPendingKeys()
    {
        var progress = (ulong)(long)SqliteCommands.Scalar(_connection, "SELECT height FROM key_progress")!;
        var indexed = ReadIndexedHeight();
        for (var height = progress + 1; height <= indexed; height++)
        {
            var batches = ReadBatches((long)height) ?? [];
            _pendingKeys.AddRange(IndexRows.KeyEntries(height, ReadSources((long)height), batches, batches.Select(b => b.Encoded).ToArray()));
        }
    }

    private CommittedBlock? ReadBlock(ulong height, long key)
    {
        Block block;
        QuorumCertificate qc;
        long count;
        OutputHeader header;
        OutputCertificate certificate;
        OutputSource[] sources;
        List<RevealedPlaintext> revealed;
        Batch? records;
        _selectBlock.Parameters["$height"].Value = key;
        using (var reader = _selectBlock.ExecuteReader())
        {
            if (!reader.Read())
            {
                return null;
            }

            block = Canonical.Decode((byte[])reader.GetValue(0), Block.Decode, "indexed block");
            qc = Canonical.Decode((byte[])reader.GetValue(1), QuorumCertificate.Decode, "indexed quorum certificate");
            count = reader.GetInt64(2);
            header = Canonical.Decode((byte[])reader.GetValue(3), OutputHeader.Decode, "indexed output header");
            certificate = Canonical.Decode((byte[])reader.GetValue(4), OutputCertificate.Decode, "indexed output certificate");
            var layout = (byte[])reader.GetValue(5);
            sources = BlockOutput.DecodeSources(layout);
            revealed = BlockOutput.DecodeRevealed(layout);
            records = BlockOutput.DecodeRecords(layout);
        }

        if (sources.Length != count)
        {
            throw new InvalidDataException($"indexed height {height} should have {count} transactions, its output sources list {sources.Length}");
        }

        return new CommittedBlock(block, qc, BlockOutput.Rebuild(header, ReadBatches(key) ?? [], sources, revealed, records)) { OutputCertificate = certificate };
    }

    private OutputSource[] ReadSources(long key)
    {
        using var select = Prepare("SELECT sources FROM blocks WHERE height = $height");
        select.Parameters["$height"].Value = key;
        return select.ExecuteScalar() is byte[] data ? BlockOutput.DecodeSources(data) : [];
    }

    private List<Batch>? ReadBatches(long key)
    {
        _selectBatches.Parameters["$height"].Value = key;
        using var reader = _selectBatches.ExecuteReader();
        List<Batch>? batches = null;
        while (reader.Read())
        {
            batches ??= [];
            if (!reader.IsDBNull(1))
            {
                batches.Add(Canonical.Decode((byte[])reader.GetValue(1), Batch.Decode, "indexed batch"));
            }
        }

        return batches;
    }

    private ulong ReadIndexedHeight() => (ulong)(long)_indexedHeight.ExecuteScalar()!;

    // Microsoft.Data.Sqlite requires every command run inside a transaction to name it.
    private void Enlist(SqliteTransaction? transaction)
    {
        _indexedHeight.Transaction = transaction;
        _insertBlock.Transaction = transaction;
        _insertBatch.Transaction = transaction;
        _insertKey.Transaction = transaction;
        _setKeyProgress.Transaction = transaction;
    }

    private IEnumerable<SqliteCommand> Commands() =>
        [
            _indexedHeight, _insertBlock, _insertBatch, _insertKey, _setKeyProgress, _selectBlock, _selectBatches, _selectKeys,
            _selectTransactionBytes,
        ];

    private SqliteCommand Prepare(string sql) => SqliteCommands.Create(_connection, sql);
}

using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Microsoft.Data.Sqlite;

namespace Fairway.Storage.Query;

/// <summary>
/// The query index in one SQLite file (WAL, <c>synchronous=NORMAL</c>: see <see cref="SqliteQuerySchema"/>). One
/// connection behind one lock serves the single writer and the readers, like <see cref="SqliteChainStore"/>.
/// Blocks, certificates and batches are kept as their canonical encodings, and transactions only inside their batches:
/// a block's transaction list is rebuilt from its batches with <see cref="BlockOrder"/>, and a lookup by hash reads
/// the transaction's bytes straight out of its batch blob. Batch digests are never recomputed or compared here.
/// </summary>
public sealed class SqliteQueryStore : IQueryStore
{
    private readonly Lock _lock = new();
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _indexedHeight;
    private readonly SqliteCommand _insertBlock;
    private readonly SqliteCommand _insertBatch;
    private readonly SqliteCommand _insertKey;
    private readonly SqliteCommand _selectBlock;
    private readonly SqliteCommand _selectBatches;
    private readonly SqliteCommand _findTransaction;
    private bool _disposed;

    public SqliteQueryStore(string databasePath)
    {
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
                "INSERT INTO blocks(height, hash, block, qc, tx_count, size_bytes) VALUES ($height, $hash, $block, $qc, $count, $size)");
            _insertBatch = Prepare("INSERT INTO batches(height, position, data) VALUES ($height, $position, $data)");
            _insertKey = Prepare(
                "INSERT INTO transaction_keys(key, height, idx, position, offset, length) VALUES ($key, $height, $idx, $position, $offset, $length)");
            _selectBlock = Prepare("SELECT block, qc, tx_count FROM blocks WHERE height = $height");
            _selectBatches = Prepare(
                "SELECT b.height, x.data FROM blocks b LEFT JOIN batches x ON x.height = b.height WHERE b.height = $height ORDER BY x.position");
            // substr() on a blob counts bytes: only the transaction's encoding leaves SQLite. The first location wins when
            // one payload was committed twice; rows whose full hash differs (a shared 8-byte key) are skipped by the caller.
            _findTransaction = Prepare(
                """
                SELECT k.height, k.idx, substr(x.data, k.offset + 1, k.length) FROM transaction_keys k
                JOIN batches x ON x.height = k.height AND x.position = k.position
                WHERE k.key = $key ORDER BY k.height, k.idx
                """);
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    public ulong IndexedHeight
    {
        get
        {
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return ReadIndexedHeight();
            }
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

                transaction.Commit();
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
            return ReadBatches(key);
        }
    }

    public IReadOnlyList<IndexedTransaction>? GetNamespaceTransactions(ulong height, ulong @namespace)
    {
        if (GetBlock(height) is not { } block)
        {
            return null;
        }

        var found = new List<IndexedTransaction>();
        for (var i = 0; i < block.Transactions.Count; i++)
        {
            if (block.Transactions[i].Namespace == @namespace)
            {
                found.Add(new IndexedTransaction(block.Transactions[i], height, i));
            }
        }

        return found;
    }

    public IndexedTransaction? FindTransaction(Hash hash)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _findTransaction.Parameters["$key"].Value = IndexRows.Key(hash);
            using var reader = _findTransaction.ExecuteReader();
            while (reader.Read())
            {
                var encoded = (byte[])reader.GetValue(2);
                if (Hash.Compute(encoded) != hash)
                {
                    continue;
                }

                var tx = Canonical.Decode(encoded, Transaction.Decode, "indexed transaction");
                return new IndexedTransaction(tx, (ulong)reader.GetInt64(0), reader.GetInt32(1));
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
            foreach (var command in Commands())
            {
                command.Dispose();
            }

            _connection.Dispose();
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
        _insertBlock.ExecuteNonQuery();

        _insertBatch.Parameters["$height"].Value = height;
        for (var i = 0; i < block.BatchData.Length; i++)
        {
            _insertBatch.Parameters["$position"].Value = i;
            _insertBatch.Parameters["$data"].Value = block.BatchData[i];
            _insertBatch.ExecuteNonQuery();
        }

        _insertKey.Parameters["$height"].Value = height;
        for (var i = 0; i < block.Keys.Count; i++)
        {
            var row = block.Keys[i];
            _insertKey.Parameters["$key"].Value = row.Key;
            _insertKey.Parameters["$idx"].Value = i;
            _insertKey.Parameters["$position"].Value = row.Position;
            _insertKey.Parameters["$offset"].Value = row.Offset;
            _insertKey.Parameters["$length"].Value = row.Length;
            _insertKey.ExecuteNonQuery();
        }
    }

    private CommittedBlock? ReadBlock(ulong height, long key)
    {
        Block block;
        QuorumCertificate qc;
        long count;
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
        }

        var transactions = BlockOrder.Transactions(ReadBatches(key) ?? []);
        if (transactions.Count != count)
        {
            throw new InvalidDataException($"indexed height {height} should have {count} transactions, its batches hold {transactions.Count}");
        }

        return new CommittedBlock(block, qc, transactions);
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
    }

    private IEnumerable<SqliteCommand> Commands() =>
        [_indexedHeight, _insertBlock, _insertBatch, _insertKey, _selectBlock, _selectBatches, _findTransaction];

    private SqliteCommand Prepare(string sql) => SqliteCommands.Create(_connection, sql);
}

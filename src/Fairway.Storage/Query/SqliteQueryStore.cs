using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Microsoft.Data.Sqlite;

namespace Fairway.Storage.Query;

/// <summary>
/// The query index in one SQLite file (WAL, <c>synchronous=NORMAL</c>: see <see cref="SqliteQuerySchema"/>). One
/// connection behind one lock serves the single writer and the readers, like <see cref="SqliteChainStore"/>.
/// Blocks, certificates and batches are kept as their canonical encodings; batches are returned decoded in the order
/// they were stored (the block's digest order), and their digests are never recomputed or compared here.
/// </summary>
public sealed class SqliteQueryStore : IQueryStore
{
    private readonly Lock _lock = new();
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _indexedHeight;
    private readonly SqliteCommand _insertBlock;
    private readonly SqliteCommand _insertBatch;
    private readonly SqliteCommand _insertTransaction;
    private readonly SqliteCommand _selectBlock;
    private readonly SqliteCommand _selectBlockTransactions;
    private readonly SqliteCommand _selectBatches;
    private readonly SqliteCommand _selectNamespace;
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
            _insertTransaction = Prepare(
                "INSERT INTO transactions(height, idx, hash, namespace, payload) VALUES ($height, $idx, $hash, $ns, $payload)");
            _selectBlock = Prepare("SELECT block, qc, tx_count FROM blocks WHERE height = $height");
            _selectBlockTransactions = Prepare("SELECT namespace, payload FROM transactions WHERE height = $height ORDER BY idx");
            _selectBatches = Prepare(
                "SELECT b.height, x.data FROM blocks b LEFT JOIN batches x ON x.height = b.height WHERE b.height = $height ORDER BY x.position");
            // One round trip answers both "is the height known" and "its transactions in this namespace".
            _selectNamespace = Prepare(
                """
                SELECT t.idx, t.payload FROM blocks b
                LEFT JOIN transactions t ON t.height = b.height AND t.namespace = $ns
                WHERE b.height = $height ORDER BY t.idx
                """);
            // The first location wins when one payload was committed twice.
            _findTransaction = Prepare(
                "SELECT height, idx, namespace, payload FROM transactions WHERE hash = $hash ORDER BY height, idx LIMIT 1");
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

    public void Index(CommittedBlock committed, IReadOnlyList<Batch> batches)
    {
        QueryIndexRules.CheckArguments(committed, batches);
        var block = committed.Block;
        var blockData = Canonical.Encode(block);
        var qcData = Canonical.Encode(committed.Certificate);
        var batchData = batches.Select(Canonical.Encode).ToArray();
        var transactions = committed.Transactions.ToArray();
        var height = (long)committed.Height;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var transaction = _connection.BeginTransaction();
            Enlist(transaction);
            try
            {
                var indexed = ReadIndexedHeight();
                if (committed.Height <= indexed)
                {
                    return; // already indexed: a no-op, so an indexer may replay after a restart
                }

                QueryIndexRules.CheckContiguous(committed.Height, indexed);

                _insertBlock.Parameters["$height"].Value = height;
                _insertBlock.Parameters["$hash"].Value = block.Hash.ToArray();
                _insertBlock.Parameters["$block"].Value = blockData;
                _insertBlock.Parameters["$qc"].Value = qcData;
                _insertBlock.Parameters["$count"].Value = transactions.Length;
                _insertBlock.Parameters["$size"].Value = QueryIndexRules.SizeBytes(transactions);
                _insertBlock.ExecuteNonQuery();

                _insertBatch.Parameters["$height"].Value = height;
                for (var i = 0; i < batchData.Length; i++)
                {
                    _insertBatch.Parameters["$position"].Value = i;
                    _insertBatch.Parameters["$data"].Value = batchData[i];
                    _insertBatch.ExecuteNonQuery();
                }

                _insertTransaction.Parameters["$height"].Value = height;
                for (var i = 0; i < transactions.Length; i++)
                {
                    var tx = transactions[i];
                    _insertTransaction.Parameters["$idx"].Value = i;
                    _insertTransaction.Parameters["$hash"].Value = tx.Hash.ToArray();
                    _insertTransaction.Parameters["$ns"].Value = QueryIndexRules.NamespaceKey(tx.Namespace);
                    _insertTransaction.Parameters["$payload"].Value = tx.Payload.ToArray();
                    _insertTransaction.ExecuteNonQuery();
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

            var transactions = new List<Transaction>((int)count);
            _selectBlockTransactions.Parameters["$height"].Value = key;
            using (var reader = _selectBlockTransactions.ExecuteReader())
            {
                while (reader.Read())
                {
                    transactions.Add(new Transaction(QueryIndexRules.NamespaceFromKey(reader.GetInt64(0)), (byte[])reader.GetValue(1)));
                }
            }

            if (transactions.Count != count)
            {
                throw new InvalidDataException($"indexed height {height} should have {count} transactions, the index has {transactions.Count}");
            }

            return new CommittedBlock(block, qc, transactions);
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
    }

    public IReadOnlyList<IndexedTransaction>? GetNamespaceTransactions(ulong height, ulong @namespace)
    {
        if (QueryIndexRules.HeightKey(height) is not { } key)
        {
            return null;
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _selectNamespace.Parameters["$height"].Value = key;
            _selectNamespace.Parameters["$ns"].Value = QueryIndexRules.NamespaceKey(@namespace);
            using var reader = _selectNamespace.ExecuteReader();
            List<IndexedTransaction>? transactions = null;
            while (reader.Read())
            {
                transactions ??= [];
                if (!reader.IsDBNull(0))
                {
                    var tx = new Transaction(@namespace, (byte[])reader.GetValue(1));
                    transactions.Add(new IndexedTransaction(tx, height, reader.GetInt32(0)));
                }
            }

            return transactions;
        }
    }

    public IndexedTransaction? FindTransaction(Hash hash)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _findTransaction.Parameters["$hash"].Value = hash.ToArray();
            using var reader = _findTransaction.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            var tx = new Transaction(QueryIndexRules.NamespaceFromKey(reader.GetInt64(2)), (byte[])reader.GetValue(3));
            return new IndexedTransaction(tx, (ulong)reader.GetInt64(0), reader.GetInt32(1));
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

    private ulong ReadIndexedHeight() => (ulong)(long)_indexedHeight.ExecuteScalar()!;

    // Microsoft.Data.Sqlite requires every command run inside a transaction to name it.
    private void Enlist(SqliteTransaction? transaction)
    {
        _indexedHeight.Transaction = transaction;
        _insertBlock.Transaction = transaction;
        _insertBatch.Transaction = transaction;
        _insertTransaction.Transaction = transaction;
    }

    private IEnumerable<SqliteCommand> Commands() =>
    [
        _indexedHeight, _insertBlock, _insertBatch, _insertTransaction, _selectBlock, _selectBlockTransactions,
        _selectBatches, _selectNamespace, _findTransaction,
    ];

    private SqliteCommand Prepare(string sql) => SqliteCommands.Create(_connection, sql);
}

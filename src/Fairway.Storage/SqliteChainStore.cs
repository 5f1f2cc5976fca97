using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Output;
using Microsoft.Data.Sqlite;

namespace Fairway.Storage;

/// <summary>
/// The chain store in one SQLite file with a WAL journal. Blocks and batches are written with <c>synchronous=NORMAL</c>
/// (they survive a process crash at once, and a power cut from the next fsync on); <see cref="AppendCommitted"/> and
/// <see cref="Flush"/> run with <c>synchronous=FULL</c>, so they and every write before them are durable on return.
/// One connection behind one lock serves the single writer
/// and the readers: simple and obviously correct; readers wait for a write at most one fsync long.
/// A committed block is kept as its block, certificate, output header and output sources (8 bytes per transaction): its
/// transactions are already in the stored batches, so <see cref="GetCommitted"/> rebuilds the output from them rather
/// than the store writing each one a second time (that second copy was the largest cost of a commit).
/// Values are canonical encodings. SQLite integers are signed 64-bit, so u64 values (heights, rounds, namespaces)
/// are stored bit-for-bit as i64; only equality and ordering of heights/rounds (far below 2^63) matter.
/// </summary>
public sealed class SqliteChainStore : IChainStore
{
    private readonly Lock _lock = new();
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insertBlock;

    /// <summary>
    /// A second connection for point reads of blocks and batches, with its own lock. The node's event loop looks batches
    /// and blocks up while the background writer holds the main connection for a group commit with its fsync; in WAL mode a
    /// reader sees every committed write without waiting for the writer, and anything not yet committed is still in memory.
    /// </summary>
    private readonly SqliteConnection _reader;
    private readonly Lock _readLock = new();
    private readonly SqliteCommand _readBlock;
    private readonly SqliteCommand _readBatch;
    private readonly SqliteCommand _readBatchExists;
    private readonly SqliteCommand _insertBatch;
    private readonly SqliteCommand _selectBatch;
    private readonly SqliteCommand _insertCommitted;
    private readonly SqliteCommand _batchStored;
    private ulong _committedHeight;
    private ulong _certifiedHeight;
    private Hash? _tipHash;
    private bool _disposed;
    private bool _unsynced;

    /// <summary>
    /// The blocks put last, by hash (under the read lock): each new block asks for its parent, and reading a fair block
    /// back means decoding its lists again. Bounded (a fair block can be most of a megabyte).
    /// </summary>
    private readonly Dictionary<Hash, Block> _recentBlocks = [];
    private readonly Queue<Hash> _recentOrder = new();
    private const int RecentBlocksMax = 32;

    /// <param name="databasePath">The SQLite file; created if missing.</param>
    public SqliteChainStore(string databasePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        var fullPath = Path.GetFullPath(databasePath);
        var directory = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(directory);
        var isNew = !File.Exists(fullPath);

        // No pooling: Dispose must really close the file, so a reopen (a restart) reads what is on disk.
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
            SqliteSchema.Apply(_connection);
            if (isNew)
            {
                // Make the new database file's directory entry durable too.
                DirectorySync.Fsync(directory);
            }

            _insertBlock = Prepare("INSERT OR IGNORE INTO blocks(hash, height, round, data) VALUES ($hash, $height, $round, $data)");
            _insertBatch = Prepare("INSERT OR IGNORE INTO batches(digest, data) VALUES ($digest, $data)");
            _selectBatch = Prepare("SELECT data FROM batches WHERE digest = $digest");
            _insertCommitted = Prepare(
                "INSERT INTO committed(height, block_hash, qc, tx_count, output, sources) VALUES ($height, $hash, $qc, $count, $output, $sources)");
            _batchStored = Prepare("SELECT 1 FROM batches WHERE digest = $digest");
            LoadTip();
            _reader = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = fullPath,
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
            }.ToString());
            _reader.Open();
            _readBlock = SqliteCommands.Create(_reader, "SELECT data FROM blocks WHERE hash = $hash");
            _readBatch = SqliteCommands.Create(_reader, "SELECT data FROM batches WHERE digest = $digest");
            _readBatchExists = SqliteCommands.Create(_reader, "SELECT 1 FROM batches WHERE digest = $digest");
        }
        catch
        {
            _reader?.Dispose();
            _connection.Dispose();
            throw;
        }
    }

    public ulong CommittedHeight
    {
        get
        {
            lock (_lock)
            {
                return _committedHeight;
            }
        }
    }

    public void PutBlock(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var data = block.Encoded;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            InsertBlock(block, data);
            _unsynced = true;
        }

        lock (_readLock)
        {
            if (_recentBlocks.TryAdd(block.Hash, block))
            {
                _recentOrder.Enqueue(block.Hash);
                if (_recentOrder.Count > RecentBlocksMax)
                {
                    _recentBlocks.Remove(_recentOrder.Dequeue());
                }
            }
        }
    }

    public bool TryGetBlock(Hash hash, out Block block)
    {
        lock (_readLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_recentBlocks.TryGetValue(hash, out block!))
            {
                return true;
            }
        }

        var data = ReadBlob(_readBlock, "$hash", hash);
        block = data is null ? null! : Canonical.Decode(data, Block.Decode, "stored block");
        return data is not null;
    }

    public void PutBatchReceipts(IReadOnlyList<BatchReceipt> receipts)
    {
        ArgumentNullException.ThrowIfNull(receipts);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var transaction = _connection.BeginTransaction();
            using var insert = _connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT OR IGNORE INTO batch_receipts(digest, received_ms) VALUES ($digest, $ms)";
            var digest = insert.Parameters.Add("$digest", SqliteType.Blob);
            var ms = insert.Parameters.Add("$ms", SqliteType.Integer);
            foreach (var receipt in receipts)
            {
                digest.Value = receipt.Digest.ToArray();
                ms.Value = (long)receipt.ReceivedAtMs;
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
            _unsynced = true;
        }
    }

    public IReadOnlyList<BatchReceipt> LoadBatchReceipts(ulong sinceMs, int max)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var select = _connection.CreateCommand();
            select.CommandText = "SELECT digest, received_ms FROM batch_receipts WHERE received_ms >= $since ORDER BY received_ms LIMIT $max";
            select.Parameters.AddWithValue("$since", (long)Math.Min(sinceMs, long.MaxValue));
            select.Parameters.AddWithValue("$max", max);
            using var reader = select.ExecuteReader();
            var receipts = new List<BatchReceipt>();
            while (reader.Read())
            {
                receipts.Add(new BatchReceipt(new Hash((byte[])reader[0]), (ulong)reader.GetInt64(1)));
            }

            return receipts;
        }
    }

    public void PruneBatchReceipts(ulong beforeMs)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var delete = _connection.CreateCommand();
            delete.CommandText = "DELETE FROM batch_receipts WHERE received_ms < $before";
            delete.Parameters.AddWithValue("$before", (long)Math.Min(beforeMs, long.MaxValue));
            delete.ExecuteNonQuery();
            _unsynced = true;
        }
    }

    public void PutBatch(Batch batch) => PutBatches([batch]);

    public void PutBatches(IReadOnlyList<Batch> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var encoded = batches.Select(b => (Digest: b.Digest.ToArray(), Data: b.Encoded)).ToList();
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // One transaction for the lot: SQLite then writes each touched page once, not once per batch.
            using var transaction = _connection.BeginTransaction();
            _insertBatch.Transaction = transaction;
            try
            {
                foreach (var (digest, data) in encoded)
                {
                    _insertBatch.Parameters["$digest"].Value = digest;
                    _insertBatch.Parameters["$data"].Value = data;
                    _insertBatch.ExecuteNonQuery();
                }

                transaction.Commit();
            }
            finally
            {
                _insertBatch.Transaction = null;
            }

            _unsynced = true;
        }
    }

    public bool TryGetBatch(Hash digest, out Batch batch)
    {
        var data = ReadBlob(_readBatch, "$digest", digest);
        batch = data is null ? null! : Canonical.Decode(data, Batch.Decode, "stored batch");
        return data is not null;
    }

    public bool HasBatch(Hash digest) => ReadScalar(_readBatchExists, "$digest", digest) is not null;

    private byte[]? ReadBlob(SqliteCommand command, string parameter, Hash key) => ReadScalar(command, parameter, key) as byte[];

    private object? ReadScalar(SqliteCommand command, string parameter, Hash key)
    {
        lock (_readLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            command.Parameters[parameter].Value = key.ToArray();
            return command.ExecuteScalar();
        }
    }

    public void AppendCommitted(CommittedBlock committed) => AppendCommittedMany([committed]);

    public void AppendCommittedMany(IReadOnlyList<CommittedBlock> committed)
    {
        ArgumentNullException.ThrowIfNull(committed);
        if (committed.Count == 0)
        {
            return;
        }

        var encoded = committed.Select(c => (Committed: c, Block: c.Block.Encoded, Qc: Canonical.Encode(c.Certificate))).ToList();
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var (height, tip) = CommitRules.CheckGroup(committed, _committedHeight, _tipHash);
            CommitRules.CheckBatchesStored(committed, BatchStoredLocked);

            WriteDurably(() =>
            {
                // Disposed (rolled back, if it failed) when this returns, before the connection is used again: a statement
                // run while a failed transaction is still open is refused, and that refusal used to replace the write's
                // own error, so a full disk at the commit stopped the validator as an unknown failure.
                using var transaction = _connection.BeginTransaction();
                Enlist(transaction);
                try
                {
                    foreach (var (c, blockData, qcData) in encoded)
                    {
                        InsertCommitted(c, blockData, qcData);
                    }

                    // synchronous=FULL: the WAL is fsynced before Commit returns, with every earlier put in it.
                    transaction.Commit();
                }
                finally
                {
                    Enlist(null);
                }
            });

            // Only after the commit succeeded, so a failed write leaves the cached tip matching the file.
            _committedHeight = height;
            _tipHash = tip;
        }
    }

    private void InsertCommitted(CommittedBlock committed, byte[] blockData, byte[] qcData)
    {
        var block = committed.Block;
        InsertBlock(block, blockData);

        _insertCommitted.Parameters["$height"].Value = ToDb(block.Height);
        _insertCommitted.Parameters["$hash"].Value = block.Hash.ToArray();
        _insertCommitted.Parameters["$qc"].Value = qcData;
        _insertCommitted.Parameters["$count"].Value = committed.Transactions.Count;
        _insertCommitted.Parameters["$output"].Value = Canonical.Encode(committed.Output.Header);
        _insertCommitted.Parameters["$sources"].Value = BlockOutput.EncodeLayout(committed.Output);
        _insertCommitted.ExecuteNonQuery();
    }

    public bool IsBatchStored(Hash digest)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return BatchStoredLocked(digest);
        }
    }

    private bool BatchStoredLocked(Hash digest)
    {
        _batchStored.Parameters["$digest"].Value = digest.ToArray();
        return _batchStored.ExecuteScalar() is not null;
    }

    public CommittedBlock? GetCommitted(ulong height)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var select = Prepare(
                "SELECT b.data, c.qc, c.tx_count, c.output, c.sources, c.output_cert FROM committed c JOIN blocks b ON b.hash = c.block_hash WHERE c.height = $height");
            select.Parameters["$height"].Value = ToDb(height);
            Block block;
            QuorumCertificate qc;
            long count;
            OutputHeader header;
            OutputSource[] sources;
            List<RevealedPlaintext> revealed;
            Batch? records;
            OutputCertificate? certificate;
            using (var reader = select.ExecuteReader())
            {
                if (!reader.Read())
                {
                    return null;
                }

                block = Canonical.Decode((byte[])reader.GetValue(0), Block.Decode, "stored block");
                qc = Canonical.Decode((byte[])reader.GetValue(1), QuorumCertificate.Decode, "stored quorum certificate");
                count = reader.GetInt64(2);
                header = Canonical.Decode((byte[])reader.GetValue(3), OutputHeader.Decode, "stored output header");
                var layout = (byte[])reader.GetValue(4);
                sources = BlockOutput.DecodeSources(layout);
                revealed = BlockOutput.DecodeRevealed(layout);
                records = BlockOutput.DecodeRecords(layout);
                certificate = reader.IsDBNull(5) ? null : Canonical.Decode((byte[])reader.GetValue(5), OutputCertificate.Decode, "stored output certificate");
            }

            var batches = new List<Batch>(block.AllBatchDigests.Count);
            foreach (var digest in block.AllBatchDigests)
            {
                _selectBatch.Parameters["$digest"].Value = digest.ToArray();
                var data = _selectBatch.ExecuteScalar() as byte[]
                    ?? throw new InvalidDataException($"batch {digest.ToHex()[..8]} of committed height {height} is missing from the store");
                batches.Add(Canonical.Decode(data, Batch.Decode, "stored batch"));
            }

            // The count written at commit time catches sources that no longer match the output that was committed.
            if (sources.Length != count || header.TransactionCount != count || header.BlockHash != block.Hash)
            {
                throw new InvalidDataException($"committed height {height} should have {count} transactions; its stored output disagrees");
            }

            return new CommittedBlock(block, qc, BlockOutput.Rebuild(header, block.WithRecords(batches, records), sources, revealed, records)) { OutputCertificate = certificate };
        }
    }

    public OutputHeader? GetOutputHeader(ulong height) => DecodeOutputHeader(CommittedColumn("output", height));

    public OutputCertificate? GetOutputCertificate(ulong height) =>
        CommittedColumn("output_cert", height) is { } data ? Canonical.Decode(data, OutputCertificate.Decode, "stored output certificate") : null;

    private static OutputHeader? DecodeOutputHeader(byte[]? data) =>
        data is null ? null : Canonical.Decode(data, OutputHeader.Decode, "stored output header");

    /// <summary>One blob column of a committed height's row, read without its block or batches; null without a row or value.</summary>
    private byte[]? CommittedColumn(string column, ulong height)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return ReadCommittedColumn(column, height);
        }
    }

    /// <summary><see cref="CommittedColumn"/> for a caller that holds the lock.</summary>
    private byte[]? ReadCommittedColumn(string column, ulong height)
    {
        using var select = Prepare($"SELECT {column} FROM committed WHERE height = $height");
        select.Parameters["$height"].Value = ToDb(height);
        return select.ExecuteScalar() as byte[];
    }

    public ulong CertifiedHeight
    {
        get
        {
            lock (_lock)
            {
                return _certifiedHeight;
            }
        }
    }

    public void PutOutputCertificate(OutputCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var data = Canonical.Encode(certificate);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            CommitRules.CheckCertificate(certificate, _certifiedHeight, _committedHeight, DecodeOutputHeader(ReadCommittedColumn("output", certificate.Height)));
            using var update = Prepare("UPDATE committed SET output_cert = $cert WHERE height = $height");
            update.Parameters["$cert"].Value = data;
            update.Parameters["$height"].Value = ToDb(certificate.Height);
            update.ExecuteNonQuery();
            _certifiedHeight = certificate.Height;
            _unsynced = true;
        }
    }

    public IReadOnlyList<Block> LoadUncommittedBlocks()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var select = Prepare("SELECT data FROM blocks WHERE height > $height ORDER BY height, round, hash");
            select.Parameters["$height"].Value = ToDb(_committedHeight);
            var blocks = new List<Block>();
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                blocks.Add(Canonical.Decode((byte[])reader.GetValue(0), Block.Decode, "stored block"));
            }

            return blocks;
        }
    }

    /// <summary>
    /// Makes every earlier put durable: one small write committed with synchronous=FULL fsyncs the WAL, which holds all
    /// the frames written before it. Costs nothing when nothing was put since the last durable write.
    /// </summary>
    public void Flush()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_unsynced)
            {
                return;
            }

            WriteDurably(() => SqliteCommands.Execute(_connection, "INSERT INTO sync_marker(id, n) VALUES(1, 1) ON CONFLICT(id) DO UPDATE SET n = n + 1"));
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

        lock (_readLock)
        {
            SqliteCommands.Close([_readBlock, _readBatch, _readBatchExists], _reader);
        }
    }

    private void LoadTip()
    {
        using var select = Prepare("SELECT height, block_hash FROM committed ORDER BY height DESC LIMIT 1");
        using var reader = select.ExecuteReader();
        if (reader.Read())
        {
            _committedHeight = FromDb(reader.GetInt64(0));
            _tipHash = new Hash((byte[])reader.GetValue(1));
        }

        // Certificates are put in height order, so the certified heights are a prefix of the committed ones.
        using var certified = Prepare("SELECT COALESCE(MAX(height), 0) FROM committed WHERE output_cert IS NOT NULL");
        _certifiedHeight = FromDb((long)certified.ExecuteScalar()!);
    }

    private void InsertBlock(Block block, byte[] data)
    {
        _insertBlock.Parameters["$hash"].Value = block.Hash.ToArray();
        _insertBlock.Parameters["$height"].Value = ToDb(block.Height);
        _insertBlock.Parameters["$round"].Value = ToDb(block.Round);
        _insertBlock.Parameters["$data"].Value = data;
        _insertBlock.ExecuteNonQuery();
    }

    /// <summary>
    /// Runs <paramref name="write"/> with synchronous=FULL, so it and every earlier put are durable when it returns, then
    /// goes back to NORMAL. When the write fails, its own error is what the caller sees (the node tells a full disk from
    /// anything else by it): a failure to go back to NORMAL is not let replace it.
    /// </summary>
    private void WriteDurably(Action write)
    {
        SqliteCommands.Execute(_connection, "PRAGMA synchronous=FULL");
        try
        {
            write();
        }
        catch
        {
            RestoreNormalSyncAfterFailure();
            throw;
        }

        _unsynced = false;
        SqliteCommands.Execute(_connection, "PRAGMA synchronous=NORMAL");
    }

    private void RestoreNormalSyncAfterFailure()
    {
        try
        {
            SqliteCommands.Execute(_connection, "PRAGMA synchronous=NORMAL");
        }
        catch (Exception)
        {
            // The write's own error is rethrown by the caller; this one must not replace it.
        }
    }

    // Microsoft.Data.Sqlite requires every command run inside a transaction to name it.
    private void Enlist(SqliteTransaction? transaction)
    {
        _insertBlock.Transaction = transaction;
        _insertCommitted.Transaction = transaction;
    }

    private IEnumerable<SqliteCommand> Commands() =>
        [_insertBlock, _insertBatch, _selectBatch, _insertCommitted, _batchStored];

    private SqliteCommand Prepare(string sql) => SqliteCommands.Create(_connection, sql);

    private static long ToDb(ulong value) => unchecked((long)value);

    private static ulong FromDb(long value) => unchecked((ulong)value);
}

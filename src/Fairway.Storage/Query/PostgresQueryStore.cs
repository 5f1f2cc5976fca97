using System.Text.RegularExpressions;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Output;
using Npgsql;
using NpgsqlTypes;

namespace Fairway.Storage.Query;

/// <summary>
/// The query index in PostgreSQL, for operators who want a real database behind the API. Its tables live in one
/// schema (default <c>fairway_query</c>), created with the tables if missing. Readers take pooled connections from one
/// <see cref="NpgsqlDataSource"/>, so they run concurrently; <see cref="Index"/> writes one block in one database
/// transaction and bulk-loads batches and transactions with binary COPY (a block can carry tens of thousands).
/// Bytes are BYTEA holding canonical encodings (batches are never re-digested here); heights are BIGINT, so heights
/// above 2^63-1 are refused; namespaces are u64 stored bit-for-bit in BIGINT (compared only for equality).
/// </summary>
public sealed partial class PostgresQueryStore : IQueryStore
{
    public const string DefaultSchema = "fairway_query";
    public const int SchemaVersion = 2;

    // An arbitrary constant ("FWQI") paired with the schema name's hash: serializes concurrent schema creation.
    private const int SchemaLockKey = 0x46575149;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _schema;
    private readonly string _indexedHeightSql;
    private readonly string _insertBlockSql;
    private readonly string _copyBatchesSql;
    private readonly string _copyTransactionsSql;
    private readonly string _selectBlockSql;
    private readonly string _selectBlockTransactionsSql;
    private readonly string _selectBatchesSql;
    private readonly string _selectNamespaceSql;
    private readonly string _findTransactionSql;
    private readonly string _lockSql;
    private volatile bool _disposed;

    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="schema">Lower-case SQL identifier of the schema holding the tables; created if missing.</param>
    public PostgresQueryStore(string connectionString, string schema = DefaultSchema)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        ArgumentException.ThrowIfNullOrEmpty(schema);
        if (!Identifier().IsMatch(schema))
        {
            throw new ArgumentException($"schema '{schema}' must be a lower-case SQL identifier: [a-z_][a-z0-9_]{{0,62}}", nameof(schema));
        }

        _schema = schema;
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        // Lookups repeat a handful of statements: let Npgsql prepare them server-side per pooled connection.
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 16;
        }

        _dataSource = builder.Build();
        var s = schema;
        _indexedHeightSql = $"SELECT COALESCE(MAX(height), 0) FROM {s}.blocks";
        _insertBlockSql =
            $"INSERT INTO {s}.blocks(height, hash, block, qc, tx_count, size_bytes, output, output_cert, sources) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
        _copyBatchesSql = $"COPY {s}.batches(height, position, data) FROM STDIN (FORMAT BINARY)";
        _copyTransactionsSql = $"COPY {s}.transactions(height, idx, hash, namespace, payload) FROM STDIN (FORMAT BINARY)";
        _selectBlockSql = $"SELECT block, qc, tx_count, output, output_cert, sources FROM {s}.blocks WHERE height = $1";
        _selectBlockTransactionsSql = $"SELECT namespace, payload FROM {s}.transactions WHERE height = $1 ORDER BY idx";
        _selectBatchesSql =
            $"SELECT b.height, x.data FROM {s}.blocks b LEFT JOIN {s}.batches x ON x.height = b.height WHERE b.height = $1 ORDER BY x.position";
        // One round trip answers both "is the height known" and "its transactions in this namespace".
        _selectNamespaceSql =
            $"SELECT t.idx, t.payload FROM {s}.blocks b LEFT JOIN {s}.transactions t ON t.height = b.height AND t.namespace = $2 WHERE b.height = $1 ORDER BY t.idx";
        // No ORDER BY ... LIMIT 1 here: before ANALYZE has run on a freshly loaded table, the planner may walk the
        // primary key in (height, idx) order filtering on hash, thousands of times slower than the hash index.
        // A hash almost always has one row; when one payload was committed twice, FindTransaction picks the first.
        _findTransactionSql = $"SELECT height, idx, namespace, payload FROM {s}.transactions WHERE hash = $1";
        // Conflicts with other writers (also in other processes) but not with readers.
        _lockSql = $"LOCK TABLE {s}.blocks IN SHARE ROW EXCLUSIVE MODE";

        try
        {
            CreateSchema();
        }
        catch
        {
            _dataSource.Dispose();
            throw;
        }
    }

    public string Schema => _schema;

    public ulong IndexedHeight
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var connection = _dataSource.OpenConnection();
            return ReadIndexedHeight(connection, null);
        }
    }

    public void Index(CommittedBlock committed, IReadOnlyList<Batch> batches)
    {
        QueryIndexRules.CheckArguments(committed, batches);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var block = committed.Block;
        var blockData = block.Encoded;
        var qcData = Canonical.Encode(committed.Certificate);
        var batchData = batches.Select(Canonical.Encode).ToArray();
        var transactions = committed.Transactions.ToArray();
        var height = (long)committed.Height;

        using var connection = _dataSource.OpenConnection();
        using var transaction = connection.BeginTransaction();
        // The index is derived data, rebuilt from the chain store: a crash may lose the last few indexed blocks
        // (the indexer resumes from IndexedHeight + 1), never leave a half-indexed one. Not waiting for the WAL
        // flush on every block keeps indexing fast; this matches synchronous=NORMAL in the SQLite twin.
        Execute(connection, transaction, "SET LOCAL synchronous_commit = off");
        Execute(connection, transaction, _lockSql);

        var indexed = ReadIndexedHeight(connection, transaction);
        if (committed.Height <= indexed)
        {
            return; // already indexed: a no-op, so an indexer may replay after a restart (disposing rolls back)
        }

        QueryIndexRules.CheckContiguous(committed.Height, indexed);

        using (var insert = new NpgsqlCommand(_insertBlockSql, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = height });
            insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = block.Hash.ToArray() });
            insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = blockData });
            insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = qcData });
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = transactions.Length });
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = QueryIndexRules.SizeBytes(transactions) });
            insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = Canonical.Encode(committed.Output.Header) });
            insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = Canonical.Encode(committed.OutputCertificate!) });
            insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = BlockOutput.EncodeLayout(committed.Output) });
            insert.ExecuteNonQuery();
        }

        if (batchData.Length > 0)
        {
            using var copy = connection.BeginBinaryImport(_copyBatchesSql);
            for (var i = 0; i < batchData.Length; i++)
            {
                copy.StartRow();
                copy.Write(height, NpgsqlDbType.Bigint);
                copy.Write(i, NpgsqlDbType.Integer);
                copy.Write(batchData[i], NpgsqlDbType.Bytea);
            }

            copy.Complete();
        }

        if (transactions.Length > 0)
        {
            using var copy = connection.BeginBinaryImport(_copyTransactionsSql);
            for (var i = 0; i < transactions.Length; i++)
            {
                var tx = transactions[i];
                copy.StartRow();
                copy.Write(height, NpgsqlDbType.Bigint);
                copy.Write(i, NpgsqlDbType.Integer);
                copy.Write(tx.Hash.ToArray(), NpgsqlDbType.Bytea);
                copy.Write(QueryIndexRules.NamespaceKey(tx.Namespace), NpgsqlDbType.Bigint);
                copy.Write(tx.Payload.ToArray(), NpgsqlDbType.Bytea);
            }

            copy.Complete();
        }

        transaction.Commit();
    }

    public CommittedBlock? GetBlock(ulong height)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (QueryIndexRules.HeightKey(height) is not { } key)
        {
            return null;
        }

        using var connection = _dataSource.OpenConnection();
        // Repeatable read: the block row and its transactions come from one snapshot.
        using var transaction = connection.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
        Block block;
        QuorumCertificate qc;
        int count;
        OutputHeader header;
        OutputCertificate certificate;
        OutputSource[] sources;
        Batch? records;
        using (var select = Command(connection, transaction, _selectBlockSql, key))
        using (var reader = select.ExecuteReader())
        {
            if (!reader.Read())
            {
                return null;
            }

            block = Canonical.Decode(reader.GetFieldValue<byte[]>(0), Block.Decode, "indexed block");
            qc = Canonical.Decode(reader.GetFieldValue<byte[]>(1), QuorumCertificate.Decode, "indexed quorum certificate");
            count = reader.GetInt32(2);
            header = Canonical.Decode(reader.GetFieldValue<byte[]>(3), OutputHeader.Decode, "indexed output header");
            certificate = Canonical.Decode(reader.GetFieldValue<byte[]>(4), OutputCertificate.Decode, "indexed output certificate");
            var layout = reader.GetFieldValue<byte[]>(5);
            sources = BlockOutput.DecodeSources(layout);
            records = BlockOutput.DecodeRecords(layout);
        }

        var transactions = new List<Transaction>(count);
        using (var select = Command(connection, transaction, _selectBlockTransactionsSql, key))
        using (var reader = select.ExecuteReader())
        {
            while (reader.Read())
            {
                transactions.Add(new Transaction(QueryIndexRules.NamespaceFromKey(reader.GetInt64(0)), reader.GetFieldValue<byte[]>(1)));
            }
        }

        transaction.Commit();
        if (transactions.Count != count || sources.Length != count)
        {
            throw new InvalidDataException($"indexed height {height} should have {count} transactions, the index has {transactions.Count}");
        }

        return new CommittedBlock(block, qc, new BlockOutput(header, transactions, sources, [], records)) { OutputCertificate = certificate };
    }

    public IReadOnlyList<Batch>? GetBatches(ulong height)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (QueryIndexRules.HeightKey(height) is not { } key)
        {
            return null;
        }

        using var connection = _dataSource.OpenConnection();
        using var select = Command(connection, null, _selectBatchesSql, key);
        using var reader = select.ExecuteReader();
        List<Batch>? batches = null;
        while (reader.Read())
        {
            batches ??= [];
            if (!reader.IsDBNull(1))
            {
                batches.Add(Canonical.Decode(reader.GetFieldValue<byte[]>(1), Batch.Decode, "indexed batch"));
            }
        }

        return batches;
    }

    public IReadOnlyList<IndexedTransaction>? GetNamespaceTransactions(ulong height, ulong @namespace)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (QueryIndexRules.HeightKey(height) is not { } key)
        {
            return null;
        }

        using var connection = _dataSource.OpenConnection();
        using var select = Command(connection, null, _selectNamespaceSql, key);
        select.Parameters.Add(new NpgsqlParameter<long> { TypedValue = QueryIndexRules.NamespaceKey(@namespace) });
        using var reader = select.ExecuteReader();
        List<IndexedTransaction>? transactions = null;
        while (reader.Read())
        {
            transactions ??= [];
            if (!reader.IsDBNull(0))
            {
                var tx = new Transaction(@namespace, reader.GetFieldValue<byte[]>(1));
                transactions.Add(new IndexedTransaction(tx, height, reader.GetInt32(0)));
            }
        }

        return transactions;
    }

    public IndexedTransaction? FindTransaction(Hash hash)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var connection = _dataSource.OpenConnection();
        using var select = new NpgsqlCommand(_findTransactionSql, connection);
        select.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = hash.ToArray() });
        using var reader = select.ExecuteReader();
        IndexedTransaction? first = null;
        while (reader.Read())
        {
            var height = FromDbHeight(reader.GetInt64(0));
            var index = reader.GetInt32(1);
            if (first is null || height < first.Height || (height == first.Height && index < first.Index))
            {
                var tx = new Transaction(QueryIndexRules.NamespaceFromKey(reader.GetInt64(2)), reader.GetFieldValue<byte[]>(3));
                first = new IndexedTransaction(tx, height, index);
            }
        }

        return first;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _dataSource.Dispose();
    }

    private void CreateSchema()
    {
        var s = _schema;
        using var connection = _dataSource.OpenConnection();
        using var transaction = connection.BeginTransaction();
        // CREATE ... IF NOT EXISTS is not safe against a concurrent twin; the advisory lock makes creation one at a time.
        using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1, hashtext($2))", connection, transaction))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter<int> { TypedValue = SchemaLockKey });
            lockCommand.Parameters.Add(new NpgsqlParameter<string> { TypedValue = s });
            lockCommand.ExecuteNonQuery();
        }

        // transactions is keyed by position, not by hash: one payload may be committed twice; lookups take the first.
        Execute(
            connection,
            transaction,
            $"""
            CREATE SCHEMA IF NOT EXISTS {s};
            CREATE TABLE IF NOT EXISTS {s}.schema_version(version INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS {s}.blocks(height BIGINT PRIMARY KEY CHECK (height > 0), hash BYTEA NOT NULL,
                block BYTEA NOT NULL, qc BYTEA NOT NULL, tx_count INTEGER NOT NULL, size_bytes BIGINT NOT NULL,
                output BYTEA NOT NULL, output_cert BYTEA NOT NULL, sources BYTEA NOT NULL);
            CREATE TABLE IF NOT EXISTS {s}.batches(height BIGINT NOT NULL, position INTEGER NOT NULL, data BYTEA NOT NULL,
                PRIMARY KEY(height, position));
            CREATE TABLE IF NOT EXISTS {s}.transactions(height BIGINT NOT NULL, idx INTEGER NOT NULL, hash BYTEA NOT NULL,
                namespace BIGINT NOT NULL, payload BYTEA NOT NULL, PRIMARY KEY(height, idx));
            CREATE INDEX IF NOT EXISTS transactions_hash ON {s}.transactions(hash);
            CREATE INDEX IF NOT EXISTS transactions_namespace ON {s}.transactions(namespace, height, idx);
            """);

        using (var version = new NpgsqlCommand($"SELECT version FROM {s}.schema_version", connection, transaction))
        {
            var found = version.ExecuteScalar();
            if (found is null)
            {
                Execute(connection, transaction, $"INSERT INTO {s}.schema_version(version) VALUES ({SchemaVersion})");
            }
            else if ((int)found != SchemaVersion)
            {
                throw new InvalidDataException($"schema {s} has query schema version {found}; this build knows {SchemaVersion}");
            }
        }

        transaction.Commit();
    }

    private ulong ReadIndexedHeight(NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        using var command = new NpgsqlCommand(_indexedHeightSql, connection, transaction);
        return FromDbHeight((long)command.ExecuteScalar()!);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, long height)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = height });
        return command;
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        command.ExecuteNonQuery();
    }

    private static ulong FromDbHeight(long value) =>
        value >= 0 ? (ulong)value : throw new InvalidDataException($"the index holds a negative height {value}");

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex Identifier();
}

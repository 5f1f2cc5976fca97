using Microsoft.Data.Sqlite;

namespace Fairway.Storage.Query;

/// <summary>
/// Connection settings and tables of <see cref="SqliteQueryStore"/>. The file is marked with its own
/// <c>PRAGMA application_id</c>, so a chain store file handed over by mistake is refused instead of misread, and the
/// schema version lives in <c>PRAGMA user_version</c>, so a file from a future build is refused too.
/// </summary>
internal static class SqliteQuerySchema
{
    public const long Version = 3;

    /// <summary>"FWQI": Fairway query index.</summary>
    public const long ApplicationId = 0x46575149;

    public static void Apply(SqliteConnection connection)
    {
        var mode = SqliteCommands.Scalar(connection, "PRAGMA journal_mode=WAL") as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"SQLite refused WAL mode for {connection.DataSource} (got {mode})");
        }

        // NORMAL, not FULL: in WAL mode a commit is not fsynced before it returns, so a power loss may drop the last
        // few indexed blocks (never corrupt the file). That is fine here: the index is derived data and is rebuilt from
        // the chain store, which is the durable record; the indexer simply resumes from IndexedHeight + 1.
        SqliteCommands.Execute(connection, "PRAGMA synchronous=NORMAL");

        var applicationId = (long)SqliteCommands.Scalar(connection, "PRAGMA application_id")!;
        var version = (long)SqliteCommands.Scalar(connection, "PRAGMA user_version")!;
        if (applicationId == ApplicationId && version == Version)
        {
            return;
        }

        if (applicationId != ApplicationId && (applicationId != 0 || version != 0))
        {
            throw new InvalidDataException(
                $"{connection.DataSource} is not a Fairway query index (application id {applicationId}, schema version {version})");
        }

        if (version > Version)
        {
            throw new InvalidDataException($"{connection.DataSource} has query schema version {version}; this build knows {Version}");
        }

        using var transaction = connection.BeginTransaction();
        // The index is derived from the chain store, so an index of an older schema is dropped, not migrated: the node
        // rebuilds it from IndexedHeight 0 on start.
        SqliteCommands.Execute(connection, "DROP TABLE IF EXISTS transactions; DROP TABLE IF EXISTS transaction_keys; DROP TABLE IF EXISTS key_progress; DROP TABLE IF EXISTS batches; DROP TABLE IF EXISTS blocks;", transaction);
        // Payloads live once, in the batch blobs. A transaction row is only its hash key (the first 8 bytes of its hash)
        // and where its encoding sits: writing a row per transaction with its payload, a namespace index and a full-hash
        // index cost most of a validator's CPU per transaction under load (random B-tree pages rewritten on every block).
        // One payload may be committed twice, so the key is (key, height, idx); lookups compare full hashes. Keys reach the
        // table in sorted generations (see PendingTransactionKeys); key_progress is the height up to which they are all
        // there, and the rest is rebuilt from the batches on open.
        SqliteCommands.Execute(
            connection,
            """
            CREATE TABLE blocks(height INTEGER PRIMARY KEY, hash BLOB NOT NULL, block BLOB NOT NULL, qc BLOB NOT NULL,
                tx_count INTEGER NOT NULL, size_bytes INTEGER NOT NULL, output BLOB NOT NULL, output_cert BLOB NOT NULL,
                sources BLOB NOT NULL);
            CREATE TABLE batches(height INTEGER NOT NULL, position INTEGER NOT NULL, data BLOB NOT NULL,
                PRIMARY KEY(height, position));
            CREATE TABLE transaction_keys(key INTEGER NOT NULL, height INTEGER NOT NULL, idx INTEGER NOT NULL,
                position INTEGER NOT NULL, offset INTEGER NOT NULL, length INTEGER NOT NULL,
                PRIMARY KEY(key, height, idx)) WITHOUT ROWID;
            CREATE TABLE key_progress(height INTEGER NOT NULL);
            INSERT INTO key_progress(height) VALUES (0);
            """,
            transaction);
        SqliteCommands.Execute(connection, $"PRAGMA application_id={ApplicationId}", transaction);
        SqliteCommands.Execute(connection, $"PRAGMA user_version={Version}", transaction);
        transaction.Commit();
    }
}

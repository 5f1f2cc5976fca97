using Microsoft.Data.Sqlite;

namespace Fairway.Storage;

/// <summary>
/// Connection settings and tables of <see cref="SqliteChainStore"/>. The schema version lives in
/// <c>PRAGMA user_version</c>, so a file from a future build is refused instead of misread.
/// </summary>
internal static class SqliteSchema
{
    public const long Version = 4;

    private const string ReceiptsTable = """
        CREATE TABLE batch_receipts(digest BLOB PRIMARY KEY, received_ms INTEGER NOT NULL);
        CREATE INDEX batch_receipts_time ON batch_receipts(received_ms);
        """;

    public static void Apply(SqliteConnection connection)
    {
        // journal_mode answers with the mode in force; anything but wal voids the store's durability argument.
        var mode = SqliteCommands.Scalar(connection, "PRAGMA journal_mode=WAL") as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"SQLite refused WAL mode for {connection.DataSource} (got {mode})");
        }

        // FULL: each commit fsyncs the WAL before returning, which is what makes a write durable on return.
        // Blocks and batches need not reach the disk one by one: NORMAL lets them wait in the WAL, and the store switches to
        // FULL for the writes that must be durable on return (commits and Flush). A later fsync of the WAL covers all earlier frames.
        SqliteCommands.Execute(connection, "PRAGMA synchronous=NORMAL");
        SqliteCommands.Execute(connection, "CREATE TABLE IF NOT EXISTS sync_marker(id INTEGER PRIMARY KEY, n INTEGER NOT NULL)");

        var version = (long)SqliteCommands.Scalar(connection, "PRAGMA user_version")!;
        if (version == Version)
        {
            return;
        }

        if (version == 3)
        {
            // Version 4 only adds the receive times of batches; a version 3 file gains the empty table.
            using var upgrade = connection.BeginTransaction();
            SqliteCommands.Execute(connection, ReceiptsTable, upgrade);
            SqliteCommands.Execute(connection, $"PRAGMA user_version={Version}", upgrade);
            upgrade.Commit();
            return;
        }

        if (version is 1 or 2)
        {
            // Versions 1 and 2 predate ordered outputs: their committed blocks have no output header, no sources and no
            // certificates, and these cannot be made up here without running the node's ordering stage. The data is not
            // touched; the operator moves it aside and the node syncs the chain again from its peers.
            throw new InvalidDataException(
                $"{connection.DataSource} has schema version {version}, from before certified outputs (this build writes {Version}); "
                + "move the data directory aside and start the node again: it syncs the chain from its peers");
        }

        if (version != 0)
        {
            throw new InvalidDataException($"{connection.DataSource} has schema version {version}; this build knows {Version}");
        }

        using var transaction = connection.BeginTransaction();
        SqliteCommands.Execute(
            connection,
            """
            CREATE TABLE blocks(hash BLOB PRIMARY KEY, height INTEGER NOT NULL, round INTEGER NOT NULL, data BLOB NOT NULL);
            CREATE INDEX blocks_height ON blocks(height);
            CREATE TABLE batches(digest BLOB PRIMARY KEY, data BLOB NOT NULL);
            CREATE TABLE committed(height INTEGER PRIMARY KEY, block_hash BLOB NOT NULL, qc BLOB NOT NULL, tx_count INTEGER NOT NULL,
                output BLOB NOT NULL, sources BLOB NOT NULL, output_cert BLOB);
            """,
            transaction);
        SqliteCommands.Execute(connection, ReceiptsTable, transaction);
        SqliteCommands.Execute(connection, $"PRAGMA user_version={Version}", transaction);
        transaction.Commit();
    }
}

using Microsoft.Data.Sqlite;

namespace Fairway.Storage;

/// <summary>Small helpers so the store's SQL reads as SQL: parameters are declared by naming them in the text.</summary>
internal static class SqliteCommands
{
    /// <summary>A command with one parameter per distinct <c>$name</c> in <paramref name="sql"/>; callers set only values.</summary>
    public static SqliteCommand Create(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var name in ParameterNames(sql))
        {
            command.Parameters.Add(new SqliteParameter(name, null));
        }

        return command;
    }

    public static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = Create(connection, sql);
        return command.ExecuteScalar();
    }

    /// <summary>Disposes a store's prepared commands, then its connection (which closes the file: stores do not pool).</summary>
    public static void Close(IEnumerable<SqliteCommand> commands, SqliteConnection connection)
    {
        foreach (var command in commands)
        {
            command.Dispose();
        }

        connection.Dispose();
    }

    public static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = Create(connection, sql, transaction);
        command.ExecuteNonQuery();
    }

    private static HashSet<string> ParameterNames(string sql)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < sql.Length; i++)
        {
            if (sql[i] != '$')
            {
                continue;
            }

            var end = i + 1;
            while (end < sql.Length && (char.IsAsciiLetterOrDigit(sql[end]) || sql[end] == '_'))
            {
                end++;
            }

            names.Add(sql[i..end]);
            i = end - 1;
        }

        return names;
    }
}

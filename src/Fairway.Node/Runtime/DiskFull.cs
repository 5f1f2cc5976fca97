using Microsoft.Data.Sqlite;

namespace Fairway.Node.Runtime;

/// <summary>Recognises a write that failed because the disk (or the quota) is full, however it was wrapped on the way up.</summary>
public static class DiskFull
{
    private const int Enospc = 28;
    private const int Edquot = 122;
    private const int SqliteFull = 13;

    public static bool Is(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case AggregateException aggregate when aggregate.InnerExceptions.Any(Is):
                    return true;
                case SqliteException sqlite when sqlite.SqliteErrorCode == SqliteFull:
                    return true;
                // .NET on Unix puts errno in the low bits of HResult for the IOExceptions it raises from a failed write.
                case IOException io when (io.HResult & 0xFFFF) is Enospc or Edquot:
                    return true;
            }
        }

        return false;
    }
}

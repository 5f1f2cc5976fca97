using Fairway.Node.Runtime;
using Microsoft.Data.Sqlite;

namespace Fairway.Node.Tests;

/// <summary>What the node takes for a full disk: the errors its stores raise on ENOSPC, however wrapped.</summary>
public sealed class DiskFullTests
{
    [Fact]
    public void Enospc_and_sqlite_full_are_recognised_through_wrappers()
    {
        // .NET on Linux raises a failed write as IOException with errno in HResult.
        var enospc = new IOException("No space left on device", 28);
        var sqliteFull = new SqliteException("database or disk is full", 13);

        Assert.True(DiskFull.Is(enospc));
        Assert.True(DiskFull.Is(new IOException("quota", 122)));
        Assert.True(DiskFull.Is(sqliteFull));
        // The disk writer's failure reaches the event loop wrapped twice.
        Assert.True(DiskFull.Is(new InvalidOperationException("the disk writer failed", new AggregateException(sqliteFull))));
    }

    [Fact]
    public void Other_failures_are_not_a_full_disk()
    {
        Assert.False(DiskFull.Is(null));
        Assert.False(DiskFull.Is(new IOException("Input/output error", 5)));
        Assert.False(DiskFull.Is(new SqliteException("database disk image is malformed", 11)));
        Assert.False(DiskFull.Is(new InvalidOperationException("bug")));
    }
}

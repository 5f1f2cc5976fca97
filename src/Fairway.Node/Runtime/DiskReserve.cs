namespace Fairway.Node.Runtime;

/// <summary>What a probe of <see cref="DiskReserve"/> changed.</summary>
public enum DiskReserveChange
{
    None,
    BecameLow,
    Cleared,
}

/// <summary>
/// The first line of defence against a full disk: free space on the data directory's file system, watched against a
/// reserve. While it is below the reserve the validator takes no new work but keeps following consensus on what is
/// left, so an operator has time to act before a write fails (and the node has to stop, see <see cref="DiskFull"/>).
/// Pure but for the injected probe, so tests drive it with any numbers.
/// </summary>
public sealed class DiskReserve
{
    /// <summary>How often the file system is asked: statvfs is cheap, but the loop has better things to do every tick.</summary>
    public const long ProbeIntervalMs = 1_000;

    /// <summary>Largest margin above the reserve that clearing needs (see <see cref="ClearBytes"/>).</summary>
    private const long ClearMarginMaxBytes = 16L * 1024 * 1024;

    private readonly Func<long?> _freeBytes;
    private long _probedAtMs = long.MinValue / 2;

    /// <param name="reserveBytes">Free bytes below which the disk is low; 0 turns the check off (free space is still read).</param>
    /// <param name="freeBytes">Free bytes available to this process on the data directory's file system; null when they cannot be read.</param>
    public DiskReserve(long reserveBytes, Func<long?> freeBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(reserveBytes);
        ReserveBytes = reserveBytes;
        _freeBytes = freeBytes ?? throw new ArgumentNullException(nameof(freeBytes));
    }

    public long ReserveBytes { get; }

    /// <summary>
    /// Free bytes at which a low disk clears: a little above the reserve (a sixteenth of it, at most 16 MiB), so a node
    /// hovering at the line does not flip between taking and refusing work as blocks are written and pages freed.
    /// </summary>
    public long ClearBytes => ReserveBytes + Math.Min(ReserveBytes / 16, ClearMarginMaxBytes);

    public bool IsLow { get; private set; }

    /// <summary>Free bytes at the last probe that could read them; null before one has.</summary>
    public long? FreeBytes { get; private set; }

    /// <summary>Reads free space when a probe is due (at most once per <see cref="ProbeIntervalMs"/>) and says whether the state changed.</summary>
    public DiskReserveChange Poll(long nowMs)
    {
        if (nowMs - _probedAtMs < ProbeIntervalMs)
        {
            return DiskReserveChange.None;
        }

        _probedAtMs = nowMs;
        // An unreadable file system keeps the last state: the writes themselves will say if the disk is really gone.
        if (_freeBytes() is not { } free)
        {
            return DiskReserveChange.None;
        }

        FreeBytes = free;
        if (!IsLow && free < ReserveBytes)
        {
            IsLow = true;
            return DiskReserveChange.BecameLow;
        }

        if (IsLow && free >= ClearBytes)
        {
            IsLow = false;
            return DiskReserveChange.Cleared;
        }

        return DiskReserveChange.None;
    }

    /// <summary>The real probe: what statvfs says an unprivileged writer may still use under <paramref name="directory"/>.</summary>
    public static Func<long?> FreeBytesOf(string directory) => () =>
    {
        try
        {
            // On Unix DriveInfo takes any path and asks statvfs about it (f_bavail), not only a mount point.
            return new DriveInfo(directory).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    };
}

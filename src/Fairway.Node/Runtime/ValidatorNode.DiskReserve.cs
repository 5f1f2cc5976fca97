using Microsoft.Extensions.Logging;

namespace Fairway.Node.Runtime;

/// <summary>
/// The free-space reserve (<c>disk_reserve_bytes</c>): the first line of defence against a full disk. Below it this
/// validator refuses new submissions (admission control, <c>disk_full</c>) and so batches no new work, but it keeps
/// voting and storing blocks on the reserve, so the chain and this node stay live while an operator frees space.
/// Should the disk fill anyway, the last line is <see cref="DiskFull"/>: a clean stop.
/// </summary>
public sealed partial class ValidatorNode
{
    private readonly DiskReserve _diskReserve;

    /// <summary>Free bytes at the last probe, for refusal messages read on request threads.</summary>
    private long _diskFreeBytes;

    /// <summary>Probes free space when due (about once a second; from the loop's tick) and says so once on each change.</summary>
    private void CheckDiskReserve()
    {
        // The monotonic clock, not NodeClock: a test's clock shift must not speed up or stall the probe.
        var change = _diskReserve.Poll(_time.GetTimestamp() / Math.Max(1, _time.TimestampFrequency / 1_000));
        var free = _diskReserve.FreeBytes;
        Interlocked.Exchange(ref _diskFreeBytes, free ?? -1);
        Metrics.SetDisk(free, _diskReserve.ReserveBytes, _diskReserve.IsLow);
        switch (change)
        {
            case DiskReserveChange.BecameLow:
                LogDiskLow(_log, _identity.Config.DataDir, free ?? -1, _diskReserve.ReserveBytes);
                break;
            case DiskReserveChange.Cleared:
                LogDiskCleared(_log, _identity.Config.DataDir, free ?? -1, _diskReserve.ReserveBytes);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "disk low at {DataDir}: {Free} bytes free, below the reserve of {Reserve} bytes (disk_reserve_bytes): refusing new submissions, still following consensus; free space")]
    private static partial void LogDiskLow(ILogger logger, string dataDir, long free, long reserve);

    [LoggerMessage(Level = LogLevel.Warning, Message = "disk space back at {DataDir}: {Free} bytes free, above the reserve of {Reserve} bytes: taking submissions again")]
    private static partial void LogDiskCleared(ILogger logger, string dataDir, long free, long reserve);
}

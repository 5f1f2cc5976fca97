using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Fairway.Node.Runtime;

/// <summary>
/// This validator's wall clock, the one place the node reads it for what it signs or orders by (receipts, receive times,
/// candidate lists, block timestamps). Two test-only shifts: <c>clock_offset_ms</c>, fixed at start, and
/// <c>test_clock_file</c>, re-read about every <see cref="RefreshMs"/> ms (when its mtime changes) so a test can make a
/// running validator's clock jump. Monotonic timers (<see cref="TimeProvider"/> delays, the ticker) are not shifted,
/// as a real clock jump would not shift them either.
/// </summary>
public sealed partial class NodeClock
{
    /// <summary>How often the clock file's mtime is looked at: cheap, and quick enough for a test to see a jump.</summary>
    public const long RefreshMs = 500;

    /// <summary>The largest shift the file may hold either way, as for <c>clock_offset_ms</c>.</summary>
    public const long FileOffsetMaxMs = 3_600_000;

    private readonly TimeProvider _time;
    private readonly long _fixedOffsetMs;
    private readonly string? _file;
    private readonly IClockFile _reader;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private long _nextCheck;
    private DateTime? _seenWrite;
    private long _fileOffsetMs;
    private bool _warned;

    public NodeClock(TimeProvider time, long fixedOffsetMs, string? file, ILogger log, IClockFile? reader = null)
    {
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _fixedOffsetMs = fixedOffsetMs;
        _file = file;
        _reader = reader ?? RealClockFile.Instance;
        _nextCheck = time.GetTimestamp();
    }

    /// <summary>Unix milliseconds on this validator's (possibly shifted) clock.</summary>
    public long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds() + _fixedOffsetMs + FileOffsetMs;

    /// <summary>The shift read from <c>test_clock_file</c>: its last good value, 0 without the file.</summary>
    public long FileOffsetMs
    {
        get
        {
            if (_file is null)
            {
                return 0;
            }

            // NowMs is read on the event loop and on API threads; only a due check takes the lock.
            if (_time.GetTimestamp() >= Volatile.Read(ref _nextCheck))
            {
                lock (_gate)
                {
                    if (_time.GetTimestamp() >= _nextCheck)
                    {
                        Refresh(_file);
                        Volatile.Write(ref _nextCheck, _time.GetTimestamp() + (RefreshMs * _time.TimestampFrequency / 1000));
                    }
                }
            }

            return Volatile.Read(ref _fileOffsetMs);
        }
    }

    private void Refresh(string file)
    {
        DateTime? written;
        string? text;
        try
        {
            written = _reader.LastWriteUtc(file);
            if (written is null || written == _seenWrite)
            {
                if (written is null)
                {
                    WarnOnce(file, "it does not exist");
                }

                return;
            }

            text = _reader.Read(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WarnOnce(file, e.Message);
            return;
        }

        _seenWrite = written;
        if (!long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var offset)
            || offset is < -FileOffsetMaxMs or > FileOffsetMaxMs)
        {
            WarnOnce(file, $"it must hold one integer of milliseconds between -{FileOffsetMaxMs} and {FileOffsetMaxMs}");
            return;
        }

        _warned = false;
        if (offset != _fileOffsetMs)
        {
            LogShift(_log, offset, file);
            Volatile.Write(ref _fileOffsetMs, offset);
        }
    }

    /// <summary>Once until the file is good again: a test that leaves it broken must not fill the log.</summary>
    private void WarnOnce(string file, string why)
    {
        if (!_warned)
        {
            _warned = true;
            LogBadFile(_log, file, why, _fileOffsetMs);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "test_clock_file: this validator's clock is now shifted by {OffsetMs} ms (from {File}), on top of clock_offset_ms")]
    private static partial void LogShift(ILogger logger, long offsetMs, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "test_clock_file {File} not used ({Why}); keeping the last good shift, {OffsetMs} ms")]
    private static partial void LogBadFile(ILogger logger, string file, string why, long offsetMs);
}

/// <summary>How <see cref="NodeClock"/> looks at its file: the seam tests replace.</summary>
public interface IClockFile
{
    /// <summary>The file's last write time, or null when it does not exist.</summary>
    DateTime? LastWriteUtc(string path);

    string Read(string path);
}

internal sealed class RealClockFile : IClockFile
{
    public static readonly RealClockFile Instance = new();

    private const int BytesMax = 64;

    public DateTime? LastWriteUtc(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? info.LastWriteTimeUtc : null;
    }

    public string Read(string path)
    {
        // A few bytes at most: a number, maybe a newline. A larger file is malformed, not something to read whole.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var buffer = new byte[BytesMax + 1];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return read > BytesMax ? "" : System.Text.Encoding.ASCII.GetString(buffer, 0, read);
    }
}

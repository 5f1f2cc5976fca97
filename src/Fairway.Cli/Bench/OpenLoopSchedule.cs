using System.Diagnostics;

namespace Fairway.Cli.Bench;

/// <summary>
/// The send times of one open-loop run, fixed before it starts: transaction <c>i</c> is due at
/// <c>start + i / rate</c>. Nothing the system under test does can move them, and every latency is measured from them.
/// </summary>
internal sealed class OpenLoopSchedule
{
    public OpenLoopSchedule(double ratePerSecond, int seconds, long startTimestamp)
    {
        if (ratePerSecond <= 0 || seconds <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ratePerSecond), "rate and duration must be positive");
        }

        var count = Math.Round(ratePerSecond * seconds);
        if (count > int.MaxValue - 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ratePerSecond), "rate x seconds is too many transactions");
        }

        RatePerSecond = ratePerSecond;
        Seconds = seconds;
        StartTimestamp = startTimestamp;
        Count = Math.Max(1, (int)count);
        EndTimestamp = startTimestamp + (long)seconds * Stopwatch.Frequency;
    }

    public double RatePerSecond { get; }

    public int Seconds { get; }

    /// <summary>How many transactions the run sends.</summary>
    public int Count { get; }

    public long StartTimestamp { get; }

    /// <summary>End of the measurement window (start + seconds).</summary>
    public long EndTimestamp { get; }

    public long DueTimestamp(int index) => StartTimestamp + (long)(index * (double)Stopwatch.Frequency / RatePerSecond);

    /// <summary>How many transactions (a prefix 0..n-1) are due at <paramref name="nowTimestamp"/>.</summary>
    public int DueCount(long nowTimestamp)
    {
        if (nowTimestamp < StartTimestamp)
        {
            return 0;
        }

        var elapsedSeconds = (nowTimestamp - StartTimestamp) / (double)Stopwatch.Frequency;
        var due = Math.Floor(elapsedSeconds * RatePerSecond) + 1;
        return due >= Count ? Count : (int)due;
    }

    /// <summary>Milliseconds from transaction <paramref name="index"/>'s scheduled send time to <paramref name="timestamp"/>.</summary>
    public double MillisecondsSinceDue(int index, long timestamp) =>
        (timestamp - DueTimestamp(index)) * 1000.0 / Stopwatch.Frequency;
}

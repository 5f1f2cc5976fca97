using System.Diagnostics;

namespace Fairway.Cli.Bench;

/// <summary>
/// Everything recorded for one offered rate: per transaction, its received and firm latency (NaN until known) and
/// whether the validator accepted it. Senders write disjoint indices; the single firm watcher writes firm times.
/// </summary>
internal sealed class RateRun
{
    private readonly float[] _receivedMs;
    private readonly float[] _firmMs;
    private readonly bool[] _accepted;
    private long _acceptedCount;
    private long _rejectedCount;
    private long _firmCount;
    private long _firmInWindow;
    private long _firmAcceptedCount;

    public RateRun(OpenLoopSchedule schedule, ulong counterBase)
    {
        Schedule = schedule;
        CounterBase = counterBase;
        _receivedMs = new float[schedule.Count];
        _firmMs = new float[schedule.Count];
        _accepted = new bool[schedule.Count];
        Array.Fill(_receivedMs, float.NaN);
        Array.Fill(_firmMs, float.NaN);
    }

    public OpenLoopSchedule Schedule { get; }

    /// <summary>Payload counter of transaction 0 of this run.</summary>
    public ulong CounterBase { get; }

    public LatencyRecorder Soft { get; } = new();

    public long AcceptedCount => Interlocked.Read(ref _acceptedCount);

    public long RejectedCount => Interlocked.Read(ref _rejectedCount);

    public long FirmCount => Interlocked.Read(ref _firmCount);

    public long FirmInWindow => Interlocked.Read(ref _firmInWindow);

    /// <summary>Accepted transactions seen firm: the drain waits for this to reach <see cref="AcceptedCount"/>.</summary>
    public long FirmAcceptedCount => Interlocked.Read(ref _firmAcceptedCount);

    /// <summary>Last error a sender saw (HTTP status or exception), for the operator.</summary>
    public string? LastError { get; set; }

    public bool Owns(ulong counter) => counter >= CounterBase && counter - CounterBase < (ulong)Schedule.Count;

    public void MarkReceived(int index, long timestamp, bool accepted)
    {
        _receivedMs[index] = (float)Schedule.MillisecondsSinceDue(index, timestamp);
        if (accepted)
        {
            Volatile.Write(ref _accepted[index], true);
            Interlocked.Increment(ref _acceptedCount);
            if (!float.IsNaN(Volatile.Read(ref _firmMs[index])))
            {
                // The block arrived before the HTTP response did.
                Interlocked.Increment(ref _firmAcceptedCount);
            }
        }
        else
        {
            Interlocked.Increment(ref _rejectedCount);
        }
    }

    public void MarkFirm(ulong counter, long timestamp)
    {
        var index = (int)(counter - CounterBase);
        if (!float.IsNaN(_firmMs[index]))
        {
            return;
        }

        Volatile.Write(ref _firmMs[index], (float)Schedule.MillisecondsSinceDue(index, timestamp));
        Interlocked.Increment(ref _firmCount);
        if (timestamp <= Schedule.EndTimestamp)
        {
            Interlocked.Increment(ref _firmInWindow);
        }

        if (Volatile.Read(ref _accepted[index]))
        {
            Interlocked.Increment(ref _firmAcceptedCount);
        }
    }

    /// <summary>Accepted transactions not (yet) seen firm.</summary>
    public long Uncommitted()
    {
        long n = 0;
        for (var i = 0; i < _accepted.Length; i++)
        {
            if (Volatile.Read(ref _accepted[i]) && float.IsNaN(Volatile.Read(ref _firmMs[i])))
            {
                n++;
            }
        }

        return n;
    }

    public LatencyStats ReceivedStats() => LatencyStats.Of(_receivedMs.Select(v => (double)v));

    public LatencyStats FirmStats() => LatencyStats.Of(_firmMs.Select(v => (double)v));

    public static long Now() => Stopwatch.GetTimestamp();
}

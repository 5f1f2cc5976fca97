namespace Fairway.Chaos;

/// <summary>Milliseconds since the campaign started: every record of a history is stamped on this one clock.</summary>
public sealed class ChaosClock(TimeProvider time)
{
    private readonly long _start = time.GetTimestamp();

    public long NowMs => (long)time.GetElapsedTime(_start).TotalMilliseconds;
}

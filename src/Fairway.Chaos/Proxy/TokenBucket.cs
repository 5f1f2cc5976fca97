namespace Fairway.Chaos.Proxy;

/// <summary>
/// Bandwidth cap for one connection direction. The burst is a tenth of a second's worth (at most one chunk), so a cap
/// holds over short windows too and a cap change takes effect within about that long.
/// </summary>
internal sealed class TokenBucket(TimeProvider time)
{
    private double _tokens = double.NaN;
    private long _stamp;

    public static int Burst(int bytesPerSecond) => Math.Clamp(bytesPerSecond / 10, 1, FaultProxy.ChunkSize);

    /// <summary>How long until <paramref name="bytes"/> (at most a burst) may be sent; zero means take them now.</summary>
    public TimeSpan WaitFor(int bytes, int bytesPerSecond)
    {
        var burst = Burst(bytesPerSecond);
        var now = time.GetTimestamp();
        _tokens = double.IsNaN(_tokens)
            ? burst
            : Math.Min(burst, _tokens + (time.GetElapsedTime(_stamp, now).TotalSeconds * bytesPerSecond));
        _stamp = now;
        var missing = Math.Min(bytes, burst) - _tokens;
        return missing <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(missing / bytesPerSecond);
    }

    public void Take(int bytes) => _tokens -= bytes;
}

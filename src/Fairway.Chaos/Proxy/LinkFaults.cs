using System.Globalization;

namespace Fairway.Chaos.Proxy;

/// <summary>
/// The faults one directed link applies to every connection through it, in both directions of each connection. Values
/// are checked when set so that a schedule with a bad number fails where it is built, not inside a proxy's loop.
/// </summary>
public sealed record LinkFaults
{
    public static readonly LinkFaults None = new();

    /// <summary>Partition only: what <see cref="ProxyMesh"/> puts on a link between different groups.</summary>
    internal static readonly LinkFaults BlockedOnly = new() { Blocked = true };

    /// <summary>One-way delay added to every chunk, in milliseconds.</summary>
    public int DelayMs
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    }

    /// <summary>Extra delay drawn uniformly from [0, JitterMs]; a chunk is never released before the one read before it.</summary>
    public int JitterMs
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    }

    /// <summary>Rate at which each open connection is cut (both sides, bytes in flight dropped), as a Poisson process.</summary>
    public double CutsPerSecond
    {
        get;
        init
        {
            if (!double.IsFinite(value) || value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "cuts per second must be finite and not negative");
            }

            field = value;
        }
    }

    /// <summary>Connections are accepted and kept but nothing is forwarded; bytes are held up to the proxy's bound.</summary>
    public bool Stalled { get; init; }

    /// <summary>Cap per connection direction; 0 means unlimited.</summary>
    public int BandwidthBytesPerSecond
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    }

    /// <summary>Open connections are cut at once and new ones are accepted and cut at once.</summary>
    public bool Blocked { get; init; }

    public bool IsNone => Equals(None);

    /// <summary>Short enough for a log line: "none", or only the faults that are on.</summary>
    public override string ToString()
    {
        if (IsNone)
        {
            return "none";
        }

        var parts = new List<string>();
        if (Blocked)
        {
            parts.Add("blocked");
        }

        if (Stalled)
        {
            parts.Add("stalled");
        }

        if (DelayMs > 0 || JitterMs > 0)
        {
            parts.Add(JitterMs > 0 ? $"delay {DelayMs}+{JitterMs}ms" : $"delay {DelayMs}ms");
        }

        if (CutsPerSecond > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"cuts {CutsPerSecond:0.###}/s"));
        }

        if (BandwidthBytesPerSecond > 0)
        {
            parts.Add($"{BandwidthBytesPerSecond} B/s");
        }

        return string.Join(", ", parts);
    }
}

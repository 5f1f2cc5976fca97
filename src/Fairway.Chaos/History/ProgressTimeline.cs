namespace Fairway.Chaos.History;

/// <summary>The progress samples in time order, each with the highest committed height any reachable node reported.</summary>
internal sealed class ProgressTimeline
{
    private readonly ProgressSample[] _samples;
    private readonly ulong?[] _max;

    public ProgressTimeline(IReadOnlyList<ProgressSample> samples)
    {
        _samples = [.. samples.Select((s, i) => (s, i)).OrderBy(x => x.s.AtMs).ThenBy(x => x.i).Select(x => x.s)];
        _max = [.. _samples.Select(s => s.Heights.Max())];
    }

    public int Count => _samples.Length;

    public long At(int i) => _samples[i].AtMs;

    /// <summary>The highest reachable node's height, or null when no node could be reached.</summary>
    public ulong? Max(int i) => _max[i];

    public ulong? Height(int i, int node) =>
        node >= 0 && node < _samples[i].Heights.Count ? _samples[i].Heights[node] : null;

    /// <summary>The highest committed height last reported at or before the moment; 0 if none was.</summary>
    public ulong MaxAtOrBefore(long atMs)
    {
        for (var i = FirstAfter(atMs) - 1; i >= 0; i--)
        {
            if (_max[i] is { } max)
                return max;
        }
        return 0;
    }

    /// <summary>The index of the first sample taken strictly after the moment.</summary>
    public int FirstAfter(long atMs)
    {
        int lo = 0, hi = _samples.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_samples[mid].AtMs <= atMs)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }
}

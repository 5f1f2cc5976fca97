namespace Fairway.Node.Runtime;

/// <summary>
/// A token bucket per peer: up to <c>burst</c> at once, refilled at <c>perSecond</c>. It bounds the work one peer can
/// make this validator do (signature checks) without slowing the others. Sized once by the validator set; the caller
/// gives the time, so it is monotonic and tests can drive it.
/// </summary>
internal sealed class PeerRateLimit
{
    private readonly double _perMs;
    private readonly double _burst;
    private readonly double[] _tokens;
    private readonly long[] _atMs;

    public PeerRateLimit(int peers, double perSecond, double burst, long nowMs)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(peers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        _perMs = perSecond / 1000.0;
        _burst = burst;
        _tokens = Enumerable.Repeat(burst, peers).ToArray();
        _atMs = Enumerable.Repeat(nowMs, peers).ToArray();
    }

    /// <summary>True, and one token spent, when <paramref name="peer"/> has one; an index outside the set never has.</summary>
    public bool TryTake(int peer, long nowMs)
    {
        if ((uint)peer >= (uint)_tokens.Length)
        {
            return false;
        }

        // A clock read that goes back refills nothing rather than draining the bucket.
        var elapsed = Math.Max(0, nowMs - _atMs[peer]);
        _tokens[peer] = Math.Min(_burst, _tokens[peer] + (elapsed * _perMs));
        _atMs[peer] = Math.Max(_atMs[peer], nowMs);
        if (_tokens[peer] < 1)
        {
            return false;
        }

        _tokens[peer] -= 1;
        return true;
    }
}

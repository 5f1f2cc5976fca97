namespace Fairway.Core.Crypto;

/// <summary>
/// A hash computed on first use and cached, safe to read from any thread. A <see cref="Hash"/> is four 64-bit words,
/// so a plain <c>Hash?</c> cache is written in several stores: a thread reading it while another fills it can see it
/// marked present with some words still zero, and use a hash that names nothing. Here the value is written before the
/// volatile flag that publishes it, and read only after the flag; threads racing to fill it write the same value.
/// Keep it in a mutable field (never <c>readonly</c>): it is filled in place.
/// </summary>
public struct CachedHash
{
    private Hash _value;
    private volatile bool _present;

    /// <summary>The cached hash, or <paramref name="compute"/>'s result cached first.</summary>
    public Hash GetOrCompute<TState>(TState state, Func<TState, Hash> compute)
    {
        ArgumentNullException.ThrowIfNull(compute);
        if (_present)
        {
            return _value;
        }

        var value = compute(state);
        _value = value;
        _present = true;
        return value;
    }
}

namespace Fairway.Rollups.Options;

/// <summary>
/// Black–Scholes prices with r = 0, in <see cref="FixedPoint"/> arithmetic so every executor quotes the same premium.
/// Prices are micro-USD per whole unit of the underlying; the volatility is in parts per million (200,000 = 20%);
/// time is in milliseconds, over a 365-day year.
/// </summary>
public static class BlackScholes
{
    public const ulong MillisecondsPerYear = 31_536_000_000;

    /// <summary>The value of a call, in micro-USD per unit times 10^12 (not yet rounded).</summary>
    public static Int128 CallExact(ulong spot, ulong strike, ulong timeMs, ulong volatilityPpm) => Price(spot, strike, timeMs, volatilityPpm).Call;

    /// <summary>The value of a put, in micro-USD per unit times 10^12 (not yet rounded).</summary>
    public static Int128 PutExact(ulong spot, ulong strike, ulong timeMs, ulong volatilityPpm) => Price(spot, strike, timeMs, volatilityPpm).Put;

    /// <summary>A call's price in micro-USD per unit, rounded up.</summary>
    public static ulong Call(ulong spot, ulong strike, ulong timeMs, ulong volatilityPpm) => RoundUp(CallExact(spot, strike, timeMs, volatilityPpm));

    /// <summary>A put's price in micro-USD per unit, rounded up.</summary>
    public static ulong Put(ulong spot, ulong strike, ulong timeMs, ulong volatilityPpm) => RoundUp(PutExact(spot, strike, timeMs, volatilityPpm));

    /// <summary>
    /// d1 = (ln(S/K) + σ²T/2) / (σ√T), d2 = d1 − σ√T; call = S·Φ(d1) − K·Φ(d2), put = K·Φ(−d2) − S·Φ(−d1). With no
    /// time or no volatility left, the intrinsic values.
    /// </summary>
    private static (Int128 Call, Int128 Put) Price(ulong spot, ulong strike, ulong timeMs, ulong volatilityPpm)
    {
        ArgumentOutOfRangeException.ThrowIfZero(spot);
        ArgumentOutOfRangeException.ThrowIfZero(strike);
        var one = FixedPoint.One;
        var years = (Int128)timeMs * one / MillisecondsPerYear;
        var sigma = (Int128)volatilityPpm * 1_000_000;
        var spread = FixedPoint.Mul(sigma, FixedPoint.Sqrt(years));
        if (spread == 0)
        {
            return (Int128.Max(0, ((Int128)spot - strike) * one), Int128.Max(0, ((Int128)strike - spot) * one));
        }

        var logMoneyness = FixedPoint.Ln((Int128)spot * one / strike);
        var d1 = FixedPoint.Div(logMoneyness + (FixedPoint.Mul(spread, spread) / 2), spread);
        var d2 = d1 - spread;
        var call = ((Int128)spot * FixedPoint.NormalCdf(d1)) - ((Int128)strike * FixedPoint.NormalCdf(d2));
        var put = ((Int128)strike * FixedPoint.NormalCdf(-d2)) - ((Int128)spot * FixedPoint.NormalCdf(-d1));
        return (Int128.Max(0, call), Int128.Max(0, put));
    }

    private static ulong RoundUp(Int128 exact) => (ulong)((exact + FixedPoint.One - 1) / FixedPoint.One);
}

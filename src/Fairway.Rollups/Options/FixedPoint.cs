namespace Fairway.Rollups.Options;

/// <summary>
/// Signed fixed-point numbers with twelve decimals (a value v is held as v·10^12 in an <see cref="Int128"/>), and the
/// few functions Black–Scholes needs, in integer arithmetic only: every product and quotient truncates toward zero,
/// every series stops when its next term is zero. So any machine (and any language with 128-bit integers) computes
/// the same bits, which floating point does not promise across runtimes and CPUs.
/// </summary>
public static class FixedPoint
{
    public static readonly Int128 One = 1_000_000_000_000;

    /// <summary>ln 2 to twelve decimals (0.693147180559945…, rounded).</summary>
    private static readonly Int128 Ln2 = 693_147_180_560;

    /// <summary>1/√(2π) to twelve decimals (0.398942280401432…).</summary>
    private static readonly Int128 InverseSqrtTwoPi = 398_942_280_401;

    /// <summary>Below this |x| the normal CDF uses Marsaglia's series, above it the tail's continued fraction (each is accurate where the other is slow or loses digits).</summary>
    private static readonly Int128 SeriesLimit = 1_500_000_000_000;

    private const int ContinuedFractionTerms = 120;

    public static Int128 Mul(Int128 a, Int128 b) => a * b / One;

    public static Int128 Div(Int128 a, Int128 b) => a * One / b;

    /// <summary>Natural log of x &gt; 0: x = m·2^k with 1 ≤ m &lt; 2, ln m = 2·atanh((m−1)/(m+1)) by its series.</summary>
    public static Int128 Ln(Int128 x)
    {
        if (x <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(x), "ln is defined above 0");
        }

        var k = 0;
        while (x >= 2 * One)
        {
            x /= 2;
            k++;
        }

        while (x < One)
        {
            x *= 2;
            k--;
        }

        var z = Div(x - One, x + One);
        var z2 = Mul(z, z);
        Int128 sum = 0;
        var term = z;
        for (var n = 1; term != 0; n += 2)
        {
            sum += term / n;
            term = Mul(term, z2);
        }

        return (2 * sum) + (k * Ln2);
    }

    /// <summary>e^x: x = k·ln 2 + r with |r| ≤ ln 2 / 2, e^r by its Taylor series, then shifted by k. Below −60 it is 0 at this precision; above 40 it is capped.</summary>
    public static Int128 Exp(Int128 x)
    {
        if (x < -60 * One)
        {
            return 0;
        }

        x = Int128.Min(x, 40 * One);
        var k = (int)((x + (x >= 0 ? Ln2 / 2 : -Ln2 / 2)) / Ln2);
        var r = x - (k * Ln2);
        var sum = One;
        var term = One;
        for (var n = 1; term != 0; n++)
        {
            term = Mul(term, r) / n;
            sum += term;
        }

        return k >= 0 ? sum << k : sum >> -k;
    }

    /// <summary>√x for x ≥ 0, rounded down: the integer square root of x·10^12 by Newton's method from above.</summary>
    public static Int128 Sqrt(Int128 x)
    {
        if (x < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(x), "sqrt is defined from 0");
        }

        var n = x * One;
        if (n < 2)
        {
            return n;
        }

        var current = n;
        var next = (current + 1) / 2;
        while (next < current)
        {
            current = next;
            next = (current + (n / current)) / 2;
        }

        return current;
    }

    /// <summary>
    /// The standard normal CDF Φ(x), within about 10^-11. For |x| &lt; 1.5: Φ = ½ + φ(x)·(x + x³/3 + x⁵/(3·5) + …)
    /// (Marsaglia). Above: 1 − Φ(|x|) = φ(x) / (x + 1/(x + 2/(x + 3/(x + …)))), 120 levels, evaluated from the inside
    /// out. Φ(−x) = 1 − Φ(x).
    /// </summary>
    public static Int128 NormalCdf(Int128 x)
    {
        var ax = Int128.Abs(x);
        Int128 upper;
        if (ax >= 10 * One)
        {
            upper = One;
        }
        else
        {
            var x2 = Mul(ax, ax);
            var phi = Mul(InverseSqrtTwoPi, Exp(-x2 / 2));
            if (ax < SeriesLimit)
            {
                var term = ax;
                var sum = ax;
                for (var n = 3; term != 0; n += 2)
                {
                    term = Mul(term, x2) / n;
                    sum += term;
                }

                upper = (One / 2) + Mul(phi, sum);
            }
            else
            {
                var fraction = ax;
                for (var k = ContinuedFractionTerms; k >= 1; k--)
                {
                    fraction = ax + Div(k * One, fraction);
                }

                upper = One - Div(phi, fraction);
            }
        }

        return x >= 0 ? upper : One - upper;
    }
}

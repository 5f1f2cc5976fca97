using Fairway.Rollups.Options;

namespace Fairway.Rollups.Tests;

/// <summary>The fixed-point Black–Scholes against values computed independently in double precision (erfc).</summary>
public sealed class BlackScholesTests
{
    private const ulong Usd = 1_000_000;
    private const ulong Year = BlackScholes.MillisecondsPerYear;

    [Theory]
    // S, K, T (ms), σ (ppm), call and put in micro-USD (the reference values, rounded to the micro-USD)
    [InlineData(100, 100, Year, 200_000, 7_965_567, 7_965_567)]
    [InlineData(100, 110, Year / 2, 300_000, 4_745_684, 14_745_684)]
    [InlineData(3_000, 2_500, Year / 10, 800_000, 595_132_592, 95_132_592)]
    [InlineData(100, 200, Year, 200_000, 1_886, 100_001_886)]
    [InlineData(50, 100, 2 * Year, 1_000_000, 17_733_625, 67_733_625)]
    public void Prices_match_the_reference_within_two_micro_usd(ulong spot, ulong strike, ulong time, ulong sigma, long call, long put)
    {
        Assert.InRange((long)BlackScholes.Call(spot * Usd, strike * Usd, time, sigma), call - 2, call + 2);
        Assert.InRange((long)BlackScholes.Put(spot * Usd, strike * Usd, time, sigma), put - 2, put + 2);
    }

    [Fact]
    public void The_textbook_at_the_money_call_is_7_9656_and_a_nearby_volatility_is_not()
    {
        var call = BlackScholes.Call(100 * Usd, 100 * Usd, Year, 200_000) / (double)Usd;
        Assert.Equal(7.9656, call, 4);

        // Negative control: the tolerance would notice σ = 21%.
        Assert.NotEqual(7.9656, BlackScholes.Call(100 * Usd, 100 * Usd, Year, 210_000) / (double)Usd, 2);
    }

    [Fact]
    public void Without_time_or_volatility_an_option_is_worth_its_intrinsic_value()
    {
        Assert.Equal(20 * Usd, BlackScholes.Call(120 * Usd, 100 * Usd, 0, 200_000));
        Assert.Equal(0UL, BlackScholes.Put(120 * Usd, 100 * Usd, 0, 200_000));
        Assert.Equal(5 * Usd, BlackScholes.Put(95 * Usd, 100 * Usd, Year, 0));
    }

    [Theory]
    [InlineData(0.0, 0.5)]
    [InlineData(1.0, 0.841344746068543)]
    [InlineData(-1.96, 0.0249978951482204)]
    [InlineData(1.5, 0.933192798731142)]
    [InlineData(3.0, 0.998650101968370)]
    [InlineData(-6.0, 9.86587645037698e-10)]
    [InlineData(12.0, 1.0)]
    public void The_normal_cdf_is_within_1e_minus_10(double x, double expected)
    {
        var value = FixedPoint.NormalCdf((Int128)Math.Round(x * 1e12));
        Assert.InRange((double)value / 1e12, expected - 1e-10, expected + 1e-10);
    }

    [Fact]
    public void Ln_exp_and_sqrt_agree_with_their_definitions()
    {
        var one = FixedPoint.One;
        Assert.InRange(FixedPoint.Ln(2 * one), 693_147_180_559, 693_147_180_561);
        Assert.InRange(FixedPoint.Exp(one), 2_718_281_828_439, 2_718_281_828_479);
        Assert.InRange(FixedPoint.Exp(-5 * one), 6_737_946_989, 6_737_947_009);
        Assert.Equal(1_414_213_562_373, FixedPoint.Sqrt(2 * one));
        Assert.InRange(FixedPoint.Exp(FixedPoint.Ln(123 * one / 10)), (123 * one / 10) - 1_300, (123 * one / 10) + 1_300);
        Assert.Equal(0, FixedPoint.Exp(-61 * one));
    }
}

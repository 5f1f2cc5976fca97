using System.Numerics;
using Fairway.Rollups.Amm;

namespace Fairway.Rollups.Tests;

public sealed class ConstantProductTests
{
    private static readonly BigInteger Ether = BigInteger.Pow(10, 18);

    /// <summary>Uniswap V2's own swap cases (UniswapV2Pair tests: swap amount, reserve in, reserve out, expected out; 0.3% fee).</summary>
    [Theory]
    [InlineData(1, 5, 10, "1662497915624478906")]
    [InlineData(1, 10, 5, "453305446940074565")]
    [InlineData(2, 5, 10, "2851015155847869602")]
    [InlineData(2, 10, 5, "831248957812239453")]
    [InlineData(1, 10, 10, "906610893880149131")]
    [InlineData(1, 100, 100, "987158034397061298")]
    [InlineData(1, 1000, 1000, "996006981039903216")]
    public void The_output_is_uniswap_v2s(int swap, int reserveIn, int reserveOut, string expected)
    {
        Assert.Equal(BigInteger.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), ConstantProduct.AmountOut(swap * Ether, reserveIn * Ether, reserveOut * Ether, 3_000));
    }

    [Fact]
    public void The_product_of_the_reserves_never_falls_and_bad_inputs_are_refused()
    {
        BigInteger x = 1_000_003, y = 2_000_017;
        foreach (var amount in new BigInteger[] { 0, 1, 7, 999, 123_456, 10_000_000 })
        {
            var output = ConstantProduct.AmountOut(amount, x, y, 3_000);
            Assert.True((x + amount) * (y - output) >= x * y);
        }

        Assert.Throws<ArgumentException>(() => ConstantProduct.AmountOut(-1, x, y, 3_000));
        Assert.Throws<ArgumentException>(() => ConstantProduct.AmountOut(1, 0, y, 3_000));
        Assert.Throws<ArgumentOutOfRangeException>(() => ConstantProduct.AmountOut(1, x, y, ConstantProduct.FeeDenominator));
    }
}

using System.Numerics;

namespace Fairway.Rollups.Amm;

/// <summary>
/// The arithmetic of a constant-product pool (x·y = k) as Uniswap V2 does it, in integers: the fee is taken from the
/// input, the output is rounded down, so the product of the reserves never falls. Amounts are token base units.
/// </summary>
public static class ConstantProduct
{
    /// <summary>Fees are whole parts per million of the input (Uniswap V2's 0.3% is 3,000).</summary>
    public const int FeeDenominator = 1_000_000;

    /// <summary>
    /// What <paramref name="amountIn"/> of one token buys of the other from reserves (<paramref name="reserveIn"/>,
    /// <paramref name="reserveOut"/>): in·(1−fee)·R_out / (R_in + in·(1−fee)), rounded down.
    /// </summary>
    public static BigInteger AmountOut(BigInteger amountIn, BigInteger reserveIn, BigInteger reserveOut, int feePpm)
    {
        if (amountIn.Sign < 0 || reserveIn.Sign <= 0 || reserveOut.Sign <= 0)
        {
            throw new ArgumentException("an input of at least 0 and reserves above 0 are needed");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(feePpm);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(feePpm, FeeDenominator);
        var inWithFee = amountIn * (FeeDenominator - feePpm);
        return inWithFee * reserveOut / ((reserveIn * FeeDenominator) + inWithFee);
    }
}

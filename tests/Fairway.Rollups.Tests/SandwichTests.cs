using System.Numerics;
using Fairway.Rollups.Amm;
using Fairway.Rollups.Mev;

namespace Fairway.Rollups.Tests;

public sealed class SandwichTests
{
    [Fact]
    public void The_front_run_is_the_largest_the_victims_slippage_lets_through_and_the_figures_are_the_pools()
    {
        BigInteger x = 1_000_000_000, y = 2_000_000_000, v = 10_000_000;
        var result = Sandwich.Best(x, y, 3_000, v, 0.01);

        Assert.True(result.FrontRunIn > 0);
        Assert.True(result.AttackerProfit > 0);
        Assert.Equal(result.VictimOutHonest - result.VictimOutSandwiched, result.VictimLoss);
        Assert.True(result.VictimOutSandwiched >= result.VictimMinOut);

        // Replayed on the pool, step by step.
        var bought = ConstantProduct.AmountOut(result.FrontRunIn, x, y, 3_000);
        var victimOut = ConstantProduct.AmountOut(v, x + result.FrontRunIn, y - bought, 3_000);
        var back = ConstantProduct.AmountOut(bought, y - bought - victimOut, x + result.FrontRunIn + v, 3_000);
        Assert.Equal(result.VictimOutSandwiched, victimOut);
        Assert.Equal(result.AttackerProfit, back - result.FrontRunIn);

        // The closed form agrees with the exact bound to within rounding (parts per million of it).
        Assert.InRange((double)result.FrontRunIn, result.ClosedFormFrontRunIn * 0.999, result.ClosedFormFrontRunIn * 1.001);
    }

    [Fact]
    public void No_front_run_of_any_size_does_better_on_a_small_pool()
    {
        // Every feasible front-run tried: the search must find the best one, and anything larger makes the victim revert.
        BigInteger x = 200_000, y = 300_000, v = 4_000;
        var result = Sandwich.Best(x, y, 3_000, v, 0.02);
        var honest = ConstantProduct.AmountOut(v, x, y, 3_000);
        BigInteger bestProfit = 0, largestFeasible = 0;
        for (BigInteger a = 1; a <= 20_000; a++)
        {
            var bought = ConstantProduct.AmountOut(a, x, y, 3_000);
            var victimOut = ConstantProduct.AmountOut(v, x + a, y - bought, 3_000);
            if (victimOut < result.VictimMinOut)
            {
                continue;
            }

            largestFeasible = a;
            var profit = ConstantProduct.AmountOut(bought, y - bought - victimOut, x + a + v, 3_000) - a;
            bestProfit = BigInteger.Max(bestProfit, profit);
        }

        Assert.Equal(bestProfit, result.AttackerProfit);
        Assert.Equal(honest, result.VictimOutHonest);
        Assert.True(result.VictimLoss > 0);
        Assert.True(largestFeasible < 20_000, "the search range must pass the slippage bound");

        // The closed-form bound is the largest feasible front-run up to the pool's rounding.
        Assert.InRange(result.ClosedFormFrontRunIn, (double)largestFeasible - 3, (double)largestFeasible + 3);
    }

    [Fact]
    public void A_victim_with_no_slippage_tolerance_cannot_be_sandwiched_and_a_tight_one_not_profitably()
    {
        var none = Sandwich.Best(1_000_000, 1_000_000, 3_000, 10_000, 0);
        Assert.Equal(BigInteger.Zero, none.FrontRunIn);
        Assert.Equal(BigInteger.Zero, none.AttackerProfit);
        Assert.Equal(BigInteger.Zero, none.VictimLoss);

        // A swap of 0.1% of the pool moves its price by about 0.2%, less than the 0.6% in fees the attacker's two swaps
        // pay: no front-run of any size profits, however loose the victim's tolerance.
        var small = Sandwich.Best(1_000_000_000, 1_000_000_000, 3_000, 1_000_000, 0.05);
        Assert.Equal(BigInteger.Zero, small.AttackerProfit);
        Assert.Equal(BigInteger.Zero, small.VictimLoss);

        // A swap of 2% of the pool is worth sandwiching, and a looser tolerance is worth at least as much.
        var tight = Sandwich.Best(1_000_000_000, 1_000_000_000, 3_000, 20_000_000, 0.01);
        var loose = Sandwich.Best(1_000_000_000, 1_000_000_000, 3_000, 20_000_000, 0.05);
        Assert.True(tight.AttackerProfit > 0);
        Assert.True(loose.AttackerProfit >= tight.AttackerProfit);
        Assert.True(loose.FrontRunIn >= tight.FrontRunIn);
    }

    [Fact]
    public void Bad_inputs_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Sandwich.Best(0, 1, 3_000, 1, 0.01));
        Assert.Throws<ArgumentException>(() => Sandwich.Best(1, 1, 3_000, 0, 0.01));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sandwich.Best(1, 1, 3_000, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sandwich.Best(1, 1, 3_000, 1, double.NaN));
    }
}

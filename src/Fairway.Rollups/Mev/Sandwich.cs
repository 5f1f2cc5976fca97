using System.Numerics;
using Fairway.Rollups.Amm;

namespace Fairway.Rollups.Mev;

/// <summary>The best sandwich of one swap: the front-run, and what the attacker and the victim come out with.</summary>
/// <param name="FrontRunIn">What the attacker sells ahead of the victim (0 when no sandwich profits).</param>
/// <param name="AttackerProfit">Back-run proceeds less the front-run, in the input token.</param>
/// <param name="VictimLoss">What the victim gets less than it would have with nobody ahead of it, in the output token.</param>
/// <param name="VictimOutHonest">The victim's output with nobody ahead of it.</param>
/// <param name="VictimOutSandwiched">Its output behind the front-run (never below its minimum).</param>
/// <param name="VictimMinOut">The least the victim accepts: the honest output less its slippage tolerance.</param>
/// <param name="ClosedFormFrontRunIn">The slippage bound on the front-run from the closed form, before integer rounding.</param>
public sealed record SandwichResult(
    BigInteger FrontRunIn, BigInteger AttackerProfit, BigInteger VictimLoss, BigInteger VictimOutHonest, BigInteger VictimOutSandwiched,
    BigInteger VictimMinOut, double ClosedFormFrontRunIn);

/// <summary>
/// The sandwich attack on a constant-product pool, as Zhou et al. analyse it ("High-Frequency Trading on Decentralized
/// On-Chain Exchanges", 2021): the attacker buys ahead of a victim's swap, the victim buys at the worse price, and the
/// attacker sells back after it. The victim's minimum output bounds the front-run: with more, its swap reverts and the
/// attacker is left holding a position. This finds the profit-maximising front-run within that bound, in the pool's own
/// integer arithmetic, so every figure is what the pool would actually pay.
/// </summary>
public static class Sandwich
{
    /// <param name="slippage">The victim's tolerance as a fraction of its honest output, in [0, 1).</param>
    public static SandwichResult Best(BigInteger reserveIn, BigInteger reserveOut, int feePpm, BigInteger victimIn, double slippage)
    {
        if (reserveIn.Sign <= 0 || reserveOut.Sign <= 0 || victimIn.Sign <= 0)
        {
            throw new ArgumentException("reserves and the victim's input must be above 0");
        }

        if (double.IsNaN(slippage) || slippage is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(slippage), slippage, "slippage is a fraction in [0, 1)");
        }

        var honest = ConstantProduct.AmountOut(victimIn, reserveIn, reserveOut, feePpm);
        // The victim's minimum, as a wallet computes it: the quote less the tolerance, rounded down (in millionths).
        var tolerancePpm = (long)Math.Round(slippage * ConstantProduct.FeeDenominator);
        var minOut = honest * (ConstantProduct.FeeDenominator - tolerancePpm) / ConstantProduct.FeeDenominator;
        return BestWithin(reserveIn, reserveOut, feePpm, victimIn, minOut);
    }

    /// <summary>The best sandwich of a swap that names its own minimum output (as a signed swap on the AMM rollup does).</summary>
    public static SandwichResult BestWithin(BigInteger reserveIn, BigInteger reserveOut, int feePpm, BigInteger victimIn, BigInteger minOut)
    {
        if (reserveIn.Sign <= 0 || reserveOut.Sign <= 0 || victimIn.Sign <= 0)
        {
            throw new ArgumentException("reserves and the victim's input must be above 0");
        }

        var honest = ConstantProduct.AmountOut(victimIn, reserveIn, reserveOut, feePpm);
        if (minOut.IsZero)
        {
            // A swap that takes anything still wants something: without a floor the front-run would have no bound.
            minOut = BigInteger.One;
        }

        if (minOut > honest || minOut.Sign < 0)
        {
            // Its swap fails even with nobody ahead of it: nothing to sandwich.
            return new SandwichResult(0, 0, 0, honest, honest, minOut, 0);
        }

        var closedForm = SlippageBound((double)reserveIn, (double)reserveOut, feePpm / (double)ConstantProduct.FeeDenominator, (double)victimIn, (double)minOut);

        // The victim's output falls as the front-run grows: the largest front-run it still tolerates, exactly.
        var bound = LargestTolerated(reserveIn, reserveOut, feePpm, victimIn, minOut, closedForm);

        // Within the bound the profit need not grow all the way (fees on a large front-run can outweigh the gain), so
        // its peak is searched for; it is unimodal in the front-run.
        var best = BestProfitUpTo(bound, a => Outcome(reserveIn, reserveOut, feePpm, victimIn, a).Profit);
        var outcome = Outcome(reserveIn, reserveOut, feePpm, victimIn, best);
        if (best.IsZero || outcome.Profit.Sign <= 0)
        {
            return new SandwichResult(0, 0, 0, honest, honest, minOut, closedForm);
        }

        return new SandwichResult(best, outcome.Profit, honest - outcome.VictimOut, honest, outcome.VictimOut, minOut, closedForm);
    }

    /// <summary>
    /// The front-run a at which the victim's output falls to <paramref name="minOut"/>, ignoring rounding. With γ = 1 − fee,
    /// the victim gets γ·V·X·Y / ((X + γa)(X + a + γV)); setting that to m gives γa² + Ba + C = 0 with
    /// B = γ(X + γV) + X and C = X(X + γV) − γVXY/m, whose positive root this is (0 when even a = 0 is too much).
    /// </summary>
    public static double SlippageBound(double x, double y, double fee, double v, double minOut)
    {
        var gamma = 1 - fee;
        if (minOut <= 0)
        {
            return double.PositiveInfinity;
        }

        var b = (gamma * (x + (gamma * v))) + x;
        var c = (x * (x + (gamma * v))) - (gamma * v * x * y / minOut);
        if (c >= 0)
        {
            return 0;
        }

        return (-b + Math.Sqrt((b * b) - (4 * gamma * c))) / (2 * gamma);
    }

    /// <summary>Front-run a, the victim's swap, then the back-run selling what a bought: the victim's output and the attacker's profit.</summary>
    public static (BigInteger VictimOut, BigInteger Profit) Outcome(BigInteger x, BigInteger y, int feePpm, BigInteger v, BigInteger a)
    {
        var bought = ConstantProduct.AmountOut(a, x, y, feePpm);
        var victimOut = ConstantProduct.AmountOut(v, x + a, y - bought, feePpm);
        var back = bought.IsZero ? BigInteger.Zero : ConstantProduct.AmountOut(bought, y - bought - victimOut, x + a + v, feePpm);
        return (victimOut, back - a);
    }

    private static BigInteger LargestTolerated(BigInteger x, BigInteger y, int feePpm, BigInteger v, BigInteger minOut, double closedForm)
    {
        bool Tolerated(BigInteger a) => ConstantProduct.AmountOut(v, x + a, y - ConstantProduct.AmountOut(a, x, y, feePpm), feePpm) >= minOut;

        // Bracket the bound around the closed form (rounding moves it by little), then bisect on the exact test.
        BigInteger low = 0;
        var high = double.IsFinite(closedForm) && closedForm < 1e300 ? new BigInteger(closedForm * 2) + 2 : x * 1_000_000;
        while (Tolerated(high))
        {
            low = high;
            high *= 2;
        }

        while (high - low > 1)
        {
            var mid = (low + high) / 2;
            if (Tolerated(mid))
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    /// <summary>Front-runs up to this are all tried: the pool's rounding makes the profit ragged at small sizes.</summary>
    private const int ExhaustiveUpTo = 50_000;

    /// <summary>Half the window tried one by one around the peak a ternary search finds on a large range.</summary>
    private const int LocalWindow = 2_000;

    /// <summary>
    /// The argument of the largest <paramref name="profit"/> on [0, <paramref name="bound"/>]. The profit is unimodal up to
    /// the pool's rounding, which can mislead a ternary search by a unit or two: small ranges are tried whole, large
    /// ones narrowed by ternary search and then tried around its answer.
    /// </summary>
    private static BigInteger BestProfitUpTo(BigInteger bound, Func<BigInteger, BigInteger> profit)
    {
        BigInteger low = 0;
        var high = bound;
        while (high - low > ExhaustiveUpTo)
        {
            var third = (high - low) / 3;
            var m1 = low + third;
            var m2 = high - third;
            if (profit(m1) < profit(m2))
            {
                low = m1 + 1;
            }
            else
            {
                high = m2;
            }
        }

        if (high - low < bound)
        {
            // A large range, narrowed: look around what the search kept.
            low = BigInteger.Max(0, low - LocalWindow);
            high = BigInteger.Min(bound, high + LocalWindow);
        }

        var best = low;
        var bestProfit = profit(low);
        for (var a = low + 1; a <= high; a++)
        {
            var p = profit(a);
            if (p > bestProfit)
            {
                (best, bestProfit) = (a, p);
            }
        }

        return best;
    }
}

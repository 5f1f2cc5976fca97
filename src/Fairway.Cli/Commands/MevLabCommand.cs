using System.CommandLine;
using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Fairway.Rollups.Amm;
using Fairway.Rollups.Mev;

namespace Fairway.Cli.Commands;

/// <summary>
/// <c>fairway mev-lab</c>: what a sequencer's power over ordering is worth to an adversary. Today it has the
/// <c>sandwich</c> calculator; the lab that runs seeded order flow through each sequencer comes next (docs/MEV-LAB.md).
/// </summary>
internal static class MevLabCommand
{
    /// <summary>Amounts are token base units: up to 10^36 (well past any supply), so the arithmetic stays exact and quick.</summary>
    private static readonly BigInteger AmountMax = BigInteger.Pow(10, 36);

    public static Command Create()
    {
        var command = new Command("mev-lab", "measure what ordering power extracts from traders (see docs/MEV-LAB.md)");
        command.Subcommands.Add(Sandwich());
        return command;
    }

    private static Command Sandwich()
    {
        var reserveIn = new Option<string>("--reserve-in") { Description = "the pool's reserve of the token the victim sells (base units, an integer)", Required = true };
        var reserveOut = new Option<string>("--reserve-out") { Description = "the pool's reserve of the token the victim buys (base units, an integer)", Required = true };
        var fee = new Option<string>("--fee") { Description = "the pool's fee on the input, a fraction (0.003 for Uniswap V2's 0.3%)", DefaultValueFactory = _ => "0.003" };
        var victimIn = new Option<string>("--victim-in") { Description = "what the victim sells (base units, an integer)", Required = true };
        var slippage = new Option<string>("--slippage") { Description = "the victim's slippage tolerance, a fraction of its quoted output (0.01 for 1%)", Required = true };
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        var command = new Command("sandwich", """
            the best sandwich of one swap on a constant-product pool (x·y = k, Uniswap V2 arithmetic): the front-run that
            maximises the attacker's profit while the victim's swap still clears its minimum output, the attacker's profit
            (in the token the victim sells) and the victim's loss (in the token it buys)
            """)
        {
            reserveIn, reserveOut, fee, victimIn, slippage, json,
        };
        command.SetAction(result =>
        {
            string?[] errors =
            [
                ParseAmount(result.GetValue(reserveIn), "--reserve-in", out var x),
                ParseAmount(result.GetValue(reserveOut), "--reserve-out", out var y),
                ParseAmount(result.GetValue(victimIn), "--victim-in", out var v),
                ParseFraction(result.GetValue(fee), "--fee", out var feeFraction),
                ParseFraction(result.GetValue(slippage), "--slippage", out var tolerance),
            ];
            var error = errors.FirstOrDefault(e => e is not null);
            var feePpm = (int)Math.Round(feeFraction * ConstantProduct.FeeDenominator);
            if (error is null && Math.Abs((feePpm / (double)ConstantProduct.FeeDenominator) - feeFraction) > 1e-12)
            {
                error = "--fee must be a whole number of millionths (e.g. 0.003)";
            }

            if (error is not null)
            {
                Console.Error.WriteLine($"fairway mev-lab sandwich: {error}");
                return 2;
            }

            var best = Rollups.Mev.Sandwich.Best(x, y, feePpm, v, tolerance);
            if (result.GetValue(json))
            {
                Console.WriteLine(Json(best).ToJsonString());
                return 0;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
                front-run in:       {best.FrontRunIn} (closed-form slippage bound {best.ClosedFormFrontRunIn:0.##})
                attacker profit:    {best.AttackerProfit} (token in)
                victim loss:        {best.VictimLoss} (token out: {best.VictimOutSandwiched} instead of {best.VictimOutHonest}, minimum {best.VictimMinOut})
                """));
            return 0;
        });
        return command;
    }

    /// <summary>Big integers as JSON numbers: exact, whatever their size.</summary>
    private static JsonObject Json(SandwichResult best) => new()
    {
        ["front_run_in"] = JsonNode.Parse(best.FrontRunIn.ToString(CultureInfo.InvariantCulture)),
        ["attacker_profit"] = JsonNode.Parse(best.AttackerProfit.ToString(CultureInfo.InvariantCulture)),
        ["victim_loss"] = JsonNode.Parse(best.VictimLoss.ToString(CultureInfo.InvariantCulture)),
        ["victim_out_honest"] = JsonNode.Parse(best.VictimOutHonest.ToString(CultureInfo.InvariantCulture)),
        ["victim_out_sandwiched"] = JsonNode.Parse(best.VictimOutSandwiched.ToString(CultureInfo.InvariantCulture)),
        ["victim_min_out"] = JsonNode.Parse(best.VictimMinOut.ToString(CultureInfo.InvariantCulture)),
        ["closed_form_front_run_in"] = best.ClosedFormFrontRunIn,
    };

    private static string? ParseAmount(string? text, string flag, out BigInteger value)
    {
        if (!BigInteger.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) || value.IsZero || value > AmountMax)
        {
            return $"{flag} must be a whole number of base units from 1 to 10^36, got \"{text}\"";
        }

        return null;
    }

    private static string? ParseFraction(string? text, string flag, out double value)
    {
        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value) || value is < 0 or >= 1)
        {
            return $"{flag} must be a fraction from 0 up to (not including) 1, got \"{text}\"";
        }

        return null;
    }
}

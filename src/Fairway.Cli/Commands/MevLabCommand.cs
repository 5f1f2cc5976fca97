using System.CommandLine;
using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Fairway.MevLab;
using Fairway.Rollups.Amm;
using Fairway.Rollups.Mev;

namespace Fairway.Cli.Commands;

/// <summary>
/// <c>fairway mev-lab</c>: what a sequencer's power over ordering is worth to an adversary. On its own it runs the lab
/// (seeded order flow through each sequencer on the simulator); <c>sandwich</c> is the one-swap calculator (docs/MEV-LAB.md).
/// </summary>
internal static class MevLabCommand
{
    /// <summary>Amounts are token base units: up to 10^36 (well past any supply), so the arithmetic stays exact and quick.</summary>
    private static readonly BigInteger AmountMax = BigInteger.Pow(10, 36);

    public static Command Create()
    {
        var seed = new Option<ulong>("--seed") { Description = "the first seed", DefaultValueFactory = _ => 1 };
        var seeds = new Option<int>("--seeds") { Description = "runs per sequencer (seeds --seed, --seed+1, ...)", DefaultValueFactory = _ => 1 };
        var traders = new Option<int>("--traders") { Description = "traders sending swaps", DefaultValueFactory = _ => 50 };
        var minutes = new Option<double>("--minutes") { Description = "simulated minutes of order flow per run", DefaultValueFactory = _ => 1 };
        var sequencers = new Option<string>("--sequencers") { Description = "comma-separated: " + string.Join(", ", Sequencer.All), DefaultValueFactory = _ => string.Join(',', Sequencer.All) };
        var json = new Option<bool>("--json") { Description = "print the report as one JSON object" };
        var output = new Option<string?>("--out") { Description = "a directory for report.json, report.md and the charts (PNG and SVG)" };
        var command = new Command("mev-lab", """
            measure what ordering power extracts from traders: the same seeded order flow through each sequencer, with and
            without its adversary, on the whole-node simulator (see docs/MEV-LAB.md)
            """)
        {
            seed, seeds, traders, minutes, sequencers, json, output,
        };
        command.Subcommands.Add(Sandwich());
        command.SetAction(result =>
        {
            var options = new LabOptions
            {
                Seed = result.GetValue(seed),
                Seeds = result.GetValue(seeds),
                Traders = result.GetValue(traders),
                Minutes = result.GetValue(minutes),
                Sequencers = [.. (result.GetValue(sequencers) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"fairway mev-lab: {e.Message}");
                return 2;
            }

            var asJson = result.GetValue(json);
            var results = Lab.Run(options, asJson ? null : Console.Error.WriteLine);
            var report = LabReport.Json(options, results);
            if (result.GetValue(output) is { } directory)
            {
                Directory.CreateDirectory(directory);
                File.WriteAllText(Path.Combine(directory, "report.json"), report.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
                File.WriteAllText(Path.Combine(directory, "report.md"), LabReport.Markdown(options, results));
                LabCharts.Write(directory, results);
            }

            Console.WriteLine(asJson ? report.ToJsonString() : LabReport.Markdown(options, results));
            return 0;
        });
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

using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Fairway.Rollups.Amm;
using Fairway.Rollups.Mev;

namespace Fairway.Cli.Tests;

/// <summary><c>fairway mev-lab sandwich</c>: the JSON fields the issue names, and figures the pool itself would pay.</summary>
public sealed class MevLabCommandTests
{
    [Fact]
    public void Sandwich_prints_the_best_front_run_and_what_it_costs_the_victim()
    {
        var (exit, stdout, stderr) = FairwayProcess.Run(
            "mev-lab", "sandwich", "--reserve-in", "1000000000000", "--reserve-out", "2000000000000", "--fee", "0.003",
            "--victim-in", "20000000000", "--slippage", "0.01", "--json");

        Assert.True(exit == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        BigInteger Read(string name) => BigInteger.Parse(root.GetProperty(name).GetRawText(), CultureInfo.InvariantCulture);
        var frontRun = Read("front_run_in");
        var profit = Read("attacker_profit");
        var loss = Read("victim_loss");
        Assert.True(frontRun > 0 && profit > 0 && loss > 0, stdout);

        // Replayed on the pool: front-run, victim, back-run.
        BigInteger x = 1_000_000_000_000, y = 2_000_000_000_000, v = 20_000_000_000;
        var bought = ConstantProduct.AmountOut(frontRun, x, y, 3_000);
        var victimOut = ConstantProduct.AmountOut(v, x + frontRun, y - bought, 3_000);
        var back = ConstantProduct.AmountOut(bought, y - bought - victimOut, x + frontRun + v, 3_000);
        Assert.Equal(back - frontRun, profit);
        Assert.Equal(ConstantProduct.AmountOut(v, x, y, 3_000) - victimOut, loss);
        Assert.True(victimOut >= Read("victim_min_out"));
        Assert.Equal(Sandwich.Best(x, y, 3_000, v, 0.01).AttackerProfit, profit);
    }

    [Theory]
    [InlineData("--reserve-in", "lots")]
    [InlineData("--reserve-out", "0")]
    [InlineData("--victim-in", "-5")]
    [InlineData("--slippage", "1")]
    [InlineData("--fee", "0.0031415")]
    public void Sandwich_refuses_bad_arguments_with_a_message(string flag, string value)
    {
        var args = new Dictionary<string, string>
        {
            ["--reserve-in"] = "1000000", ["--reserve-out"] = "1000000", ["--victim-in"] = "1000", ["--slippage"] = "0.01", ["--fee"] = "0.003",
        };
        args[flag] = value;

        var (exit, stdout, stderr) = FairwayProcess.Run(["mev-lab", "sandwich", .. args.SelectMany(p => new[] { p.Key, p.Value }), "--json"]);

        Assert.Equal(2, exit);
        Assert.Contains(flag, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.True(string.IsNullOrWhiteSpace(stdout));
    }

    [Fact]
    public void The_lab_prints_its_sequencers_as_json_and_writes_the_report_and_charts()
    {
        var directory = Directory.CreateTempSubdirectory("fairway-mev-lab-").FullName;
        try
        {
            var (exit, stdout, stderr) = FairwayProcess.Run("mev-lab", "--minutes", "0.2", "--traders", "20", "--sequencers", "centralized,fair", "--json", "--out", directory);

            Assert.True(exit == 0, stderr);
            using var report = JsonDocument.Parse(stdout);
            var sequencers = report.RootElement.GetProperty("sequencers").EnumerateArray().ToList();
            Assert.Equal(["centralized", "fair"], sequencers.Select(s => s.GetProperty("name").GetString()));
            foreach (var field in (string[])["adversary_profit", "user_loss", "attacks_tried", "attacks_succeeded", "liquidations_sniped", "victim_delay_p50_ms", "risk_premium_bps"])
            {
                Assert.All(sequencers, s => Assert.True(s.TryGetProperty(field, out _), field));
            }

            foreach (var file in (string[])["report.json", "report.md", "extracted-value.png", "extracted-value.svg", "risk-premium.png", "risk-premium.svg", "victim-delay.png", "victim-delay.svg", "liquidation-bonus.png", "liquidation-bonus.svg"])
            {
                Assert.True(new FileInfo(Path.Combine(directory, file)).Length > 0, file);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("--sequencers", "centralized,bogus", "unknown sequencer")]
    [InlineData("--minutes", "0", "--minutes")]
    [InlineData("--traders", "0", "--traders")]
    public void The_lab_refuses_bad_flags_with_exit_2(string flag, string value, string message)
    {
        var (exit, stdout, stderr) = FairwayProcess.Run("mev-lab", flag, value);

        Assert.Equal(2, exit);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.True(string.IsNullOrWhiteSpace(stdout));
    }
}

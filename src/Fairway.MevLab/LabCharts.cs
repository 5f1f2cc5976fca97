using ScottPlot;

namespace Fairway.MevLab;

/// <summary>The lab's charts, each as PNG and SVG: extracted value and risk premium per sequencer, the victims' delays, the liquidation bonus taken, and who captures the value (with the auction's rebates).</summary>
public static class LabCharts
{
    private const int Width = 800;
    private const int Height = 450;

    /// <summary>Writes the charts into <paramref name="directory"/> and returns the files written.</summary>
    public static IReadOnlyList<string> Write(string directory, IReadOnlyList<SequencerResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        written.AddRange(Save(directory, "extracted-value", Bars(results, r => r.Extracted, "Value the adversary's ordering extracted (closed sandwiches)", "token A (base units)")));
        written.AddRange(Save(directory, "risk-premium", Bars(results, r => r.RiskPremiumBps, "Sequencer risk premium: user loss per notional", "basis points")));
        written.AddRange(Save(directory, "victim-delay", Delays(results)));
        written.AddRange(Save(directory, "liquidation-bonus", LiquidationBonus(results)));
        written.AddRange(Save(directory, "value-capture", ValueCapture(results)));
        return written;
    }

    private static Plot Bars(IReadOnlyList<SequencerResult> results, Func<SequencerResult, double> value, string title, string unit)
    {
        var plot = new Plot();
        var bars = results.Select((r, i) => new Bar { Position = i, Value = value(r), FillColor = Colors.Category10[i % 10] }).ToList();
        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks([.. results.Select((_, i) => (double)i)], [.. results.Select(r => r.Name)]);
        plot.Axes.Margins(bottom: 0);
        plot.Title(title);
        plot.YLabel(unit);
        return plot;
    }

    /// <summary>Per sequencer, the liquidation bonus the adversary sniped beside what the honest liquidators kept, in USD.</summary>
    private static Plot LiquidationBonus(IReadOnlyList<SequencerResult> results)
    {
        var plot = new Plot();
        var adversary = results.Select((r, i) => new Bar { Position = (3 * i) + 0.5, Value = r.LiquidationBonusAdversary / 1e6, FillColor = Colors.Category10[3] }).ToList();
        var others = results.Select((r, i) => new Bar { Position = (3 * i) + 1.5, Value = r.LiquidationBonusOthers / 1e6, FillColor = Colors.Category10[0] }).ToList();
        plot.Add.Bars(adversary).LegendText = "adversary (sniped)";
        plot.Add.Bars(others).LegendText = "honest liquidators";
        plot.ShowLegend();
        plot.Axes.Bottom.SetTicks([.. results.Select((_, i) => (3.0 * i) + 1)], [.. results.Select(r => r.Name)]);
        plot.Axes.Margins(bottom: 0);
        plot.Title("Liquidation bonus: sniped by the adversary and kept by honest liquidators");
        plot.YLabel("USD");
        return plot;
    }

    /// <summary>
    /// Per sequencer, who ends up with the value: the users' loss, what the auction rebated them, their loss net of it,
    /// and the adversary's profit net of what it paid for priority (token A). Only <c>auction</c> has rebates and a price.
    /// </summary>
    private static Plot ValueCapture(IReadOnlyList<SequencerResult> results)
    {
        var plot = new Plot();
        (string Label, Func<SequencerResult, double> Value)[] series =
        [
            ("user loss", r => r.UserLoss),
            ("users' rebates", r => r.RebatesToUsers),
            ("user net loss", r => r.UserNetLoss),
            ("adversary net of lane price", r => r.AdversaryProfitNetOfAuction),
        ];
        var width = series.Length + 1;
        for (var k = 0; k < series.Length; k++)
        {
            var value = series[k].Value;
            var bars = results.Select((r, i) => new Bar { Position = (width * i) + k + 0.5, Value = value(r), FillColor = Colors.Category10[k] }).ToList();
            plot.Add.Bars(bars).LegendText = series[k].Label;
        }

        plot.ShowLegend(Alignment.UpperRight);
        plot.Axes.Bottom.SetTicks([.. results.Select((_, i) => (width * i) + (series.Length / 2.0))], [.. results.Select(r => r.Name)]);
        plot.Title("Who captures the value: users, rebates, the adversary");
        plot.YLabel("token A (base units)");
        return plot;
    }

    /// <summary>Each sequencer's victims' inclusion delays as a box: quartiles, whiskers at the 5th and 95th percentiles.</summary>
    private static Plot Delays(IReadOnlyList<SequencerResult> results)
    {
        var plot = new Plot();
        var boxes = new List<Box>();
        for (var i = 0; i < results.Count; i++)
        {
            var delays = results[i].VictimDelaysMs.Count > 0 ? results[i].VictimDelaysMs : results[i].UserDelaysMs;
            if (delays.Count == 0)
            {
                continue;
            }

            boxes.Add(new Box
            {
                Position = i,
                WhiskerMin = SequencerResult.Percentile(delays, 0.05),
                BoxMin = SequencerResult.Percentile(delays, 0.25),
                BoxMiddle = SequencerResult.Percentile(delays, 0.5),
                BoxMax = SequencerResult.Percentile(delays, 0.75),
                WhiskerMax = SequencerResult.Percentile(delays, 0.95),
            });
        }

        plot.Add.Boxes(boxes);
        plot.Axes.Bottom.SetTicks([.. results.Select((_, i) => (double)i)], [.. results.Select(r => r.Name)]);
        plot.Title("Inclusion delay of attacked swaps (all swaps where none was attacked)");
        plot.YLabel("milliseconds");
        return plot;
    }

    private static IEnumerable<string> Save(string directory, string name, Plot plot)
    {
        var png = Path.Combine(directory, name + ".png");
        var svg = Path.Combine(directory, name + ".svg");
        plot.SavePng(png, Width, Height);
        plot.SaveSvg(svg, Width, Height);
        return [png, svg];
    }
}

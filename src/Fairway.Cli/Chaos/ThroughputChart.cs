using Fairway.Chaos.Schedule;
using ScottPlot;

namespace Fairway.Cli.Chaos;

/// <summary>Committed tx/s over the campaign, with each fault's window shaded in its kind's colour.</summary>
internal static class ThroughputChart
{
    private const int Width = 1000;
    private const int Height = 420;

    /// <summary>Writes <paramref name="pathWithoutExtension"/>.png and .svg.</summary>
    public static void Save(ChaosOutcome outcome, string pathWithoutExtension)
    {
        var plot = new Plot();
        var points = ChaosReport.Throughput(outcome.History);
        var palette = new ScottPlot.Palettes.Category10();
        var labelled = new HashSet<string>();
        foreach (var fault in outcome.History.Faults)
        {
            var kind = FaultKinds.All.Select(FaultKinds.Name).ToList().IndexOf(fault.Kind);
            var span = plot.Add.HorizontalSpan(fault.StartMs / 1000.0, (fault.HealedAtMs ?? outcome.History.EndMs) / 1000.0);
            span.FillStyle.Color = palette.GetColor(Math.Max(0, kind) + 1).WithAlpha(0.25);
            span.LineStyle.Width = 0;
            if (labelled.Add(fault.Kind))
            {
                span.LegendText = fault.Kind;
            }
        }

        var line = plot.Add.Scatter(points.Select(p => (double)p.Second).ToArray(), points.Select(p => (double)p.Committed).ToArray());
        line.LegendText = "committed tx/s";
        line.MarkerSize = 0;
        line.Color = palette.GetColor(0);
        plot.Title($"fairway chaos: {outcome.Options.Validators} validators, seed {outcome.Options.Seed}, {outcome.Findings.Count} finding(s)");
        plot.XLabel("seconds since the campaign started");
        plot.YLabel("committed transactions per second");
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(Edge.Right);
        plot.SavePng(pathWithoutExtension + ".png", Width, Height);
        plot.SaveSvg(pathWithoutExtension + ".svg", Width, Height);
    }
}

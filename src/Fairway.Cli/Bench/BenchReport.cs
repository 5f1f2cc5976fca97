using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Fairway.Cli.Bench;

/// <summary>Writes bench results as one JSON object, a console table, a Markdown table and an SVG latency chart.</summary>
internal static class BenchReport
{
    public static string Json(IReadOnlyList<BenchResult> runs)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("runs");
            foreach (var r in runs)
            {
                w.WriteStartObject();
                w.WriteString("mode", r.Mode);
                w.WriteNumber("validators", r.Validators);
                w.WriteNumber("tx_bytes", r.TxBytes);
                w.WriteNumber("seconds", r.Seconds);
                Number(w, "offered_tps", r.OfferedTps);
                Number(w, "accepted_tps", r.AcceptedTps);
                w.WriteNumber("rejected", r.Rejected);
                Number(w, "committed_tps", r.CommittedTps);
                Number(w, "mb_per_s", r.MbPerS);
                w.WriteNumber("uncommitted", r.Uncommitted);
                Latency(w, "received", r.Received);
                Latency(w, "soft", r.Soft);
                w.WriteNumber("soft_samples", r.Soft.Count);
                Latency(w, "firm", r.Firm);
                List(w, "cpu_percent", r.CpuPercent);
                Number(w, "bench_cpu_percent", r.BenchCpuPercent);
                List(w, "peak_rss_mb", r.PeakRssMb);
                Number(w, "peak_rss_mb_max", r.PeakRssMbMax);
                w.WriteNumber("crashed", r.Crashed);
                w.WriteNumber("kill_leader_every_s", r.KillLeaderEverySeconds);
                w.WriteNumber("leader_kills", r.LeaderKills);
                Number(w, "blocks_per_second", r.BlocksPerSecond);
                if (r.RoundsTimedOut is { } timedOut)
                {
                    w.WriteNumber("rounds_timed_out", timedOut);
                }
                else
                {
                    w.WriteNull("rounds_timed_out");
                }

                if (r.LastError is not null)
                {
                    w.WriteString("last_error", r.LastError);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Reads back runs written by <see cref="Json"/> (to merge modes into one chart).</summary>
    public static List<BenchResult> ParseJson(string text)
    {
        using var doc = JsonDocument.Parse(text);
        var runs = new List<BenchResult>();
        foreach (var e in doc.RootElement.GetProperty("runs").EnumerateArray())
        {
            runs.Add(new BenchResult
            {
                Mode = e.GetProperty("mode").GetString() ?? "?",
                Validators = e.GetProperty("validators").GetInt32(),
                TxBytes = e.GetProperty("tx_bytes").GetInt32(),
                Seconds = e.GetProperty("seconds").GetInt32(),
                OfferedTps = e.GetProperty("offered_tps").GetDouble(),
                AcceptedTps = e.GetProperty("accepted_tps").GetDouble(),
                Rejected = e.GetProperty("rejected").GetInt64(),
                CommittedTps = e.GetProperty("committed_tps").GetDouble(),
                MbPerS = e.GetProperty("mb_per_s").GetDouble(),
                Uncommitted = e.GetProperty("uncommitted").GetInt64(),
                Received = ReadLatency(e, "received"),
                Soft = ReadLatency(e, "soft"),
                Firm = ReadLatency(e, "firm"),
                CpuPercent = ReadList(e, "cpu_percent"),
                BenchCpuPercent = ReadNumber(e, "bench_cpu_percent"),
                PeakRssMb = ReadList(e, "peak_rss_mb"),
                Crashed = (int)(ReadNumber(e, "crashed") ?? 0),
                KillLeaderEverySeconds = (int)(ReadNumber(e, "kill_leader_every_s") ?? 0),
                LeaderKills = (int)(ReadNumber(e, "leader_kills") ?? 0),
                BlocksPerSecond = ReadNumber(e, "blocks_per_second"),
                RoundsTimedOut = ReadNumber(e, "rounds_timed_out") is { } t ? (long)t : null,
            });
        }

        return runs;
    }

    public static string Table(IReadOnlyList<BenchResult> runs)
    {
        var sb = new StringBuilder();
        sb.AppendLine(Inv($"{"mode",-14} {"vals",4} {"offered",9} {"accepted",9} {"committed",9} {"MB/s",6} {"uncommit",8} {"recv p50/p99",14} {"soft p50/p99",14} {"firm p50/p99",16} {"cpu% per validator",-22} {"rss MB",7} {"down",4} {"blk/s",6} {"TO rnds",7} {"kills",5}"));
        foreach (var r in runs)
        {
            var cpu = r.CpuPercent is null ? "-" : string.Join('/', r.CpuPercent.Select(c => F(c, "0")));
            sb.AppendLine(Inv($"{r.Mode,-14} {r.Validators,4} {r.OfferedTps,9:0} {r.AcceptedTps,9:0} {r.CommittedTps,9:0} {r.MbPerS,6:0.00} {r.Uncommitted,8} {Pair(r.Received),14} {Pair(r.Soft),14} {Pair(r.Firm),16} {cpu,-22} {F(r.PeakRssMbMax, "0"),7} {r.Crashed,4} {F(r.BlocksPerSecond, "0.0"),6} {F(r.RoundsTimedOut, "0"),7} {r.LeaderKills,5}"));
        }

        return sb.ToString();
    }

    public static string Markdown(IReadOnlyList<BenchResult> runs)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# fairway bench");
        sb.AppendLine();
        sb.AppendLine("Open-loop load; latencies in ms from each transaction's scheduled send time (p50 / p99).");
        sb.AppendLine();
        sb.AppendLine("| mode | validators | crashed | leader killed every s (kills) | tx bytes | offered tx/s | accepted tx/s | committed tx/s | MB/s | blocks/s | rounds timed out | uncommitted | received p50 / p99 | soft p50 / p99 | firm p50 / p90 / p99 / max | CPU % per validator | bench CPU % | peak RSS MB (max) |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|");
        foreach (var r in runs)
        {
            var cpu = r.CpuPercent is null ? "n/a" : string.Join(", ", r.CpuPercent.Select(c => F(c, "0")));
            var kills = r.KillLeaderEverySeconds > 0 ? Inv($"{r.KillLeaderEverySeconds} ({r.LeaderKills})") : "off";
            sb.AppendLine(Inv($"| {r.Mode} | {r.Validators} | {r.Crashed} | {kills} | {r.TxBytes} | {r.OfferedTps:0} | {r.AcceptedTps:0} | {r.CommittedTps:0} | {r.MbPerS:0.00} | {F(r.BlocksPerSecond, "0.0")} | {F(r.RoundsTimedOut, "0")} | {r.Uncommitted} | {Pair(r.Received)} | {Pair(r.Soft)} | {F(r.Firm.P50Ms, "0")} / {F(r.Firm.P90Ms, "0")} / {F(r.Firm.P99Ms, "0")} / {F(r.Firm.MaxMs, "0")} | {cpu} | {F(r.BenchCpuPercent, "0")} | {F(r.PeakRssMbMax, "0")} |"));
        }

        return sb.ToString();
    }

    /// <summary>Firm p50 latency (y) against committed tx/s (x), one polyline per mode and validator count.</summary>
    public static string Svg(IReadOnlyList<BenchResult> runs)
    {
        const double width = 720, height = 440, left = 70, right = 170, top = 30, bottom = 50;
        var plotW = width - left - right;
        var plotH = height - top - bottom;
        var points = runs.Where(r => r.Firm.P50Ms.HasValue).ToList();
        var xMax = Nice(points.Select(r => r.CommittedTps).DefaultIfEmpty(1).Max());
        var yMax = Nice(points.Select(r => r.Firm.P50Ms!.Value).DefaultIfEmpty(1).Max());
        string X(double v) => (left + v / xMax * plotW).ToString("0.0", CultureInfo.InvariantCulture);
        string Y(double v) => (top + plotH - v / yMax * plotH).ToString("0.0", CultureInfo.InvariantCulture);

        var sb = new StringBuilder();
        sb.AppendLine(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">"));
        sb.AppendLine(Inv($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>"));
        sb.AppendLine(Inv($"<text x=\"{left}\" y=\"18\" font-size=\"14\">fairway bench: firm p50 latency vs committed throughput</text>"));
        for (var i = 0; i <= 5; i++)
        {
            var xv = xMax * i / 5;
            var yv = yMax * i / 5;
            sb.AppendLine(Inv($"<line x1=\"{X(xv)}\" y1=\"{top}\" x2=\"{X(xv)}\" y2=\"{top + plotH}\" stroke=\"#eee\"/><text x=\"{X(xv)}\" y=\"{top + plotH + 16}\" text-anchor=\"middle\">{xv:0}</text>"));
            sb.AppendLine(Inv($"<line x1=\"{left}\" y1=\"{Y(yv)}\" x2=\"{left + plotW}\" y2=\"{Y(yv)}\" stroke=\"#eee\"/><text x=\"{left - 6}\" y=\"{Y(yv)}\" text-anchor=\"end\" dominant-baseline=\"middle\">{yv:0}</text>"));
        }

        sb.AppendLine(Inv($"<rect x=\"{left}\" y=\"{top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\" stroke=\"#333\"/>"));
        sb.AppendLine(Inv($"<text x=\"{left + plotW / 2}\" y=\"{height - 12}\" text-anchor=\"middle\">committed tx/s</text>"));
        sb.AppendLine(Inv($"<text transform=\"translate(18 {top + plotH / 2}) rotate(-90)\" text-anchor=\"middle\">firm p50 latency (ms)</text>"));
        string[] colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"];
        var series = points.GroupBy(r => r.SeriesLabel).ToList();
        for (var s = 0; s < series.Count; s++)
        {
            var color = colors[s % colors.Length];
            var line = series[s].OrderBy(r => r.OfferedTps).ToList();
            var path = string.Join(' ', line.Select(r => $"{X(r.CommittedTps)},{Y(r.Firm.P50Ms!.Value)}"));
            sb.AppendLine(Inv($"<polyline points=\"{path}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"/>"));
            foreach (var r in line)
            {
                sb.AppendLine(Inv($"<circle cx=\"{X(r.CommittedTps)}\" cy=\"{Y(r.Firm.P50Ms!.Value)}\" r=\"3.5\" fill=\"{color}\"><title>offered {r.OfferedTps:0} tx/s: committed {r.CommittedTps:0} tx/s, firm p50 {r.Firm.P50Ms:0} ms</title></circle>"));
            }

            var legendY = top + 10 + s * 20;
            sb.AppendLine(Inv($"<line x1=\"{left + plotW + 12}\" y1=\"{legendY}\" x2=\"{left + plotW + 32}\" y2=\"{legendY}\" stroke=\"{color}\" stroke-width=\"2\"/><text x=\"{left + plotW + 38}\" y=\"{legendY}\" dominant-baseline=\"middle\">{series[s].Key}</text>"));
        }

        sb.AppendLine("</svg>");
        return sb.ToString();
    }

    private static double Nice(double max)
    {
        if (!(max > 0))
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(max)));
        foreach (var step in new[] { 1.0, 2.0, 2.5, 5.0, 10.0 })
        {
            if (step * magnitude >= max * 1.05)
            {
                return step * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static string Pair(LatencyStats s) => $"{F(s.P50Ms, "0")} / {F(s.P99Ms, "0")}";

    private static string F(double? v, string format) => v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            w.WriteNumber(name, Math.Round(v, 3));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void Latency(Utf8JsonWriter w, string prefix, LatencyStats s)
    {
        Number(w, prefix + "_p50_ms", s.P50Ms);
        Number(w, prefix + "_p90_ms", s.P90Ms);
        Number(w, prefix + "_p99_ms", s.P99Ms);
        Number(w, prefix + "_max_ms", s.MaxMs);
    }

    private static void List(Utf8JsonWriter w, string name, IReadOnlyList<double?>? values)
    {
        if (values is null)
        {
            w.WriteNull(name);
            return;
        }

        w.WriteStartArray(name);
        foreach (var v in values)
        {
            if (v is { } x && double.IsFinite(x))
            {
                w.WriteNumberValue(Math.Round(x, 1));
            }
            else
            {
                w.WriteNullValue();
            }
        }

        w.WriteEndArray();
    }

    private static double? ReadNumber(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private static LatencyStats ReadLatency(JsonElement e, string prefix)
    {
        var p50 = ReadNumber(e, prefix + "_p50_ms");
        return new LatencyStats(p50.HasValue ? 1 : 0, p50, ReadNumber(e, prefix + "_p90_ms"), ReadNumber(e, prefix + "_p99_ms"), ReadNumber(e, prefix + "_max_ms"));
    }

    private static List<double?>? ReadList(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Number ? x.GetDouble() : (double?)null).ToList()
            : null;
}

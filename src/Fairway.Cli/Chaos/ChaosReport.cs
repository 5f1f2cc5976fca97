using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fairway.Chaos.History;
using Fairway.Chaos.Schedule;

namespace Fairway.Cli.Chaos;

/// <summary>A campaign's verdict: the JSON object <c>--json</c> prints, and in <c>--out</c> that JSON, a Markdown summary, the history (JSON lines) and the throughput chart.</summary>
internal static class ChaosReport
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static bool Passed(ChaosOutcome outcome) => outcome.Findings.Count == 0;

    /// <summary>Committed transactions of the campaign's namespace per second: each height counted once, when the first stream delivered it.</summary>
    public static IReadOnlyList<(long Second, int Committed, int FirmAcknowledged)> Throughput(ChaosHistory history)
    {
        var seconds = (int)(history.EndMs / 1000) + 1;
        var committed = new int[seconds];
        var firm = new int[seconds];
        foreach (var first in history.Deliveries.GroupBy(d => d.Height).Select(g => g.MinBy(d => d.AtMs)!))
        {
            committed[Math.Clamp((int)(first.AtMs / 1000), 0, seconds - 1)] += first.Transactions.Count;
        }

        foreach (var op in history.Ops.Where(o => o.FirmAtMs is not null))
        {
            firm[Math.Clamp((int)(op.FirmAtMs!.Value / 1000), 0, seconds - 1)]++;
        }

        return Enumerable.Range(0, seconds).Select(s => ((long)s, committed[s], firm[s])).ToList();
    }

    public static JsonObject ToJson(ChaosOutcome outcome, string? outDir)
    {
        var o = outcome.Options;
        var check = outcome.Check;
        var faults = new JsonObject();
        foreach (var kind in FaultKinds.All)
        {
            faults[FaultKinds.Name(kind)] = outcome.FaultCounts.TryGetValue(kind, out var n) ? n : 0;
        }

        var counts = new JsonObject();
        foreach (var (key, value) in check.Counts.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            counts[key] = value;
        }

        return new JsonObject
        {
            ["validators"] = o.Validators,
            ["minutes"] = o.Minutes,
            ["seed"] = o.Seed,
            ["rate"] = o.Rate,
            ["passed"] = Passed(outcome),
            ["faults"] = faults,
            ["findings"] = new JsonArray([.. outcome.Findings.Select(f => (JsonNode)new JsonObject { ["kind"] = f.Kind, ["detail"] = f.Detail })]),
            ["longest_stall_ms"] = check.LongestStall.LongestStallMs,
            ["longest_stall_cause"] = check.LongestStall.Cause,
            ["longest_stall_at_ms"] = check.LongestStall.AtMs,
            ["counts"] = counts,
            ["skipped_submissions"] = outcome.SkippedSubmissions,
            ["notes"] = new JsonArray([.. outcome.Notes.Select(n => (JsonNode)JsonValue.Create(n)!)]),
            ["faults_injected"] = new JsonArray([.. outcome.History.Faults.Select(f => (JsonNode)new JsonObject
            {
                ["kind"] = f.Kind,
                ["detail"] = f.Detail,
                ["nodes"] = new JsonArray([.. f.Nodes.Select(n => (JsonNode)JsonValue.Create(n))]),
                ["start_ms"] = f.StartMs,
                ["healed_at_ms"] = f.HealedAtMs,
            })]),
            ["throughput"] = new JsonArray([.. Throughput(outcome.History).Select(t => (JsonNode)new JsonObject
            {
                ["second"] = t.Second,
                ["committed_tx"] = t.Committed,
                ["firm_acknowledged"] = t.FirmAcknowledged,
            })]),
            ["out"] = outDir,
        };
    }

    public static void Write(ChaosOutcome outcome, string directory)
    {
        Directory.CreateDirectory(directory);
        var json = ToJson(outcome, directory);
        File.WriteAllText(Path.Combine(directory, "chaos.json"), json.ToJsonString(Indented));
        HistoryFile.Write(Path.Combine(directory, "history.jsonl"), outcome.History);
        ThroughputChart.Save(outcome, Path.Combine(directory, "throughput"));
        File.WriteAllText(Path.Combine(directory, "chaos.md"), Markdown(outcome));
    }

    public static string Markdown(ChaosOutcome outcome)
    {
        var o = outcome.Options;
        var check = outcome.Check;
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# fairway chaos: {(Passed(outcome) ? "passed" : $"{outcome.Findings.Count} finding(s)")}");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{o.Validators} validators, {o.Minutes} minutes, seed {o.Seed}, {o.Rate} tx/s offered.");
        sb.AppendLine();
        sb.AppendLine("| fault | injected |");
        sb.AppendLine("|---|---:|");
        foreach (var kind in FaultKinds.All)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {FaultKinds.Name(kind)} | {(outcome.FaultCounts.TryGetValue(kind, out var n) ? n : 0)} |");
        }

        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Longest stall: {check.LongestStall.LongestStallMs} ms at {check.LongestStall.AtMs / 1000.0:0.0} s ({check.LongestStall.Cause}).");
        sb.AppendLine();
        sb.AppendLine(string.Join(", ", check.Counts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}")));
        sb.AppendLine();
        sb.AppendLine("## Findings");
        sb.AppendLine();
        if (outcome.Findings.Count == 0)
        {
            sb.AppendLine("None.");
        }

        foreach (var f in outcome.Findings)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"- `{f.Kind}`: {f.Detail}");
        }

        sb.AppendLine();
        sb.AppendLine("## Faults as injected");
        sb.AppendLine();
        foreach (var f in outcome.History.Faults)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"- {f.StartMs / 1000.0:0.0}-{(f.HealedAtMs ?? 0) / 1000.0:0.0} s: {f.Kind} {f.Detail} on {string.Join(',', f.Nodes)}");
        }

        foreach (var note in outcome.Notes)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"- note: {note}");
        }

        sb.AppendLine();
        sb.AppendLine("![throughput](throughput.svg)");
        return sb.ToString();
    }
}

using System.Text.Json;

namespace Fairway.Devnet.Tests;

/// <summary>
/// The short fault campaign the suite runs on every change: four real validator processes under load, each in its own
/// network namespace where that is possible, one fault of every kind (partition, delay, loss, kill, pause, full disk,
/// clock jump), then the history checker's verdict. Any finding fails the suite; the checker's own negative controls
/// are in Fairway.Chaos.Tests.
/// </summary>
[Collection("processes")]
public sealed class ChaosCampaignTests
{
    [Fact]
    public async Task A_short_campaign_of_every_fault_kind_ends_with_no_finding()
    {
        var outDir = Path.Combine(Path.GetTempPath(), $"fairway-chaos-test-{Guid.NewGuid():N}");
        try
        {
            using var command = FairwayCommand.Start("chaos", "--validators", "4", "--minutes", "2.5", "--seed", "18", "--rate", "100", "--netns", "--json", "--out", outDir);
            var exit = await command.WaitForExitAsync(TimeSpan.FromMinutes(10));
            var output = command.Output;
            var line = output.Split('\n').LastOrDefault(l => l.StartsWith("{\"validators\"", StringComparison.Ordinal))
                ?? throw new Xunit.Sdk.XunitException($"no JSON verdict (exit {exit}); output:\n{output}");
            using var verdict = JsonDocument.Parse(line);
            var root = verdict.RootElement;
            var findings = root.GetProperty("findings").EnumerateArray()
                .Select(f => (Kind: f.GetProperty("kind").GetString()!, Detail: f.GetProperty("detail").GetString()!)).ToList();
            Assert.True(findings.Count == 0, $"findings:\n{string.Join('\n', findings)}\n\nlog:\n{output}");
            Assert.Equal(0, exit);
            Assert.True(root.GetProperty("passed").GetBoolean());
            foreach (var kind in new[] { "partition", "delay", "loss", "kill", "pause", "disk", "clock" })
            {
                Assert.True(root.GetProperty("faults").GetProperty(kind).GetInt32() >= 1, $"no {kind} fault injected:\n{output}");
            }

            // The load got through, and the outputs compared were not empty.
            var counts = root.GetProperty("counts");
            Assert.True(counts.GetProperty("ops_firm").GetInt32() > 1_000, counts.ToString());
            Assert.True(counts.GetProperty("heights_compared").GetInt32() > 100, counts.ToString());
            Assert.True(root.GetProperty("longest_stall_ms").GetInt64() > 0);
            Assert.False(string.IsNullOrEmpty(root.GetProperty("longest_stall_cause").GetString()));
            Assert.True(root.GetProperty("throughput").GetArrayLength() >= 150);

            // Partitions were iptables rules between network namespaces, or the verdict says why they could not be.
            var notes = root.GetProperty("notes").EnumerateArray().Select(n => n.GetString()!).ToList();
            Assert.Contains(notes, n => n.Contains("network namespaces", StringComparison.Ordinal));
            foreach (var file in new[] { "chaos.json", "chaos.md", "history.jsonl", "throughput.png", "throughput.svg" })
            {
                Assert.True(File.Exists(Path.Combine(outDir, file)), $"{file} missing from --out");
            }
        }
        finally
        {
            if (Directory.Exists(outDir))
            {
                Directory.Delete(outDir, recursive: true);
            }
        }
    }
}

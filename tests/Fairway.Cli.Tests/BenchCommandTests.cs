using System.Text.Json;

namespace Fairway.Cli.Tests;

public class BenchCommandTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Bench_against_a_fresh_local_network_prints_one_run_per_rate_and_writes_the_report(bool centralized)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"fairway-bench-test-{Guid.NewGuid():N}");
        try
        {
            // A one-second warm-up keeps the test short and still runs it; that its run is discarded is checked below.
            string[] args = centralized
                ? ["bench", "--centralized", "--tx-bytes", "128", "--rates", "200,400", "--seconds", "3", "--warmup", "1", "--json", "--out", dir]
                : ["bench", "--validators", "4", "--tx-bytes", "128", "--rates", "200,400", "--seconds", "3", "--warmup", "1", "--json", "--out", dir];
            var (exit, stdout, stderr) = FairwayProcess.Run(args);

            Assert.True(exit == 0, stderr);
            Assert.Contains("warm-up (discarded): 200 tx/s for 1 s", stderr, StringComparison.Ordinal);
            using var json = JsonDocument.Parse(stdout);
            var runs = json.RootElement.GetProperty("runs").EnumerateArray().ToList();
            Assert.Equal(2, runs.Count);
            using var written = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "bench.json")));
            Assert.Equal(2, written.RootElement.GetProperty("runs").GetArrayLength());
            foreach (var run in runs)
            {
                Assert.Equal(centralized ? "centralized" : "decentralized", run.GetProperty("mode").GetString());
                Assert.Equal(centralized ? 1 : 4, run.GetProperty("validators").GetInt32());
                Assert.Equal(128, run.GetProperty("tx_bytes").GetInt32());
                Assert.True(run.GetProperty("offered_tps").GetDouble() > 0);
                Assert.True(run.GetProperty("committed_tps").GetDouble() > 0, stdout);
                Assert.True(run.GetProperty("firm_p50_ms").GetDouble() > 0, stdout);
                Assert.True(run.GetProperty("firm_p99_ms").GetDouble() >= run.GetProperty("firm_p50_ms").GetDouble());
                Assert.True(run.GetProperty("soft_p50_ms").GetDouble() > 0, stdout);
                Assert.True(run.GetProperty("soft_p99_ms").GetDouble() >= run.GetProperty("soft_p50_ms").GetDouble());
                Assert.True(run.GetProperty("received_p50_ms").GetDouble() > 0);
                Assert.True(run.GetProperty("peak_rss_mb_max").GetDouble() > 0);
                Assert.Equal(centralized ? 1 : 4, run.GetProperty("cpu_percent").GetArrayLength());
                Assert.Equal(0, run.GetProperty("uncommitted").GetInt64());
            }

            Assert.Equal(200, runs[0].GetProperty("offered_tps").GetDouble());
            Assert.Equal(400, runs[1].GetProperty("offered_tps").GetDouble());
            Assert.All(runs, run => Assert.Equal(3, run.GetProperty("seconds").GetInt32()));
            Assert.Contains("| mode |", File.ReadAllText(Path.Combine(dir, "bench.md")), StringComparison.Ordinal);
            Assert.Contains("<polyline", File.ReadAllText(Path.Combine(dir, "latency.svg")), StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Theory]
    [InlineData("--rates", "0")]
    [InlineData("--rates", "100,-5")]
    [InlineData("--rates", "fast")]
    [InlineData("--seconds", "0")]
    [InlineData("--seconds", "3601")]
    [InlineData("--tx-bytes", "0")]
    [InlineData("--tx-bytes", "131073")]
    [InlineData("--validators", "17")]
    public void Bench_refuses_bad_arguments_with_a_message(string flag, string value)
    {
        var (exit, stdout, stderr) = FairwayProcess.Run("bench", flag, value, "--json");

        Assert.Equal(2, exit);
        Assert.Contains(flag, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.True(string.IsNullOrWhiteSpace(stdout));
    }

    [Theory]
    [InlineData("601")]
    [InlineData("-1")]
    public void Bench_refuses_a_warmup_out_of_range_with_a_clear_message(string value)
    {
        var (exit, stdout, stderr) = FairwayProcess.Run("bench", "--warmup", value, "--json");

        Assert.Equal(2, exit);
        Assert.Contains("fairway bench: --warmup must be between 0 and 600 seconds", stderr, StringComparison.Ordinal);
        Assert.True(string.IsNullOrWhiteSpace(stdout));
    }
}

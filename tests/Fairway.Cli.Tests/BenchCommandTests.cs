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
    [InlineData("--policy", "leader-decides")]
    [InlineData("--policy", "fair,leader-decides")]
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

    [Fact]
    public void Bench_runs_fair_and_encrypted_side_by_side_and_every_sealed_transaction_comes_back_as_its_plaintext()
    {
        var (exit, stdout, stderr) = FairwayProcess.Run(
            "bench", "--policy", "fair,encrypted", "--validators", "4", "--tx-bytes", "128", "--rates", "50", "--seconds", "3", "--warmup", "1", "--json");

        Assert.True(exit == 0, stderr);
        Assert.Contains("the validators' encryption key is ready", stderr, StringComparison.Ordinal);
        Assert.Contains("encrypted 150 payloads", stderr, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(stdout);
        var runs = json.RootElement.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(["decentralized fair", "decentralized encrypted"], runs.Select(r => r.GetProperty("mode").GetString()));
        foreach (var run in runs)
        {
            // The firm watcher counts a transaction only when it reads its payload back from the stream: for the
            // encrypted run, the plaintext after decryption.
            Assert.Equal(0, run.GetProperty("uncommitted").GetInt64());
            Assert.True(run.GetProperty("committed_tps").GetDouble() > 0, stdout);
            Assert.True(run.GetProperty("firm_p50_ms").GetDouble() > 0, stdout);
        }
    }

    [Fact]
    public void Bench_refuses_an_encrypted_policy_without_validators_to_generate_the_key()
    {
        var (exit, stdout, stderr) = FairwayProcess.Run("bench", "--centralized", "--policy", "encrypted", "--json");

        Assert.Equal(2, exit);
        Assert.Contains("--policy encrypted needs the validators' key generation", stderr, StringComparison.Ordinal);
        Assert.True(string.IsNullOrWhiteSpace(stdout));
    }

    [Fact]
    public void Bench_with_one_validator_crashed_commits_every_accepted_transaction_and_reports_the_block_rate()
    {
        var (exit, stdout, stderr) = FairwayProcess.Run(
            "bench", "--validators", "4", "--crashed", "1", "--tx-bytes", "128", "--rates", "200", "--seconds", "5", "--warmup", "1", "--json");

        Assert.True(exit == 0, stderr);
        Assert.Contains("killed validator(s) 3 (SIGKILL); they stay down, load goes to 0, 1, 2", stderr, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(stdout);
        var run = Assert.Single(json.RootElement.GetProperty("runs").EnumerateArray());
        Assert.Equal(1, run.GetProperty("crashed").GetInt32());
        Assert.Equal(0, run.GetProperty("leader_kills").GetInt32());
        Assert.True(run.GetProperty("blocks_per_second").GetDouble() > 0, stdout);
        Assert.True(run.GetProperty("rounds_timed_out").GetInt64() >= 0, stdout);
        // Load went only to live validators: every offered transaction was accepted, and every accepted one committed.
        Assert.Equal(0, run.GetProperty("rejected").GetInt64());
        Assert.Equal(run.GetProperty("offered_tps").GetDouble(), run.GetProperty("accepted_tps").GetDouble());
        Assert.Equal(0, run.GetProperty("uncommitted").GetInt64());
        Assert.True(run.GetProperty("committed_tps").GetDouble() > 0, stdout);
        // The crashed validator has no process to measure.
        Assert.Equal(JsonValueKind.Null, run.GetProperty("cpu_percent")[3].ValueKind);
    }

    [Fact]
    public void Bench_killing_the_leader_every_two_seconds_restarts_it_and_still_commits()
    {
        var (exit, stdout, stderr) = FairwayProcess.Run(
            "bench", "--validators", "4", "--kill-leader-every", "2", "--tx-bytes", "128", "--rates", "200", "--seconds", "5", "--warmup", "1", "--json");

        Assert.True(exit == 0, stderr);
        Assert.Contains("and restarted it", stderr, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(stdout);
        var run = Assert.Single(json.RootElement.GetProperty("runs").EnumerateArray());
        Assert.Equal(2, run.GetProperty("kill_leader_every_s").GetInt32());
        Assert.True(run.GetProperty("leader_kills").GetInt32() >= 1, stdout);
        Assert.True(run.GetProperty("committed_tps").GetDouble() > 0, stdout);
        Assert.True(run.GetProperty("blocks_per_second").GetDouble() > 0, stdout);
        Assert.Equal(0, run.GetProperty("crashed").GetInt32());
    }

    [Theory]
    [InlineData("--crashed 2 --validators 4", "fairway bench: --crashed 2: with 4 validator(s) at most 1 may be down, or the rest are not more than 2/3 and commit nothing")]
    [InlineData("--crashed 1 --centralized", "fairway bench: --crashed 1: with 1 validator(s) at most 0 may be down, or the rest are not more than 2/3 and commit nothing")]
    [InlineData("--crashed -1", "fairway bench: --crashed must be 0 or more")]
    [InlineData("--crashed 1 --url http://127.0.0.1:1", "fairway bench: --crashed needs the local network it starts; it cannot be combined with --url")]
    [InlineData("--kill-leader-every 601", "fairway bench: --kill-leader-every must be between 1 and 600 seconds (0 = off)")]
    [InlineData("--kill-leader-every 2 --validators 3", "fairway bench: --kill-leader-every needs --validators 4 or more (got 3): with fewer, one validator down stops the network")]
    [InlineData("--kill-leader-every 2 --centralized", "fairway bench: --kill-leader-every needs a local network of several validators; it cannot be combined with --url or --centralized")]
    [InlineData("--kill-leader-every 2 --url http://127.0.0.1:1", "fairway bench: --kill-leader-every needs a local network of several validators; it cannot be combined with --url or --centralized")]
    [InlineData("--kill-leader-every 2 --crashed 1 --validators 4", "fairway bench: --kill-leader-every with --crashed 1: 2 of 4 validators would be down at once, at most 1 may be")]
    public void Bench_refuses_faults_that_would_leave_no_quorum_or_need_a_local_network(string args, string expected)
    {
        var (exit, stdout, stderr) = FairwayProcess.Run(["bench", .. args.Split(' '), "--json"]);

        Assert.Equal(2, exit);
        Assert.Equal(expected, stderr.Trim());
        Assert.True(string.IsNullOrWhiteSpace(stdout));
    }
}

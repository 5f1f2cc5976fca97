using System.Text.Json;
using Fairway.Cli.Bench;

namespace Fairway.Cli.Tests;

public class EtcdBenchTests
{
    [Fact]
    public void Bench_etcd_runs_a_three_member_cluster_and_reports_committed_puts_and_their_latency()
    {
        // The baseline is part of the suite: scripts/test installs etcd, so a machine without it is a setup error, not a skip.
        Assert.True(EtcdCluster.FindBinary() is not null, "etcd is not on PATH: install etcd 3.4 with `apt-get install etcd-server` (scripts/test does)");

        var (exit, stdout, stderr) = FairwayProcess.Run("bench", "--etcd", "--rates", "500", "--seconds", "3", "--warmup", "1", "--json");

        Assert.True(exit == 0, stderr);
        Assert.Contains("warm-up (discarded): 500 tx/s for 1 s", stderr, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(stdout);
        var run = Assert.Single(json.RootElement.GetProperty("runs").EnumerateArray());
        Assert.Equal("etcd", run.GetProperty("mode").GetString());
        Assert.Equal(3, run.GetProperty("validators").GetInt32());
        Assert.Equal(512, run.GetProperty("tx_bytes").GetInt32());
        Assert.Equal(500, run.GetProperty("offered_tps").GetDouble());
        Assert.True(run.GetProperty("committed_tps").GetDouble() > 0, stdout);
        Assert.True(run.GetProperty("firm_p50_ms").GetDouble() > 0, stdout);
        Assert.True(run.GetProperty("firm_p90_ms").GetDouble() >= run.GetProperty("firm_p50_ms").GetDouble(), stdout);
        Assert.True(run.GetProperty("firm_p99_ms").GetDouble() >= run.GetProperty("firm_p90_ms").GetDouble(), stdout);
        Assert.Equal(0, run.GetProperty("rejected").GetInt64());
        Assert.Equal(3, run.GetProperty("cpu_percent").GetArrayLength());
        Assert.All(run.GetProperty("cpu_percent").EnumerateArray(), c => Assert.True(c.GetDouble() > 0, stdout));
        Assert.True(run.GetProperty("peak_rss_mb_max").GetDouble() > 0, stdout);
    }

    [Theory]
    [InlineData("--centralized", null, "--centralized")]
    [InlineData("--url", "http://127.0.0.1:1", "--url")]
    [InlineData("--policy", "fair", "--policy")]
    [InlineData("--crashed", "1", "--crashed")]
    [InlineData("--kill-leader-every", "2", "--kill-leader-every")]
    public void Bench_etcd_refuses_options_that_configure_validators(string flag, string? value, string named)
    {
        string[] args = value is null ? ["bench", "--etcd", flag, "--json"] : ["bench", "--etcd", flag, value, "--json"];

        var (exit, stdout, stderr) = FairwayProcess.Run(args);

        Assert.Equal(2, exit);
        Assert.Contains("--etcd", stderr, StringComparison.Ordinal);
        Assert.Contains(named, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.True(string.IsNullOrWhiteSpace(stdout));
    }

    [Fact]
    public void A_put_request_is_the_key_and_value_as_protobuf_fields_1_and_2()
    {
        var request = EtcdPut.Encode("k1"u8, 200, out var valueOffset);

        // 0x0A = field 1, length-delimited; 0x12 = field 2; 200 is the two-byte varint C8 01.
        Assert.Equal(new byte[] { 0x0A, 2, (byte)'k', (byte)'1', 0x12, 0xC8, 0x01 }, request[..valueOffset]);
        Assert.Equal(valueOffset + 200, request.Length);
    }
}

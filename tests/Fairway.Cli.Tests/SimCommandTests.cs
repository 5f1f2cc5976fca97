using System.Text.Json;

namespace Fairway.Cli.Tests;

public class SimCommandTests
{
    [Fact]
    public void Sim_with_the_documented_flags_prints_the_json_report_and_exits_zero()
    {
        var (exit, stdout, stderr) = FairwayProcess.Run(
            "sim", "--nodes", "4", "--seed", "1", "--seeds", "20", "--rounds", "150", "--byzantine", "twins", "--faulty", "1",
            "--loss", "0.05", "--partition-prob", "0.02", "--crash-prob", "0.01", "--json");

        Assert.True(exit == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal(20, root.GetProperty("seeds_run").GetInt32());
        Assert.Equal(0, root.GetProperty("safety_violations").GetInt32());
        Assert.Equal(0, root.GetProperty("liveness_failures").GetInt32());
        Assert.Equal(0, root.GetProperty("double_signs").GetInt32());
        Assert.True(root.GetProperty("evidence_detected").GetInt32() > 0);
        Assert.True(root.GetProperty("committed_blocks_min").GetInt32() > 0);
        Assert.True(root.GetProperty("committed_blocks_max").GetInt32() >= root.GetProperty("committed_blocks_min").GetInt32());
        Assert.Equal(0, root.GetProperty("failing_seeds").GetArrayLength());
    }

    [Fact]
    public void Sim_beyond_the_fault_bound_exits_one_and_names_the_failing_seeds()
    {
        var (exit, stdout, stderr) = FairwayProcess.Run(
            "sim", "--nodes", "4", "--seed", "1", "--seeds", "40", "--rounds", "300", "--byzantine", "twins", "--faulty", "2",
            "--loss", "0.05", "--partition-prob", "0.02", "--crash-prob", "0.01", "--json");

        Assert.Equal(1, exit);
        using var json = JsonDocument.Parse(stdout);
        var failing = json.RootElement.GetProperty("failing_seeds").EnumerateArray().Select(e => e.GetUInt64()).ToList();
        Assert.NotEmpty(failing);
        Assert.True(json.RootElement.GetProperty("safety_violations").GetInt32() > 0);
        foreach (var seed in failing)
        {
            Assert.Contains($"FAIL seed {seed}:", stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Sim_under_the_fair_policy_reports_the_fairness_fields_and_the_front_runner_wins_nothing_without_faults()
    {
        var (exit, stdout, stderr) = FairwayProcess.Run(
            "sim", "--seeds", "4", "--rounds", "100", "--policy", "fair", "--byzantine", "front-runner", "--faulty", "1",
            "--transactions-per-round", "8", "--json");

        Assert.True(exit == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal("fair", root.GetProperty("policy").GetString());
        Assert.True(root.GetProperty("front_runs_tried").GetInt32() > 0);
        Assert.Equal(0, root.GetProperty("front_runs_succeeded").GetInt32());
        Assert.Equal(0, root.GetProperty("fairness_violations").GetInt32());
        Assert.Equal(0, root.GetProperty("censored").GetInt32());
        Assert.Equal(JsonValueKind.Object, root.GetProperty("fair_refusals").ValueKind);
    }

    [Fact]
    public void Sim_with_bundles_reports_them_whole_and_refuses_bundles_under_the_encrypted_policy()
    {
        var (exit, stdout, stderr) = FairwayProcess.Run(
            "sim", "--seeds", "2", "--rounds", "60", "--policy", "fair", "--bundle-fraction", "0.4", "--transactions-per-round", "6", "--json");

        Assert.True(exit == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.True(root.GetProperty("bundles_submitted").GetInt32() > 0);
        Assert.True(root.GetProperty("bundles_output").GetInt32() > 0);
        Assert.Equal(0, root.GetProperty("safety_violations").GetInt32());

        var (refused, _, error) = FairwayProcess.Run("sim", "--seeds", "1", "--policy", "encrypted", "--bundle-fraction", "0.4");
        Assert.Equal(2, refused);
        Assert.Contains("--bundle-fraction", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Sim_under_the_encrypted_policy_with_bad_shares_decrypts_everything_and_reports_the_evidence()
    {
        var (exit, stdout, stderr) = FairwayProcess.Run(
            "sim", "--seeds", "2", "--rounds", "60", "--policy", "encrypted", "--byzantine", "bad-shares", "--faulty", "1",
            "--transactions-per-round", "3", "--json");

        Assert.True(exit == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal("encrypted", root.GetProperty("policy").GetString());
        Assert.Equal("bad-shares", root.GetProperty("byzantine").GetString());
        Assert.True(root.GetProperty("ciphertexts_decrypted").GetInt32() > 0);
        Assert.Equal(0, root.GetProperty("undecrypted").GetInt32());
        Assert.Equal(0, root.GetProperty("plaintext_seen_before_commit").GetInt32());
        Assert.True(root.GetProperty("bad_share_evidence").GetInt32() > 0);
    }

    [Fact]
    public void Sim_refuses_bad_shares_without_the_encrypted_policy()
    {
        var (exit, _, stderr) = FairwayProcess.Run("sim", "--byzantine", "bad-shares", "--faulty", "1");

        Assert.Equal(2, exit);
        Assert.Contains("--policy encrypted", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Sim_with_an_inbox_censor_at_f_reports_every_entry_included_on_time()
    {
        var (exit, stdout, stderr) = FairwayProcess.Run(
            "sim", "--seeds", "2", "--rounds", "100", "--byzantine", "censor-inbox", "--faulty", "1", "--inbox-posts", "12", "--json");

        Assert.True(exit == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal("censor-inbox", root.GetProperty("byzantine").GetString());
        Assert.Equal(24, root.GetProperty("inbox_posted").GetInt32());
        Assert.Equal(24, root.GetProperty("inbox_included").GetInt32());
        Assert.Equal(0, root.GetProperty("inbox_late").GetInt32());
        Assert.Equal(0, root.GetProperty("inbox_missing").GetInt32());
        Assert.True(root.GetProperty("inbox_refusals").GetInt32() >= 0);
        Assert.Equal(10, root.GetProperty("inbox_deadline_blocks").GetInt32());

        var (refused, _, error) = FairwayProcess.Run("sim", "--seeds", "1", "--inbox-posts", "4", "--inbox-deadline", "1");
        Assert.Equal(2, refused);
        Assert.Contains("--inbox-deadline", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--byzantine", "sneaky")]
    [InlineData("--loss", "1.5")]
    [InlineData("--faulty", "9")]
    [InlineData("--nodes", "0")]
    [InlineData("--policy", "leader-decides")]
    public void Sim_refuses_bad_arguments_with_a_message(string flag, string value)
    {
        var (exit, _, stderr) = FairwayProcess.Run("sim", flag, value);

        Assert.NotEqual(0, exit);
        Assert.False(string.IsNullOrWhiteSpace(stderr));
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }
}

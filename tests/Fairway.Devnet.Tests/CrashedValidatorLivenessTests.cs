using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace Fairway.Devnet.Tests;

/// <summary>
/// The most ordinary fault a BFT network has: one validator crashes and stays down. Real processes on loopback, under
/// light load; the surviving three must keep most of the chain's pace and commit every transaction they accepted.
/// </summary>
[Collection("processes")]
public class CrashedValidatorLivenessTests(ITestOutputHelper output)
{
    private static readonly int[] All = [0, 1, 2, 3];
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task With_one_validator_killed_the_other_three_keep_over_half_the_block_rate_and_commit_every_accepted_transaction()
    {
        await using var cluster = new TestCluster();
        cluster.StartAll();
        await cluster.WaitForHeightAsync(All, 30);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var survivors = new[] { 0, 1, 2 };

        // The same light load throughout, submitted to the validators that will survive.
        using var stop = new CancellationTokenSource();
        var accepted = new List<(int Node, string Hash)>();
        var load = SubmitAtAsync(http, cluster, survivors, perSecond: 100, accepted, stop.Token);
        var allUp = await BlocksPerSecondAsync(cluster, survivors);
        cluster.Kill(3);

        // Warm-up: reputation needs a window of blocks to stop drawing the dead validator.
        await cluster.WaitForHeightAsync(survivors, await cluster.MinHeightAsync(survivors) + 30);
        var oneDown = await BlocksPerSecondAsync(cluster, survivors);
        await stop.CancelAsync();
        await load;

        output.WriteLine($"all up: {allUp:F1} blocks/s; one killed: {oneDown:F1} blocks/s; {accepted.Count} transactions accepted");
        Assert.True(oneDown >= 0.5 * allUp, $"{oneDown:F1} blocks/s with one validator down against {allUp:F1} with all up");
        Assert.True(accepted.Count > 100, $"only {accepted.Count} submissions accepted");

        // Every accepted transaction commits: none is left behind by the crashed validator or a timed-out round.
        foreach (var (node, hash) in accepted)
        {
            await TestCluster.WaitUntilAsync(async () => await StatusAsync(http, cluster, node, hash) == "firm", $"transaction {hash} firm at validator {node}");
        }

        var timedOut = await cluster.MetricAsync(0, "fairway_consensus_rounds_timed_out_total");
        output.WriteLine($"rounds timed out at validator 0: {timedOut}; eligible leaders: {await cluster.MetricAsync(0, "fairway_consensus_eligible_leaders")}");
        Assert.Equal(3, await cluster.MetricAsync(0, "fairway_consensus_eligible_leaders"));

        // The operator can read the same from the log: who is passed over, and the periodic summary.
        var log = cluster.NodeLog(0);
        Assert.Contains("leader reputation passes over validator(s) 3", log, StringComparison.Ordinal);
        Assert.Contains("eligible leaders 3/4", log, StringComparison.Ordinal);
    }

    private static async Task<double> BlocksPerSecondAsync(TestCluster cluster, int[] nodes)
    {
        var start = await cluster.MinHeightAsync(nodes);
        var clock = Stopwatch.StartNew();
        await Task.Delay(Window);
        var end = await cluster.MinHeightAsync(nodes);
        return (end - start) / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Open-loop submissions at a fixed rate, round-robin over the given validators; records accepted hashes.</summary>
    private static async Task SubmitAtAsync(HttpClient http, TestCluster cluster, int[] nodes, int perSecond, List<(int Node, string Hash)> accepted, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        var sent = 0;
        while (!stop.IsCancellationRequested)
        {
            var due = (int)(clock.Elapsed.TotalSeconds * perSecond);
            for (; sent < due; sent++)
            {
                var payload = new byte[256];
                BitConverter.TryWriteBytes(payload, sent);
                BitConverter.TryWriteBytes(payload.AsSpan(8), Environment.TickCount64);
                var node = nodes[sent % nodes.Length];
                try
                {
                    using var response = await http.PostAsJsonAsync(
                        new Uri(cluster.Nodes[node].ApiUrl + "/v1/submit"),
                        new { @namespace = 7, payload = Convert.ToBase64String(payload) },
                        CancellationToken.None);
                    if (response.IsSuccessStatusCode)
                    {
                        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(CancellationToken.None));
                        accepted.Add((node, json.RootElement.GetProperty("hash").GetString()!));
                    }
                }
                catch (HttpRequestException)
                {
                }
            }

            try
            {
                await Task.Delay(10, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private static async Task<string?> StatusAsync(HttpClient http, TestCluster cluster, int node, string hash)
    {
        try
        {
            using var response = await http.GetAsync(new Uri($"{cluster.Nodes[node].ApiUrl}/v1/status/tx/{hash}"));
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return json.RootElement.GetProperty("status").GetString();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}

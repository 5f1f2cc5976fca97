using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace Fairway.Devnet.Tests;

/// <summary>
/// Receive-order fairness on real validator processes. A client sends transaction A to every validator at once and,
/// 400 ms later, transaction B the same way, both in the generated genesis's fair namespace; every validator then saw A
/// first, so the output must put A before B. Checked with all clocks right, with one validator's clock off by 100 ms,
/// and with the leader killed between A and B. Each test repeats the pair: one pair in order could be luck.
/// </summary>
[Collection("processes")]
public class FairOrderingTests(ITestOutputHelper output)
{
    /// <summary>The namespace <see cref="Fairway.Node.Setup.NetworkGenerator"/> declares as "demo-fair", ordered by the fair policy.</summary>
    private const ulong FairNamespace = 2;

    private const int Pairs = 5;

    private static readonly TimeSpan Gap = TimeSpan.FromMilliseconds(400);
    private static readonly int[] All = [0, 1, 2, 3];

    [Fact]
    public async Task A_transaction_sent_first_to_all_validators_precedes_one_sent_400ms_later()
    {
        await using var cluster = new TestCluster();
        cluster.StartAll();
        await RunPairsAsync(cluster, "clocks right", killLeaderBetween: false);
    }

    [Fact]
    public async Task A_transaction_sent_first_to_all_validators_precedes_one_sent_400ms_later_with_one_clock_100ms_off()
    {
        await using var cluster = new TestCluster();
        cluster.SetConfig(3, "clock_offset_ms", 100);
        cluster.AllowTestSettings = true;
        cluster.StartAll();

        await RunPairsAsync(cluster, "validator 3's clock +100 ms", killLeaderBetween: false);

        // The node refuses clock_offset_ms at start without the variable: validator 3 running to the end means it ran with
        // its clock off, as intended, rather than the test passing with three validators.
        Assert.True(cluster.IsRunning(3), $"validator 3 is not running:\n{await cluster.DescribeAsync()}");
    }

    [Fact]
    public async Task A_transaction_sent_first_to_all_validators_precedes_one_sent_400ms_later_with_the_leader_killed_between()
    {
        await using var cluster = new TestCluster();
        cluster.StartAll();
        await RunPairsAsync(cluster, "leader killed between A and B", killLeaderBetween: true);
    }

    /// <summary>
    /// Once the chain commits, <see cref="Pairs"/> times: A to every validator, a 400 ms gap (the leader killed in it when
    /// asked), B to every running validator; both firm; A before B in the fair namespace's output.
    /// </summary>
    private async Task RunPairsAsync(TestCluster cluster, string scenario, bool killLeaderBetween)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await cluster.WaitForHeightAsync(All, 3);
        await AssertFairNamespaceAsync(http, cluster);
        var clock = Stopwatch.StartNew();

        for (var pair = 0; pair < Pairs; pair++)
        {
            var a = await SubmitToAllAsync(http, cluster, All, Payload(scenario, pair, "A"));
            var sinceA = Stopwatch.StartNew();
            var running = All;
            int? killed = null;
            if (killLeaderBetween)
            {
                // Leader reputation may pass over validators, so ask a validator who leads rather than the plain schedule
                // (as ValidatorProcessTests does). Every validator is up at the start of a pair, 0 included.
                var round = (ulong)(await cluster.MetricAsync(0, "fairway_consensus_round") ?? 1);
                killed = (int)(await cluster.MetricAsync(0, "fairway_consensus_leader") ?? cluster.Validators.LeaderOf(round));
                cluster.Kill(killed.Value);
                running = [.. All.Where(i => i != killed.Value)];
            }

            if (Gap - sinceA.Elapsed is { Ticks: > 0 } rest)
            {
                await Task.Delay(rest);
            }

            var b = await SubmitToAllAsync(http, cluster, running, Payload(scenario, pair, "B"));
            var atA = await FirmPositionAsync(http, cluster, running, a);
            var atB = await FirmPositionAsync(http, cluster, running, b);
            output.WriteLine(
                $"{scenario}, pair {pair}{(killed is { } k ? $" (killed leader {k})" : "")}: A {a[..12]} at height {atA.Height} position {atA.Index}, " +
                $"B {b[..12]} at height {atB.Height} position {atB.Index}; both firm {sinceA.ElapsedMilliseconds} ms after A");
            Assert.True(
                atA.Height < atB.Height || (atA.Height == atB.Height && atA.Index < atB.Index),
                $"{scenario}, pair {pair}: A ({a}) at height {atA.Height} position {atA.Index} does not precede B ({b}), sent {Gap.TotalMilliseconds:F0} ms later, " +
                $"at height {atB.Height} position {atB.Index} in namespace {FairNamespace}\n{await DescribeAsync(cluster)}");

            if (killed is { } dead)
            {
                // Back to four before the next pair: one validator down is all four can tolerate.
                cluster.Start(dead);
                await cluster.WaitForHeightAsync(All, await cluster.MinHeightAsync(running));
            }
        }

        output.WriteLine($"{Pairs} pairs in {clock.Elapsed.TotalSeconds:F1} s");
        output.WriteLine(await FairMetricsAsync(cluster));
    }

    /// <summary>The test means nothing unless the namespace it uses is ordered by the fair policy.</summary>
    private static async Task AssertFairNamespaceAsync(HttpClient http, TestCluster cluster)
    {
        using var json = JsonDocument.Parse(await http.GetStringAsync(new Uri($"{cluster.Nodes[0].ApiUrl}/v1/namespaces/{FairNamespace}")));
        Assert.Equal("fair", json.RootElement.GetProperty("policy").GetString());
    }

    /// <summary>A payload no other transaction has, so each transaction has its own hash and is found by it.</summary>
    private static byte[] Payload(string scenario, int pair, string name) =>
        Encoding.UTF8.GetBytes($"fair ordering: {scenario}, pair {pair}, {name}, {Guid.NewGuid():N}");

    /// <summary>
    /// Sends one transaction to each of <paramref name="nodes"/> at once (what a client wanting it seen first everywhere
    /// does); each must accept it, and all name the same hash, which is returned.
    /// </summary>
    private static async Task<string> SubmitToAllAsync(HttpClient http, TestCluster cluster, int[] nodes, byte[] payload)
    {
        var hashes = await Task.WhenAll(nodes.Select(async i =>
        {
            using var response = await http.PostAsJsonAsync(
                new Uri(cluster.Nodes[i].ApiUrl + "/v1/submit"),
                new { @namespace = FairNamespace, payload = Convert.ToBase64String(payload) });
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"validator {i} refused the submission: {(int)response.StatusCode} {body}");
            using var json = JsonDocument.Parse(body);
            return json.RootElement.GetProperty("hash").GetString() ?? throw new JsonException($"validator {i} answered no hash: {body}");
        }));
        Assert.All(hashes, h => Assert.Equal(hashes[0], h));
        return hashes[0];
    }

    /// <summary>
    /// Waits until one of <paramref name="nodes"/> reports the transaction firm, then reads its place in the fair
    /// namespace's output from that validator: the height, and the position among the namespace's transactions there.
    /// </summary>
    private static async Task<(ulong Height, int Index)> FirmPositionAsync(HttpClient http, TestCluster cluster, int[] nodes, string hash)
    {
        (int Node, ulong Height)? firm = null;
        try
        {
            await TestCluster.WaitUntilAsync(async () =>
            {
                foreach (var i in nodes)
                {
                    if (await FirmHeightAsync(http, cluster, i, hash) is { } height)
                    {
                        firm = (i, height);
                        return true;
                    }
                }

                return false;
            }, $"transaction {hash} firm at one of validators {string.Join(",", nodes)}");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n{await DescribeAsync(cluster)}", e);
        }

        var (node, at) = firm ?? throw new InvalidOperationException("the wait ended without a firm status");
        var hashes = await NamespaceHashesAsync(http, cluster, node, at);
        Assert.True(hashes.Count(h => h == hash) == 1, $"transaction {hash} appears {hashes.Count(h => h == hash)} times in namespace {FairNamespace} at height {at} (validator {node} reports it firm there)");
        return (at, hashes.IndexOf(hash));
    }

    /// <summary>The height of a firm transaction per one validator; null while it is not firm there (or not answering).</summary>
    private static async Task<ulong?> FirmHeightAsync(HttpClient http, TestCluster cluster, int node, string hash)
    {
        if (!cluster.IsRunning(node))
        {
            return null;
        }

        try
        {
            using var response = await http.GetAsync(new Uri($"{cluster.Nodes[node].ApiUrl}/v1/status/tx/{hash}"));
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            response.EnsureSuccessStatusCode();
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var root = json.RootElement;
            return root.GetProperty("status").GetString() == "firm" && root.TryGetProperty("height", out var h) && h.ValueKind == JsonValueKind.Number
                ? h.GetUInt64()
                : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>The hashes of the fair namespace's transactions at one height, in output order.</summary>
    private static async Task<List<string>> NamespaceHashesAsync(HttpClient http, TestCluster cluster, int node, ulong height)
    {
        using var json = JsonDocument.Parse(await http.GetStringAsync(new Uri($"{cluster.Nodes[node].ApiUrl}/v1/availability/block/{height}/namespace/{FairNamespace}")));
        return [.. json.RootElement.GetProperty("transactions").EnumerateArray().Select(t => t.GetProperty("hash").GetString() ?? "")];
    }

    /// <summary>Each validator's height and log tail, with its fair-lane metrics: what a failed run needs to be read.</summary>
    private static async Task<string> DescribeAsync(TestCluster cluster) => $"{await cluster.DescribeAsync()}\n{await FairMetricsAsync(cluster)}";

    /// <summary>Each validator's fair-lane metrics (lists and proposals it refused, by reason) and rounds ended by timeout.</summary>
    private static async Task<string> FairMetricsAsync(TestCluster cluster)
    {
        var lines = new List<string>();
        for (var i = 0; i < cluster.Count; i++)
        {
            var metrics = await cluster.MetricsAsync(i) ?? "";
            var fair = metrics.Split('\n').Where(l => l.StartsWith("fairway_fair_", StringComparison.Ordinal) || l.StartsWith("fairway_consensus_rounds_timed_out_total ", StringComparison.Ordinal));
            lines.Add($"--- validator {i} metrics: {string.Join("; ", fair)}");
        }

        return string.Join('\n', lines);
    }
}

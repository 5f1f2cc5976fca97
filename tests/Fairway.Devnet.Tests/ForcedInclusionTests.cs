using System.Diagnostics;
using System.Text;
using Fairway.Client;
using Fairway.Settlement;
using Fairway.Settlement.Dev;
using Xunit.Abstractions;

namespace Fairway.Devnet.Tests;

/// <summary>
/// Forced inclusion on real processes and a real anvil. Validator 0 runs the test-only censor for a namespace: it
/// receipts that namespace's transactions and drops them, and when it leads it leaves the namespace's inbox entries out.
/// A transaction submitted to it alone never gets in; the same kind of transaction posted to the L1 inbox is firm
/// before its deadline, every time. A second network shows the deadline enforced by votes: its other leaders are lazy
/// (test-only), so the censor leads while an entry is past its deadline, and its proposals gather no votes.
/// </summary>
[Collection("processes")]
public class ForcedInclusionTests(ITestOutputHelper output)
{
    private const ulong Namespace = 7;
    private const int Censor = 0;
    private const int Tries = 20;
    private static readonly int[] All = [0, 1, 2, 3];
    private static readonly string[] StatusOrder = ["posted", "final", "soft", "firm", "settled"];

    private static async Task<InboxPoster> PosterAsync(TestCluster cluster) =>
        await InboxPoster.ConnectAsync(
            await L1Connection.ConnectAsync(cluster.Anvil!.Url, SettlementKey.FromPrivateKeyHex(AnvilProcess.DevAccountKey)), cluster.Contracts!.Inbox!);

    private static FairwayClient Client(TestCluster cluster, int node) =>
        new(new Uri(cluster.Nodes[node].ApiUrl), TrustedChain.FromGenesisFile(Path.Combine(cluster.Directory, "genesis.json")));

    [Fact]
    public async Task An_inbox_entry_is_firm_before_its_deadline_every_time_while_a_censoring_validator_drops_its_namespace()
    {
        await using var cluster = new TestCluster();
        await cluster.AttachL1Async();
        cluster.SetConfig(Censor, "test_censor_namespace", Namespace);
        cluster.AllowTestSettings = true;
        cluster.StartAll();
        await cluster.WaitForHeightAsync(All, 2);
        var l1 = await L1Connection.ConnectAsync(cluster.Anvil!.Url, null);

        // Submitted to the censor alone: receipted, then dropped. Ten heights later at every validator it is nowhere.
        using var censorClient = Client(cluster, Censor);
        var dropped = await censorClient.SubmitAsync(Namespace, Encoding.UTF8.GetBytes($"submitted to the censor {Guid.NewGuid():N}"));
        var after = await cluster.MinHeightAsync(All) + 10;
        await cluster.WaitForHeightAsync(All, after);
        using var honest = Client(cluster, 1);
        Assert.True((await honest.GetStatusAsync(dropped.Hash))?.Level is null or < Commitment.Soft, "the censor's dropped transaction was ordered");

        // The first try through the command, as an operator would run it.
        var (exit, text) = await FairwayCommand.RunAsync(
            "force-include", "--l1", cluster.Anvil.Url, "--url", cluster.Nodes[1].ApiUrl, "--namespace", $"{Namespace}",
            "--payload", $"forced by the command {Guid.NewGuid():N}", "--genesis", Path.Combine(cluster.Directory, "genesis.json"));
        Assert.True(exit == 0, text);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("posted inbox entry 1 ", lines[0], StringComparison.Ordinal);
        Assert.Matches("^inbox entry 1: firm at height [0-9]+, position [0-9]+", lines[^1]);

        // The rest through the SDK, each timed from the post's L1 block to firm, each checked against its deadline.
        var poster = await PosterAsync(cluster);
        var latencies = new List<double>();
        var firmBeforeDeadline = 0;
        for (var i = 2; i <= Tries; i++)
        {
            var payload = Encoding.UTF8.GetBytes($"forced {i} {Guid.NewGuid():N}");
            var index = await poster.PostAsync(Namespace, payload);
            var clock = Stopwatch.StartNew();
            var entry = await poster.Contract.EntryAsync(index);
            var done = await honest.FollowInboxEntryAsync(index, Namespace, TimeSpan.FromSeconds(60));
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            var head = await l1.BlockNumberAsync();
            // The deadline binds the L1 block a block names, which every validator checks; when the client saw it firm
            // also counts the client's polling and the machine's load, so it is reported, not asserted.
            var including = (await cluster.BlockAsync(1, done.Verified.Height))!.Value.GetProperty("l1").GetProperty("number").GetUInt64();
            Assert.True(including < entry.DeadlineBlock, $"entry {index} ordered in a block naming L1 block {including}, at or past its deadline {entry.DeadlineBlock}");
            firmBeforeDeadline += head < entry.DeadlineBlock ? 1 : 0;
            Assert.Equal(payload, done.Verified.Transaction.Payload.ToArray());
            // Statuses only move forward (a poll may miss a short-lived one), from posted to firm or settled.
            var order = done.Statuses.Select(s => Array.IndexOf(StatusOrder, s.Status.Status)).ToList();
            Assert.True(order[0] == 0 && order.All(o => o >= 0) && order.SequenceEqual(order.Order().Distinct()) && order[^1] >= 3, string.Join(", ", done.Statuses.Select(s => s.Status.Status)));

            // First in its namespace's output at its height: the inbox's place.
            var block = await honest.GetNamespaceAsync(done.Verified.Height, Namespace);
            Assert.Equal(payload, block.Transactions[0].Payload.ToArray());
        }

        latencies.Sort();
        output.WriteLine($"post to firm over {latencies.Count} tries: p50 {latencies[latencies.Count / 2]:F0} ms, p99 {latencies[^1]:F0} ms, min {latencies[0]:F0} ms; firm at the client before the L1 reached the deadline: {firmBeforeDeadline}");
        await cluster.AssertSameChainAsync(All, await cluster.MinHeightAsync(All));
    }

    [Fact]
    public async Task A_censoring_leaders_proposals_gather_no_votes_once_an_entry_is_past_its_deadline()
    {
        await using var cluster = new TestCluster();
        await cluster.AttachL1Async();
        cluster.SetConfig(Censor, "test_censor_namespace", Namespace);
        foreach (var lazy in new[] { 1, 2, 3 })
        {
            // Lazy leaders include an entry only ten L1 blocks after its deadline, so the censor leads meanwhile.
            cluster.SetConfig(lazy, "test_inbox_delay_blocks", 10);
        }

        cluster.AllowTestSettings = true;
        cluster.StartAll();
        await cluster.WaitForHeightAsync(All, 2);
        var poster = await PosterAsync(cluster);
        using var honest = Client(cluster, 1);
        var l1 = await L1Connection.ConnectAsync(cluster.Anvil!.Url, null);

        // Each try gives the censor a ten-block window to lead in. Every proposal in it is refused and its round times
        // out (longer each time), so a window holds only a few rounds and the censor may lead none of them; measured,
        // about one try in three missed, so eight tries leave a chance of under one in ten thousand.
        for (var attempt = 1; attempt <= 8 && await CensorRefusalsAsync(cluster) == 0; attempt++)
        {
            var index = await poster.PostAsync(Namespace, Encoding.UTF8.GetBytes($"past the deadline {attempt} {Guid.NewGuid():N}"));
            var entry = await poster.Contract.EntryAsync(index);
            var done = await honest.FollowInboxEntryAsync(index, Namespace, TimeSpan.FromSeconds(120));
            var head = await l1.BlockNumberAsync();
            output.WriteLine($"entry {index}: deadline L1 block {entry.DeadlineBlock}, firm at height {done.Verified.Height} by L1 block {head}");
            Assert.True(head >= entry.DeadlineBlock, "a lazy network included the entry before its deadline");
        }

        var refusals = await CensorRefusalsAsync(cluster);
        output.WriteLine($"votes refused to the censor's proposals: {refusals}");
        Assert.True(refusals > 0, "no honest validator refused a proposal of the censor leaving out a past-deadline entry");
        await cluster.AssertSameChainAsync(All, await cluster.MinHeightAsync(All));
    }

    /// <summary>Votes the honest validators refused to proposals of the censor for their inbox entries.</summary>
    private static async Task<double> CensorRefusalsAsync(TestCluster cluster)
    {
        double total = 0;
        foreach (var node in new[] { 1, 2, 3 })
        {
            var text = await cluster.MetricsAsync(node) ?? "";
            var line = text.Split('\n').FirstOrDefault(l => l.StartsWith($"fairway_inbox_refusals_total{{leader=\"{Censor}\"}} ", StringComparison.Ordinal));
            total += line is null ? 0 : double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        }

        return total;
    }
}

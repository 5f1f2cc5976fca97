using Fairway.Simulation;

namespace Fairway.Simulation.Tests;

/// <summary>
/// Forced inclusion on seeded whole-node runs with a simulated L1: users post entries to its inbox, each validator's
/// watcher reads them a little late, leaders include what is final and voters refuse a block that leaves out an entry
/// past its deadline. Honest runs include every entry long before its deadline; a censoring leader at f is refused once
/// an entry falls due and still keeps nothing out; with forced inclusion taken away (a test-only hole) the inbox
/// invariant fires.
/// </summary>
public class SimulatorInboxTests
{
    private static readonly SimulationOptions Inbox = new() { Nodes = 4, Rounds = 150, InboxPosts = 24, Seed = 1_500 };

    /// <summary>
    /// A deadline as tight as honest leaders can meet: 2 blocks of 200 ms, watchers at most 40 ms apart. An entry is then
    /// due about one L1 block after the first honest leader can include it, so a censor leading at that moment is refused.
    /// Over seeds 1 to 24 of this scenario: no entry late or missing, and the censor refused in seeds 7 and 8.
    /// </summary>
    private static readonly SimulationOptions Tight = new()
    {
        Nodes = 4,
        Rounds = 150,
        Byzantine = ByzantineKind.CensorInbox,
        Faulty = 1,
        InboxDeadlineBlocks = 2,
        L1BlockMs = 200,
        L1LagMsMax = 40,
        Seed = 7,
    };

    private static string Why(BatchReport report) =>
        report.Results.FirstOrDefault(r => r.Failed) is { } f ? $"seed {f.Seed}: {string.Join("; ", f.SafetyViolations.Take(3))} {f.LivenessFailure}" : "";

    [Fact]
    public void Honest_validators_include_every_posted_entry_before_its_deadline()
    {
        var report = SimulationBatch.Run(Inbox, seeds: 3);

        Assert.True(report.Passed, Why(report));
        Assert.Equal(3 * 24, report.InboxPosted);
        Assert.Equal(report.InboxPosted, report.InboxIncluded);
        Assert.Equal(0, report.InboxLate);
        Assert.Equal(0, report.InboxMissing);
        Assert.Equal(0, report.InboxRefusals);

        // Committed before the L1 even made the deadline block: confirmations, the leader's one block of slack and a
        // few rounds, about 3 of the 10 L1 blocks allowed.
        Assert.InRange(report.InboxDelayMaxMs, 1, (long)Inbox.InboxDeadlineBlocks * Inbox.L1BlockMs - 1);

        // The output checks hold with the entries in the outputs, and the client transactions are counted as before.
        Assert.Equal(0, report.OutputsMismatched);
        Assert.All(report.Results, r => Assert.Equal(r.TransactionsSubmitted, r.TransactionsCommitted));
    }

    [Theory]
    [InlineData("fcfs")]
    [InlineData("fair")]
    public void A_censor_at_f_keeps_no_entry_out_through_loss_partitions_and_crashes(string policy)
    {
        var report = SimulationBatch.Run(
            Scenarios.Faults with { Rounds = 150, Byzantine = ByzantineKind.CensorInbox, Faulty = 1, Policy = policy, Seed = 1_510 }, seeds: 3);

        // Passed: no entry missing, and none late that fell due after the network healed. Entries that fell due during a
        // partition may be late (inbox_late counts them); no protocol can promise timing while the network is split.
        Assert.True(report.Passed, Why(report));
        Assert.Equal(3 * SimulationOptions.CensorInboxPostsDefault, report.InboxPosted);
        Assert.Equal(report.InboxPosted, report.InboxIncluded);
        Assert.Equal(0, report.InboxMissing);
        Assert.Equal(0, report.OutputsMismatched);
    }

    [Fact]
    public void A_censor_at_f_is_refused_once_an_entry_is_due_and_every_entry_is_still_included_on_time()
    {
        var report = SimulationBatch.Run(Tight, seeds: 2);

        Assert.True(report.Passed, Why(report));
        Assert.True(report.InboxRefusals > 0, "the censor was never refused");
        Assert.Equal(0, report.InboxRefusalsOfHonestLeaders);
        Assert.Equal(report.InboxPosted, report.InboxIncluded);
        Assert.Equal(0, report.InboxLate);
        Assert.Equal(0, report.InboxMissing);
    }

    [Fact]
    public void Without_forced_inclusion_the_censor_keeps_entries_out_and_the_invariant_fires()
    {
        var report = SimulationBatch.Run(Tight with { UnsafeIgnoreInboxForTesting = true, LivenessTicksMax = 1_500 }, seeds: 2);

        Assert.False(report.Passed);
        Assert.True(report.InboxMissing > 0, $"{report.InboxMissing} missing, {report.InboxLate} late");
        Assert.Equal(0, report.InboxIncluded);
        Assert.All(report.Results, r => Assert.Contains(r.SafetyViolations, v => v.Contains("inbox entries were never committed", StringComparison.Ordinal)));
        Assert.Equal(0, report.LivenessFailures);
    }

    [Fact]
    public void A_seed_replays_to_the_same_inbox_outcome()
    {
        var first = Simulator.Run(Tight);
        var again = Simulator.Run(Tight);
        Assert.Equal(Summary(first), Summary(again));
        Assert.Equal(first.InboxDelaysMs, again.InboxDelaysMs);

        var broken = Tight with { UnsafeIgnoreInboxForTesting = true, LivenessTicksMax = 1_500 };
        Assert.Equal(Simulator.Run(broken).SafetyViolations, Simulator.Run(broken).SafetyViolations);
    }

    [Fact]
    public void The_inbox_is_refused_where_it_cannot_run()
    {
        Assert.Throws<ArgumentException>(() => (Inbox with { InboxDeadlineBlocks = 1 }).Validate());
        Assert.Throws<ArgumentException>(() => (Inbox with { Policy = "encrypted" }).Validate());
        Assert.Throws<ArgumentException>(() => (Inbox with { L1LagMsMax = Inbox.L1BlockMs }).Validate());
        Assert.Throws<ArgumentException>(() => (new SimulationOptions { UnsafeIgnoreInboxForTesting = true }).Validate());
        Assert.Throws<ArgumentException>(() => (Inbox with { InboxPosts = 1_001 }).Validate());
    }

    private static string Summary(SimulationResult r) =>
        $"{r.Ticks} {r.RoundsReached} {r.MessagesDelivered} {string.Join(",", r.CommittedBlocks)} {r.InboxPosted} {r.InboxIncluded} {r.InboxLate} {r.InboxMissing} {r.InboxRefusals} {string.Join(";", r.SafetyViolations)}";
}

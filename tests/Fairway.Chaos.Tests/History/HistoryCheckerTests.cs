using Fairway.Chaos.History;
using static Fairway.Chaos.Tests.History.HistoryBuilder;

namespace Fairway.Chaos.Tests.History;

/// <summary>
/// A clean history passes; for each check, a history doctored to violate just that check makes exactly that finding
/// fire (the negative controls that show each check can fail at all).
/// </summary>
public sealed class HistoryCheckerTests
{
    private static readonly CheckOptions Options = new();

    private static CheckResult Check(HistoryBuilder b) => HistoryChecker.Check(b.Build(), Options);

    private static void AssertOnly(string kind, CheckResult result)
    {
        Assert.NotEmpty(result.Findings);
        Assert.All(result.Findings, f => Assert.Equal(kind, f.Kind));
    }

    [Fact]
    public void A_clean_history_has_no_findings_and_counts_what_it_saw()
    {
        var result = Check(Clean());
        Assert.Empty(result.Findings);
        Assert.True(result.Passed);
        Assert.Equal(15, result.Counts["ops_firm"]);
        Assert.Equal(0, result.Counts["ops_received"]);
        Assert.Equal(20, result.Counts["deliveries"]);
        Assert.Equal(5, result.Counts["heights_compared"]);
        Assert.Equal(0, result.Counts["findings_truncated"]);
        Assert.Equal(500, result.LongestStall.LongestStallMs);
        Assert.Equal("none", result.LongestStall.Cause);
    }

    [Fact]
    public void Healed_faults_identical_redelivery_and_unsure_ops_are_no_findings()
    {
        var b = Clean();
        b.Faults.Add(new FaultRecord("partition", "{0,1}|{2,3}", 8_000, 10_000, [0, 1, 2, 3]));
        b.Faults.Add(new FaultRecord("kill", "node 2", 12_000, 14_000, [2]));
        b.Faults.Add(new FaultRecord("clock", "+5s node 3", 15_000, null, [3]));
        b.Reconnects.Add(new StreamReconnect(1, Ns, 1, 0));
        b.Reconnects.Add(new StreamReconnect(1, Ns, 3, 5_500));
        foreach (var h in new ulong[] { 3, 4, 5 })
            b.Deliveries.Add(b.Deliveries.Single(d => d.Node == 1 && d.Height == h) with { AtMs = 5_500 + (long)h });
        b.Ops.Add(new ClientOp(100, "aaaa0001", Ns, 0, 3_000, OpOutcome.Refused, Error: "429"));
        b.Ops.Add(new ClientOp(101, "aaaa0002", Ns, 1, 3_000, OpOutcome.Failed, Error: "timeout"));
        // Received by node 2, which was killed before the end: a receipt is no promise across a crash.
        b.Ops.Add(new ClientOp(102, "aaaa0003", Ns, 2, 11_000, OpOutcome.Received, ReceivedAtMs: 11_010));
        // Received inside the settle window: not yet expected in the outputs.
        b.Ops.Add(new ClientOp(103, "aaaa0004", Ns, 0, 55_000, OpOutcome.Received, ReceivedAtMs: 55_010));

        var result = Check(b);

        Assert.Empty(result.Findings);
        Assert.Equal(1, result.Counts["receipts_lost_to_crash"]);
        Assert.Equal(1, result.Counts["ops_refused"]);
        Assert.Equal(1, result.Counts["ops_failed"]);
        Assert.Equal(2, result.Counts["ops_received"]);
        Assert.Equal(2, result.Counts["reconnects"]);
    }

    [Fact]
    public void Firm_missing_fires_for_a_firm_tx_no_node_kept_even_when_its_validator_crashed()
    {
        var chain = Clean().Chain;
        var lost = chain[2][1];
        chain[2].RemoveAt(1);
        var b = FromChain(4, chain);
        b.Ops.Add(new ClientOp(99, lost, Ns, 3, 2_500, OpOutcome.Firm, 2_510, 3_100, 3, 1));
        b.Faults.Add(new FaultRecord("kill", "node 3", 4_000, 6_000, [3]));

        var result = Check(b);

        AssertOnly(FindingKinds.FirmMissing, result);
        Assert.Contains(lost, Assert.Single(result.Findings).Detail);
        Assert.Equal(1, result.Counts["receipts_lost_to_crash"]);
    }

    [Fact]
    public void Firm_missing_waits_for_a_node_whose_output_ends_below_the_tx()
    {
        var b = Clean();
        foreach (var h in new ulong[] { 3, 4, 5 })
            b.Outputs[3].Remove(h);
        b.Deliveries.RemoveAll(d => d.Node == 3 && d.Height >= 3);

        var result = Check(b);

        Assert.Empty(result.Findings);
        Assert.Equal(9, result.Counts["firm_checks_below_tip"]);
    }

    [Fact]
    public void Duplicate_fires_for_a_tx_output_at_two_heights()
    {
        var chain = Clean().Chain;
        chain[3].Add(chain[1][0]);
        var result = Check(FromChain(4, chain));

        AssertOnly(FindingKinds.Duplicate, result);
        Assert.Contains(result.Findings, f => f.Detail.Contains("output", StringComparison.Ordinal));
        Assert.Contains(result.Findings, f => f.Detail.Contains("stream", StringComparison.Ordinal));
    }

    [Fact]
    public void Duplicate_fires_for_a_tx_streamed_at_two_heights()
    {
        var b = Clean();
        b.Outputs[1].Remove(3);
        b.Outputs[1].Remove(4);
        b.Outputs[1].Remove(5);
        b.Incomplete.Add(1);
        var i = b.Deliveries.FindIndex(d => d.Node == 1 && d.Height == 4);
        b.Deliveries[i] = b.Deliveries[i] with { Transactions = [.. b.Deliveries[i].Transactions, Tx(2, 0)] };

        var result = Check(b);

        AssertOnly(FindingKinds.Duplicate, result);
        Assert.Contains("node 1", Assert.Single(result.Findings).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Position_mismatch_fires_when_the_client_was_told_another_position()
    {
        var b = Clean();
        var i = b.Ops.FindIndex(o => o.Tx == Tx(3, 1));
        b.Ops[i] = b.Ops[i] with { FirmIndex = 2 };

        var result = Check(b);

        AssertOnly(FindingKinds.PositionMismatch, result);
        Assert.Contains("(3, 2)", Assert.Single(result.Findings).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Position_mismatch_fires_when_nodes_hold_a_tx_at_different_heights()
    {
        // Node 3 was read only partly: where it has data it must agree, and it has the tx at a height the others lack.
        var b = Clean();
        b.Outputs[3] = new Dictionary<ulong, HeightOutput> { [1] = b.Outputs[0][1], [6] = new HeightOutput("ab", [Tx(2, 0)]) };
        b.Incomplete.Add(3);

        var result = Check(b);

        AssertOnly(FindingKinds.PositionMismatch, result);
        Assert.Contains("node 3", Assert.Single(result.Findings).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_divergence_fires_for_another_hash_at_a_height()
    {
        var b = Clean();
        b.SetNodeHeight(2, 3, b.Outputs[2][3] with { OutputHash = new string('f', 64) });

        var result = Check(b);

        AssertOnly(FindingKinds.OutputDivergence, result);
        Assert.Contains("height 3", Assert.Single(result.Findings).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_divergence_fires_for_other_transactions_under_the_same_hash()
    {
        var b = Clean();
        b.SetNodeHeight(2, 3, b.Outputs[2][3] with { Transactions = [.. b.Outputs[2][3].Transactions, "beef0000"] });

        var result = Check(b);

        AssertOnly(FindingKinds.OutputDivergence, result);
        Assert.Contains("same hash", Assert.Single(result.Findings).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Position_changed_fires_for_a_height_redelivered_differently()
    {
        var b = Clean();
        b.Reconnects.Add(new StreamReconnect(1, Ns, 3, 5_500));
        foreach (var h in new ulong[] { 3, 4, 5 })
        {
            var again = b.Deliveries.Single(d => d.Node == 1 && d.Height == h) with { AtMs = 5_500 + (long)h };
            b.Deliveries.Add(h == 3 ? again with { Transactions = [.. again.Transactions.Reverse()] } : again);
        }

        var result = Check(b);

        // The redelivery differs both from the first delivery's content and from the final output: one finding for it.
        AssertOnly(FindingKinds.PositionChanged, result);
        Assert.Contains("height 3", Assert.Single(result.Findings).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Position_changed_fires_for_a_delivery_unlike_the_final_output()
    {
        var b = Clean();
        var i = b.Deliveries.FindIndex(d => d.Node == 1 && d.Height == 2);
        b.Deliveries[i] = b.Deliveries[i] with { OutputHash = new string('0', 64) };

        AssertOnly(FindingKinds.PositionChanged, Check(b));
    }

    [Fact]
    public void Stream_gap_fires_for_a_skipped_height()
    {
        var b = Clean();
        b.Deliveries.RemoveAll(d => d.Node == 2 && d.Height == 3);

        var result = Check(b);

        AssertOnly(FindingKinds.StreamGap, result);
        Assert.Contains("height 4", Assert.Single(result.Findings).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Stream_gap_fires_for_a_reconnect_past_the_next_height()
    {
        var b = Clean();
        b.Deliveries.RemoveAll(d => d.Node == 2 && d.Height == 3);
        b.Reconnects.Add(new StreamReconnect(2, Ns, 4, 3_500));

        var result = Check(b);

        AssertOnly(FindingKinds.StreamGap, result);
        Assert.Contains("resumed from height 4", Assert.Single(result.Findings).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Stream_gap_fires_when_the_first_delivery_is_not_the_requested_height()
    {
        var b = Clean();
        b.Reconnects.Add(new StreamReconnect(0, Ns, 1, 0));
        b.Deliveries.RemoveAll(d => d.Node == 0 && d.Height == 1);

        AssertOnly(FindingKinds.StreamGap, Check(b));
    }

    [Fact]
    public void A_reconnect_and_its_first_delivery_in_the_same_millisecond_are_in_order()
    {
        var b = Clean();
        b.Reconnects.Add(new StreamReconnect(1, Ns, 2, 5_500));
        foreach (var h in new ulong[] { 2, 3, 4, 5 })
            b.Deliveries.Add(b.Deliveries.Single(d => d.Node == 1 && d.Height == h) with { AtMs = 5_500 });

        Assert.Empty(Check(b).Findings);
    }

    [Fact]
    public void Receipt_lost_fires_for_a_receipt_no_node_honoured()
    {
        var b = Clean();
        b.Ops.Add(new ClientOp(100, "dead0001", Ns, 1, 5_000, OpOutcome.Received, ReceivedAtMs: 5_010));

        var result = Check(b);

        AssertOnly(FindingKinds.ReceiptLost, result);
        Assert.Contains("dead0001", Assert.Single(result.Findings).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Receipt_lost_is_excused_only_by_a_crash_of_the_receiving_validator()
    {
        var b = Clean();
        b.Ops.Add(new ClientOp(100, "dead0001", Ns, 1, 5_000, OpOutcome.Received, ReceivedAtMs: 5_010));
        b.Faults.Add(new FaultRecord("kill", "node 2", 6_000, 7_000, [2]));
        b.Faults.Add(new FaultRecord("pause", "node 1", 6_000, 7_000, [1]));

        AssertOnly(FindingKinds.ReceiptLost, Check(b));

        b.Faults.Add(new FaultRecord("disk", "node 1 full", 20_000, 25_000, [1]));
        var excused = Check(b);
        Assert.Empty(excused.Findings);
        Assert.Equal(1, excused.Counts["receipts_lost_to_crash"]);
    }

    [Fact]
    public void No_resume_fires_when_the_cluster_stays_stuck_after_a_heal()
    {
        var b = Clean();
        b.Faults.Add(new FaultRecord("partition", "{0}|{1,2,3}", 10_000, 20_000, [0, 1, 2, 3]));
        b.SetProgress(20_000, long.MaxValue, (_, _, _) => 41);

        var result = Check(b);

        AssertOnly(FindingKinds.NoResume, result);
        Assert.Contains("partition", Assert.Single(result.Findings).Detail, StringComparison.Ordinal);
        Assert.Equal(40_000, result.LongestStall.LongestStallMs);
        Assert.Contains("partition", result.LongestStall.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void No_resume_fires_when_a_restarted_node_never_catches_up()
    {
        var b = Clean();
        b.Faults.Add(new FaultRecord("kill", "node 2", 10_000, 12_000, [2]));
        b.SetProgress(10_000, long.MaxValue, (_, n, h) => n == 2 ? 5 : h);

        var result = Check(b);

        AssertOnly(FindingKinds.NoResume, result);
        Assert.Contains("node 2", Assert.Single(result.Findings).Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_resume_bound_counts_only_time_free_of_later_faults(bool interrupted)
    {
        // Node 2 is killed and restarted, and reaches the cluster's height 35 s after the heal. When a second fault
        // (every validator killed for 10 s) began 5 s after the heal, that is 25 s of undisturbed time: inside the
        // 30 s bound. Without that fault it is past the bound.
        var b = Clean();
        b.Faults.Add(new FaultRecord("kill", "node 2", 10_000, 12_000, [2]));
        if (interrupted)
            b.Faults.Add(new FaultRecord("kill", "all", 17_000, 27_000, [0, 1, 2, 3]));
        b.SetProgress(10_000, 12_000 + 35_000, (_, n, h) => n == 2 ? 5 : h);

        var result = Check(b);

        if (interrupted)
        {
            Assert.Empty(result.Findings);
        }
        else
        {
            AssertOnly(FindingKinds.NoResume, result);
        }
    }

    [Fact]
    public void No_resume_is_not_judged_when_the_run_ends_inside_the_bound()
    {
        var b = Clean();
        b.Faults.Add(new FaultRecord("pause", "node 0", 45_000, 50_000, [0]));
        b.SetProgress(45_000, long.MaxValue, (_, n, _) => n == 0 ? null : 91);

        Assert.Empty(Check(b).Findings);
    }

    [Fact]
    public void Not_committed_fires_when_no_op_was_seen_firm()
    {
        var b = Clean();
        for (var i = 0; i < b.Ops.Count; i++)
            b.Ops[i] = b.Ops[i] with { Outcome = OpOutcome.Received, FirmAtMs = null, FirmHeight = null, FirmIndex = null };

        var result = Check(b);

        AssertOnly(FindingKinds.NotCommitted, result);
        Assert.Equal(15, result.Counts["ops_received"]);
    }

    [Fact]
    public void The_longest_stall_names_the_fault_active_during_it()
    {
        var b = Clean();
        b.Faults.Add(new FaultRecord("delay", "300ms node 1", 19_000, 25_000, [1]));
        b.Faults.Add(new FaultRecord("loss", "5% node 2", 2_000, 3_000, [2]));
        b.SetProgress(20_000, 26_000, (_, _, _) => 41);

        var result = Check(b);

        Assert.Empty(result.Findings);
        Assert.Equal(new StallReport(6_000, "delay 300ms node 1", 20_000), result.LongestStall);
    }

    [Fact]
    public void Findings_are_capped_with_every_kind_kept_and_the_rest_counted()
    {
        var b = Clean();
        for (var i = 0; i < 1_200; i++)
            b.Ops.Add(new ClientOp(1_000 + i, $"dead{i:x4}", Ns, 1, 5_000, OpOutcome.Received, ReceivedAtMs: 5_010));
        var op = b.Ops.FindIndex(o => o.Tx == Tx(3, 1));
        b.Ops[op] = b.Ops[op] with { FirmIndex = 2 };

        var result = Check(b);

        Assert.Equal(HistoryChecker.MaxFindings, result.Findings.Count);
        Assert.Equal(201, result.Counts["findings_truncated"]);
        Assert.Equal(1_200, result.Counts["findings_receipt_lost"]);
        Assert.Single(result.Findings, f => f.Kind == FindingKinds.PositionMismatch);
    }

    [Fact]
    public void A_run_sized_history_is_checked_in_seconds()
    {
        // 25,000 heights of 8 txs: 200,000 firm ops, 100,000 deliveries, 800,000 output positions.
        var b = Clean(nodes: 4, heights: 25_000, txsPerHeight: 8);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var result = Check(b);

        Assert.Empty(result.Findings);
        Assert.Equal(200_000, result.Counts["ops_firm"]);
        Assert.Equal(100_000, result.Counts["deliveries"]);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
    }
}

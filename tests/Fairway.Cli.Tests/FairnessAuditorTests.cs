using Fairway.Cli.Audit;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Inclusion;
using Fairway.Crypto;
using Fairway.Rollups.Accounts;
using Fairway.Rollups.Amm;

namespace Fairway.Cli.Tests;

/// <summary>The auditor's core on hand-made blocks and evidence: each kind of finding fires on its pattern and not on its near misses.</summary>
public class FairnessAuditorTests
{
    private const ulong Ns = 1;
    private static readonly Ed25519Signer Attacker = Ed25519Signer.FromSeedPhrase("audit-attacker");
    private static readonly Ed25519Signer Victim = Ed25519Signer.FromSeedPhrase("audit-victim");
    private static readonly AuditOptions Options = new() { DeltaMs = 100, CensorshipDeadlineMs = 10_000 };

    private static Transaction Tx(string text) => new(Ns, System.Text.Encoding.UTF8.GetBytes(text));

    private static AuditedBlock Block(ulong height, params Transaction[] transactions) => AuditedBlock.Of(height, 1_000 * height, transactions, []);

    private static HeldReceipt Receipt(Transaction tx, int validator, ulong at, ulong ns = Ns) => new(tx.Hash, ns, validator, at);

    private static AuditReport Audit(IReadOnlyList<AuditedBlock> blocks, IReadOnlyList<HeldReceipt> receipts, IReadOnlySet<Hash>? elsewhere = null) =>
        FairnessAuditor.Audit(blocks, receipts, Ns, elsewhere ?? new HashSet<Hash>(), Options);

    [Fact]
    public void A_transaction_ordered_ahead_of_one_its_only_witness_received_earlier_is_a_reordering()
    {
        var (a, b) = (Tx("a"), Tx("b"));
        var report = Audit([Block(1, b, a)], [Receipt(a, 3, 1_000), Receipt(b, 3, 1_500)]);

        var finding = Assert.Single(report.Findings);
        Assert.Equal(FindingKind.Reordering, finding.Kind);
        Assert.Equal(b.Hash, finding.Tx);
        Assert.Equal(a.Hash, finding.AheadOf);
        Assert.Equal(500UL, finding.GapMs);
        Assert.Equal([3], finding.Validators!);
        Assert.Equal(1, report.Summary[FindingKind.Reordering]);
    }

    [Fact]
    public void The_receive_order_kept_a_gap_under_delta_or_another_witness_seeing_the_later_one_first_is_no_reordering()
    {
        var (a, b) = (Tx("a"), Tx("b"));
        Assert.Empty(Audit([Block(1, a, b)], [Receipt(a, 3, 1_000), Receipt(b, 3, 1_500)]).Findings);
        Assert.Empty(Audit([Block(1, b, a)], [Receipt(a, 3, 1_000), Receipt(b, 3, 1_050)]).Findings);
        // Validator 0 received b and never a: an honest validator batching b first explains the order.
        Assert.Empty(Audit([Block(1, b, a)], [Receipt(a, 3, 1_000), Receipt(b, 3, 1_500), Receipt(b, 0, 1_400)]).Findings);
        // Validator 0 saw b before a.
        Assert.Empty(Audit([Block(1, b, a)], [Receipt(a, 3, 1_000), Receipt(b, 3, 1_500), Receipt(a, 0, 1_600), Receipt(b, 0, 1_400)]).Findings);
    }

    [Fact]
    public void A_reordering_across_heights_is_found_and_one_finding_names_the_widest_gap()
    {
        var (a, c, b) = (Tx("a"), Tx("c"), Tx("b"));
        var report = Audit([Block(1, b), Block(2, c, a)], [Receipt(a, 1, 1_000), Receipt(c, 1, 1_200), Receipt(b, 1, 1_900)]);

        var ahead = Assert.Single(report.Findings, f => f.Tx == b.Hash);
        Assert.Equal(2, ahead.AheadOfCount);
        Assert.Equal(a.Hash, ahead.AheadOf);
        Assert.Equal(2UL, ahead.AheadOfHeight);
        Assert.Equal(900UL, ahead.GapMs);
        // c, also ahead of a, is a finding of its own.
        Assert.Contains(report.Findings, f => f.Tx == c.Hash && f.AheadOf == a.Hash);
    }

    [Fact]
    public void Candidate_lists_are_receive_evidence_and_honest_ties_outvote_one_list()
    {
        var (a, b) = (Tx("a"), Tx("b"));
        CandidateList List(int validator, ulong aAt, ulong bAt) => new(
            Hash.Zero, 5, (ushort)validator, 3_000, 0,
            new[] { new CandidateEntry(a.Hash, aAt, Hash.Zero), new CandidateEntry(b.Hash, bAt, Hash.Zero) }.OrderBy(e => e.Transaction).ToArray(),
            default);

        // Every list read a half a second before b, and b came out first.
        var everyone = AuditedBlock.Of(1, 3_000, [b, a], [List(0, 1_000, 1_500), List(1, 1_010, 1_510), List(2, 990, 1_490), List(3, 1_000, 1_500)]);
        var finding = Assert.Single(Audit([everyone], []).Findings);
        Assert.Equal([0, 1, 2, 3], finding.Validators!);

        // Only validator 3 read them apart; the others saw both at once (in one batch): no evidence against the order.
        var oneList = AuditedBlock.Of(1, 3_000, [b, a], [List(0, 1_500, 1_500), List(1, 1_510, 1_510), List(2, 1_490, 1_490), List(3, 1_000, 1_500)]);
        Assert.Empty(Audit([oneList], []).Findings);
    }

    [Fact]
    public void A_block_keeps_only_the_list_entries_of_its_own_output()
    {
        var (mine, other) = (Tx("mine"), Tx("other"));
        var list = new CandidateList(
            Hash.Zero, 5, 2, 3_000, 0,
            new[] { new CandidateEntry(mine.Hash, 1_000, Hash.Zero), new CandidateEntry(other.Hash, 900, Hash.Zero) }.OrderBy(e => e.Transaction).ToArray(),
            default);

        Assert.Equal([new ListReading(2, mine.Hash, 1_000)], AuditedBlock.Of(1, 3_000, [mine], [list]).Readings);
        Assert.Empty(AuditedBlock.Of(1, 3_000, [], [list]).Readings);
    }

    private static Transaction Swap(Ed25519Signer who, ulong nonce, bool sellA) =>
        new(Ns, RollupTransaction.Sign(Ns, AmmKind.Swap, nonce, AmmState.SwapBody(sellA, 1_000, 1), who).Encode());

    [Fact]
    public void A_same_direction_swap_right_before_a_victims_and_the_reverse_after_is_a_sandwich()
    {
        var (front, victim, back) = (Swap(Attacker, 0, sellA: true), Swap(Victim, 0, sellA: true), Swap(Attacker, 1, sellA: false));
        var report = Audit([Block(1, Tx("noise"), front, victim), Block(2, back)], []);

        var finding = Assert.Single(report.Findings);
        Assert.Equal(FindingKind.Sandwich, finding.Kind);
        Assert.Equal(front.Hash, finding.Tx);
        Assert.Equal(victim.Hash, finding.Victim);
        Assert.Equal(back.Hash, finding.BackRun);
        Assert.Equal(1UL, finding.Height);
        Assert.Equal(Attacker.PublicKey.ToHex(), finding.Sender);
    }

    [Fact]
    public void Near_misses_of_a_sandwich_are_not_one()
    {
        var front = Swap(Attacker, 0, sellA: true);
        var victim = Swap(Victim, 0, sellA: true);
        // The attacker does not reverse.
        Assert.Empty(Audit([Block(1, front, victim, Swap(Attacker, 1, sellA: true))], []).Findings);
        // The victim trades the other way.
        Assert.Empty(Audit([Block(1, front, Swap(Victim, 0, sellA: false), Swap(Attacker, 1, sellA: false))], []).Findings);
        // The reverse comes two heights later.
        Assert.Empty(Audit([Block(1, front, victim), Block(2), Block(3, Swap(Attacker, 1, sellA: false))], []).Findings);
        // The front-run came two heights before the victim's swap.
        Assert.Empty(Audit([Block(1, front), Block(2), Block(3, victim, Swap(Attacker, 1, sellA: false))], []).Findings);
        // The victim's swap comes first: a back-run alone.
        Assert.Empty(Audit([Block(1, victim, front, Swap(Attacker, 1, sellA: false))], []).Findings);
    }

    [Fact]
    public void An_overdue_receipt_with_no_inclusion_is_censorship()
    {
        var censored = Tx("censored");
        var report = Audit([Block(1, Tx("x")), Block(20, Tx("y"))], [Receipt(censored, 2, 5_000), Receipt(censored, 3, 6_000)]);

        var finding = Assert.Single(report.Findings);
        Assert.Equal(FindingKind.Censorship, finding.Kind);
        Assert.Equal(censored.Hash, finding.Tx);
        Assert.Equal(20UL, finding.Height);
        Assert.Equal([2, 3], finding.Validators!);
        Assert.Equal(15_000UL, finding.AgeMs);
    }

    [Fact]
    public void A_receipt_followed_by_inclusion_young_in_another_namespace_or_committed_elsewhere_is_no_censorship()
    {
        var tx = Tx("t");
        Assert.Empty(Audit([Block(1, Tx("x")), Block(20, tx)], [Receipt(tx, 2, 5_000)]).Findings);
        Assert.Empty(Audit([Block(1, Tx("x")), Block(20, Tx("y"))], [Receipt(tx, 2, 15_000)]).Findings);
        Assert.Empty(Audit([Block(1, Tx("x")), Block(20, Tx("y"))], [Receipt(tx, 2, 5_000, ns: 2)]).Findings);
        Assert.Empty(Audit([Block(1, Tx("x")), Block(20, Tx("y"))], [Receipt(tx, 2, 5_000)], new HashSet<Hash> { tx.Hash }).Findings);
        Assert.Equal([tx.Hash], CensorshipCheck.Candidates([Block(1, Tx("x")), Block(20, Tx("y"))], [Receipt(tx, 2, 5_000)], Ns, Options));
    }

    [Fact]
    public void A_receipts_file_is_read_with_every_signature_checked_and_a_bad_line_is_named()
    {
        var tx = Tx("t");
        var sig = new string('a', 128);
        var line = $$"""{"transaction":"{{tx.Hash.ToHex()}}","namespace":1,"receipts":[{"validator":2,"received_at_ms":77,"signature":"{{sig}}"}]}""";

        var held = ReceiptFile.Parse(["", line], (_, _, _, _) => true);
        Assert.Equal(new HeldReceipt(tx.Hash, 1, 2, 77), Assert.Single(held));

        var forged = line.Replace("77", "78", StringComparison.Ordinal);
        Assert.Contains("line 2: the receipt of validator 2 does not verify", Assert.Throws<ReceiptFileException>(() => ReceiptFile.Parse([line, forged], (_, _, at, _) => at == 77)).Message, StringComparison.Ordinal);
        Assert.Contains("line 1: \"transaction\"", Assert.Throws<ReceiptFileException>(() => ReceiptFile.Parse(["{\"transaction\":\"zz\"}"], (_, _, _, _) => true)).Message, StringComparison.Ordinal);
        Assert.Contains("line 1: not a JSON object", Assert.Throws<ReceiptFileException>(() => ReceiptFile.Parse(["{oops"], (_, _, _, _) => true)).Message, StringComparison.Ordinal);
        Assert.Contains("line 1: \"receipts\"", Assert.Throws<ReceiptFileException>(() => ReceiptFile.Parse([$$"""{"transaction":"{{tx.Hash.ToHex()}}","namespace":1,"receipts":[]}"""], (_, _, _, _) => true)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_report_prints_as_json_with_a_count_per_kind_and_as_a_table()
    {
        var (a, b) = (Tx("a"), Tx("b"));
        var report = Audit([Block(7, b, a)], [Receipt(a, 3, 1_000), Receipt(b, 3, 1_500)]);

        var json = Commands.AuditCommand.ToJson(report, Ns, "fcfs", 7, 7, 2, Options);
        Assert.Equal(1, json["blocks_checked"]!.GetValue<int>());
        Assert.Equal(2, json["transactions_checked"]!.GetValue<int>());
        var finding = Assert.Single(json["findings"]!.AsArray())!;
        Assert.Equal("reordering", finding["kind"]!.GetValue<string>());
        Assert.Equal(7UL, finding["height"]!.GetValue<ulong>());
        Assert.Equal(b.Hash.ToHex(), finding["tx"]!.GetValue<string>());
        Assert.Equal(a.Hash.ToHex(), finding["ahead_of"]!.GetValue<string>());
        Assert.Null(finding["victim"]);
        Assert.Equal(1, json["summary"]!["reordering"]!.GetValue<int>());
        Assert.Equal(0, json["summary"]!["sandwich"]!.GetValue<int>());
        Assert.Equal(0, json["summary"]!["censorship"]!.GetValue<int>());

        var table = Commands.AuditCommand.ToTable(report, Ns, "fcfs", 7, 7, 2, Options);
        Assert.Contains("reordering: 1, sandwich: 0, censorship: 0", table, StringComparison.Ordinal);
        Assert.Contains(b.Hash.ToHex()[..16], table, StringComparison.Ordinal);
        Assert.EndsWith("no findings", Commands.AuditCommand.ToTable(Audit([Block(7, a, b)], []), Ns, "fcfs", 7, 7, 0, Options), StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_arguments_exit_2_with_a_message_naming_the_flag()
    {
        var (code, _, stderr) = FairwayProcess.Run("audit", "--url", "http://127.0.0.1:1", "--namespace", "1", "--from", "0");
        Assert.Equal(2, code);
        Assert.Contains("--from", stderr, StringComparison.Ordinal);

        (code, _, stderr) = FairwayProcess.Run("audit", "--url", "http://127.0.0.1:1", "--namespace", "1", "--from", "5", "--to", "4");
        Assert.Equal(2, code);
        Assert.Contains("--to", stderr, StringComparison.Ordinal);

        (code, _, stderr) = FairwayProcess.Run("audit", "--url", "http://127.0.0.1:1", "--namespace", "1", "--from", "1", "--to", "10001");
        Assert.Equal(2, code);
        Assert.Contains("at most 10000 heights", stderr, StringComparison.Ordinal);

        (code, _, stderr) = FairwayProcess.Run("audit", "--url", "http://127.0.0.1:1", "--namespace", "1", "--from", "1", "--genesis", "/nonexistent/genesis.json");
        Assert.Equal(2, code);
        Assert.Contains("genesis.json", stderr, StringComparison.Ordinal);
    }
}

using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Inclusion;
using Fairway.Core.Validators;
using Fairway.Crypto;
using Fairway.Ordering.Fair;

namespace Fairway.Ordering.Tests.Fair;

public class FairEvidenceTests
{
    private static readonly Hash ChainId = Hash.Compute("fair evidence tests"u8);
    private static readonly Ed25519Signer[] Signers = [.. Enumerable.Range(0, 4).Select(i => Ed25519Signer.FromSeedPhrase($"evidence-{i}"))];
    private static readonly ValidatorSet Four = new(Signers.Select((s, i) => new Validator($"v{i}", s.PublicKey, 1)));
    private const ulong At = 1_700_000_000_000;
    private const ulong Grace = 1_250;
    private static readonly Hash Victim = Hash.Compute("victim"u8);
    private static readonly Hash Later = Hash.Compute("later"u8);
    private static readonly Hash Batch = Hash.Compute("batch"u8);

    private static CandidateList List(int validator, ulong round, ulong clock, params (Hash Tx, ulong At)[] entries) =>
        CandidateList.Sign(ChainId, round, (ushort)validator, clock, 0, entries.Select(e => new CandidateEntry(e.Tx, e.At, Batch)), Signers[validator]);

    private static SignedReceipt Receipt(int validator, Hash tx, ulong at) =>
        new(tx, (ushort)validator, at, Signers[validator].Sign(SigningDomain.ReceiptMessage(ChainId, tx, (ushort)validator, at)));

    private static string? Check(FairEvidence evidence) => evidence.Check(ChainId, Four, Ed25519Verifier.Instance, Grace);

    [Fact]
    public void Two_different_lists_for_one_round_are_evidence_in_one_order_whichever_came_first()
    {
        var a = List(1, 7, At, (Victim, At - 500));
        var b = List(1, 7, At, (Later, At - 400));
        var evidence = FairEvidence.Conflicting(a, b);
        Assert.Null(Check(evidence));
        Assert.Equal(evidence.Id, FairEvidence.Conflicting(b, a).Id);
        Assert.Equal(1, evidence.Validator);

        var decoded = Canonical.Decode(Canonical.Encode(evidence), FairEvidence.Decode, "evidence");
        Assert.Equal(evidence.Id, decoded.Id);
        Assert.Null(Check(decoded));
    }

    [Fact]
    public void Lists_that_do_not_conflict_are_not_evidence()
    {
        var a = List(1, 7, At, (Victim, At - 500));
        Assert.Equal("the lists are the same", Check(FairEvidence.Conflicting(a, a)));
        Assert.Equal("the lists are from different validators or rounds", Check(FairEvidence.Conflicting(a, List(2, 7, At, (Later, At)))));
        Assert.Equal("the lists are from different validators or rounds", Check(FairEvidence.Conflicting(a, List(1, 8, At, (Later, At)))));

        // A forged list: validator 1's list signed by validator 2.
        var forged = CandidateList.Sign(ChainId, 7, 1, At, 0, [new CandidateEntry(Later, At, Batch)], Signers[2]);
        Assert.Contains("bad signature", Check(FairEvidence.Conflicting(a, forged)));
    }

    [Fact]
    public void A_receipt_then_a_list_that_passes_over_the_transaction_for_a_later_one_is_censorship()
    {
        var receipt = Receipt(2, Victim, At);
        var list = List(2, 9, At + Grace, (Later, At + 10));
        var evidence = FairEvidence.Censorship(receipt, list);
        Assert.Null(Check(evidence));
        var decoded = Canonical.Decode(Canonical.Encode(evidence), FairEvidence.Decode, "evidence");
        Assert.Equal(evidence.Id, decoded.Id);
        Assert.Null(Check(decoded));
    }

    [Fact]
    public void Censorship_evidence_needs_a_valid_receipt_a_late_enough_list_and_a_later_transaction_listed()
    {
        var receipt = Receipt(2, Victim, At);
        Assert.Equal("the list is too soon after the receipt", Check(FairEvidence.Censorship(receipt, List(2, 9, At + Grace - 1, (Later, At + 10)))));
        Assert.Equal("the list names the transaction", Check(FairEvidence.Censorship(receipt, List(2, 9, At + Grace, (Victim, At), (Later, At + 10)))));

        // A backlog: the list is full (at the cap floor) of what the validator received before the victim, an honest reason
        // to leave it out; one entry fewer and it was not cut short, so the omission is censorship again.
        var older = Enumerable.Range(0, CandidateList.CapFloor).Select(i => (Hash.Compute(BitConverter.GetBytes(i)), At - 10 - (ulong)i)).ToArray();
        Assert.Equal("the list is full of transactions received before this one", Check(FairEvidence.Censorship(receipt, List(2, 9, At + Grace, older))));
        Assert.Null(Check(FairEvidence.Censorship(receipt, List(2, 9, At + Grace, older[1..]))));
        Assert.Null(Check(FairEvidence.Censorship(receipt, List(2, 9, At + Grace))));
        Assert.Equal("the receipt and the list are from different validators", Check(FairEvidence.Censorship(receipt, List(3, 9, At + Grace, (Later, At + 10)))));

        var forged = receipt with { ReceivedAtMs = At - 5_000 };
        Assert.Equal("the receipt's signature does not verify", Check(FairEvidence.Censorship(forged, List(2, 9, At + Grace, (Later, At + 10)))));
    }

    [Fact]
    public void The_watch_turns_a_reported_receipt_and_a_committed_list_into_evidence_once()
    {
        var watch = new CensorshipWatch(ChainId, Four, Ed25519Verifier.Instance, Grace);
        Assert.Null(watch.Watch(Receipt(2, Victim, At)));
        Assert.Equal("the receipt's signature does not verify", watch.Watch(Receipt(2, Victim, At) with { Validator = 3 }));

        // Too early in the signer's lists: nothing yet, and still watched.
        Assert.Empty(watch.OnBlock([List(2, 8, At + 100, (Later, At + 10))], _ => false, At + 100));
        Assert.Equal(1, watch.Count);

        var found = Assert.Single(watch.OnBlock([List(1, 9, At + Grace, (Victim, At)), List(2, 9, At + Grace, (Later, At + 10))], _ => false, At + Grace));
        Assert.Equal(FairEvidenceKind.Censorship, found.Kind);
        Assert.Equal(2, found.Validator);
        Assert.Equal(0, watch.Count);
    }

    [Fact]
    public void A_transaction_output_before_the_list_is_not_censored_and_stops_being_watched()
    {
        var watch = new CensorshipWatch(ChainId, Four, Ed25519Verifier.Instance, Grace);
        watch.Watch(Receipt(2, Victim, At));
        Assert.Empty(watch.OnBlock([List(2, 9, At + Grace, (Later, At + 10))], tx => tx == Victim, At + Grace));
        Assert.Equal(0, watch.Count);
    }

    [Fact]
    public void The_watch_is_bounded_and_forgets_old_receipts()
    {
        var watch = new CensorshipWatch(ChainId, Four, Ed25519Verifier.Instance, Grace);
        for (var i = 0; i < CensorshipWatch.ReceiptsMax + 500; i++)
        {
            watch.Watch(Receipt(i % 4, Hash.Compute(BitConverter.GetBytes(i)), At));
        }

        Assert.Equal(CensorshipWatch.ReceiptsMax, watch.Count);
        Assert.Empty(watch.OnBlock([List(0, 9, At + 1, (Later, At - 10))], _ => false, At + CensorshipWatch.WatchedMs + 1));
        Assert.Equal(0, watch.Count);
    }
}

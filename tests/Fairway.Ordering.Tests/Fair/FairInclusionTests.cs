using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Inclusion;
using Fairway.Core.Validators;
using Fairway.Crypto;
using Fairway.Ordering.Fair;

namespace Fairway.Ordering.Tests.Fair;

public class FairInclusionTests
{
    private static readonly Hash ChainId = Hash.Compute("fair inclusion tests"u8);
    private static readonly Ed25519Signer[] Signers = [.. Enumerable.Range(0, 4).Select(i => Ed25519Signer.FromSeedPhrase($"fair-{i}"))];
    private static readonly ValidatorSet Four = new(Signers.Select((s, i) => new Validator($"v{i}", s.PublicKey, 1)));
    private static readonly Hash Seed = Hash.Compute("qc"u8);

    private static Hash Tx(string name) => Hash.Compute(System.Text.Encoding.UTF8.GetBytes(name));

    private static CandidateList List(int validator, ulong clock, params (string Tx, ulong At)[] entries) =>
        CandidateList.Sign(ChainId, 7, (ushort)validator, clock, 0, entries.Select(e => new CandidateEntry(Tx(e.Tx), e.At, Tx("batch"))), Signers[validator]);

    private static FairInclusionResult Include(params CandidateList[] lists) => FairInclusion.Include(lists, Four, _ => false, 0, Seed);

    [Fact]
    public void A_transaction_is_included_only_once_lists_with_more_than_the_faulty_stake_name_it()
    {
        var result = Include(
            List(0, 1_000, ("a", 100), ("b", 200)),
            List(1, 1_000, ("a", 110)),
            List(2, 1_000, ("c", 120)));

        Assert.Equal([Tx("a")], result.Included.Select(t => t.Transaction));
    }

    [Fact]
    public void Fair_time_is_the_median_of_the_lists_receive_times_with_a_list_that_lacks_the_transaction_counting_its_clock()
    {
        var result = Include(
            List(0, 900, ("a", 100)),
            List(1, 950, ("a", 300)),
            List(2, 500));

        // readings 100, 300 and validator 2's clock 500: the median is 300.
        Assert.Equal(300UL, Assert.Single(result.Included).FairTimeMs);
        Assert.Equal(900UL, result.TimestampMs);
    }

    [Fact]
    public void Output_order_is_by_fair_time_whatever_order_the_lists_come_in()
    {
        CandidateList[] lists =
        [
            List(0, 1_000, ("late", 500), ("early", 100)),
            List(1, 1_000, ("late", 520), ("early", 90)),
            List(2, 1_000, ("late", 480), ("early", 130)),
        ];

        var forward = Include(lists);
        var backward = Include([.. lists.Reverse()]);

        Assert.Equal([Tx("early"), Tx("late")], forward.Included.Select(t => t.Transaction));
        Assert.Equal(forward.Included, backward.Included);
    }

    [Fact]
    public void Equal_fair_times_are_ordered_by_a_hash_of_the_seed_so_another_seed_can_give_another_order()
    {
        CandidateList[] lists = [.. Enumerable.Range(0, 3).Select(v => List(v, 1_000, [.. Enumerable.Range(0, 16).Select(i => ($"t{i}", 100UL))]))];

        var one = FairInclusion.Include(lists, Four, _ => false, 0, Hash.Compute("seed one"u8));
        var two = FairInclusion.Include(lists, Four, _ => false, 0, Hash.Compute("seed two"u8));

        Assert.All(one.Included, t => Assert.Equal(100UL, t.FairTimeMs));
        Assert.Equal(one.Included.OrderBy(t => t.TieBreak).Select(t => t.Transaction), one.Included.Select(t => t.Transaction));
        Assert.NotEqual(one.Included.Select(t => t.Transaction), two.Included.Select(t => t.Transaction));
    }

    [Fact]
    public void Transactions_already_included_are_not_included_again()
    {
        var result = FairInclusion.Include(
            [List(0, 1_000, ("a", 1), ("b", 2)), List(1, 1_000, ("a", 1), ("b", 2)), List(2, 1_000)],
            Four, tx => tx == Tx("a"), 0, Seed);

        Assert.Equal([Tx("b")], result.Included.Select(t => t.Transaction));
    }

    [Fact]
    public void The_block_timestamp_never_goes_backwards()
    {
        var result = FairInclusion.Include([List(0, 100), List(1, 100), List(2, 100)], Four, _ => false, 5_000, Seed);

        Assert.Equal(5_000UL, result.TimestampMs);
    }

    /// <summary>
    /// The guarantee the median gives: one faulty validator (f = 1 of 4) choosing its list freely can move a fair time
    /// only within the range the honest lists give, and cannot put a transaction every honest list saw later before one
    /// they all saw earlier.
    /// </summary>
    [Fact]
    public void A_faulty_list_cannot_move_a_fair_time_outside_the_honest_readings_nor_swap_two_transactions_the_honest_saw_apart()
    {
        var random = new Random(11);
        for (var trial = 0; trial < 500; trial++)
        {
            var faulty = random.Next(4);
            var honest = Enumerable.Range(0, 4).Where(v => v != faulty).Take(2).ToArray();
            var aTimes = honest.Select(_ => (ulong)random.Next(0, 1_000)).ToArray();
            var bTimes = honest.Select(_ => (ulong)random.Next(1_300, 2_300)).ToArray();
            var honestLists = honest.Select((v, i) => List(v, 3_000, ("a", aTimes[i]), ("b", bTimes[i])));
            var lie = List(faulty, (ulong)random.Next(0, 10_000), ("a", (ulong)random.Next(0, 1_000_000)), ("b", 0));

            var result = Include([.. honestLists, lie]);

            var a = result.Included.Single(t => t.Transaction == Tx("a"));
            Assert.InRange(a.FairTimeMs, aTimes.Min(), aTimes.Max());
            Assert.Equal([Tx("a"), Tx("b")], result.Included.Select(t => t.Transaction));
        }
    }

    [Fact]
    public void Lists_below_the_quorum_two_lists_from_one_validator_and_mixed_rounds_are_refused()
    {
        Assert.Contains("needs", Assert.Throws<ArgumentException>(() => Include(List(0, 1), List(1, 1))).Message, StringComparison.Ordinal);
        Assert.Contains("two candidate lists", Assert.Throws<ArgumentException>(() => Include(List(0, 1), List(0, 2), List(1, 1))).Message, StringComparison.Ordinal);
        var otherRound = CandidateList.Sign(ChainId, 8, 2, 1, 0, [], Signers[2]);
        Assert.Contains("rounds", Assert.Throws<ArgumentException>(() => Include(List(0, 1), List(1, 1), otherRound)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Weighted_median_counts_stake_not_lists()
    {
        Assert.Equal(10UL, FairInclusion.WeightedMedian([(10, 5), (20, 1), (30, 1)]));
        Assert.Equal(20UL, FairInclusion.WeightedMedian([(10, 1), (20, 1), (30, 1)]));
        Assert.Equal(20UL, FairInclusion.WeightedMedian([(10, 1), (20, 1)]));
    }
}

public class CandidateListTests
{
    private static readonly Hash ChainId = Hash.Compute("candidate list tests"u8);
    private static readonly Ed25519Signer[] Signers = [.. Enumerable.Range(0, 4).Select(i => Ed25519Signer.FromSeedPhrase($"list-{i}"))];
    private static readonly ValidatorSet Four = new(Signers.Select((s, i) => new Validator($"v{i}", s.PublicKey, 1)));

    private static CandidateList Signed(int validator = 1) => CandidateList.Sign(
        ChainId, 3, (ushort)validator, 1_234, 0,
        [new CandidateEntry(Hash.Compute("y"u8), 20, Hash.Compute("b1"u8)), new CandidateEntry(Hash.Compute("x"u8), 10, Hash.Compute("b2"u8))], Signers[validator]);

    [Fact]
    public void A_signed_list_round_trips_byte_for_byte_and_checks()
    {
        var list = Signed();
        var bytes = Canonical.Encode(list);
        var back = Canonical.Decode(bytes, CandidateList.Decode, "candidate list");

        Assert.Equal(bytes, Canonical.Encode(back));
        Assert.Equal(list.Digest, back.Digest);
        Assert.Null(back.Check(ChainId, Four, Ed25519Verifier.Instance));
        Assert.True(back.TryGetReceivedAt(Hash.Compute("x"u8), out var at));
        Assert.Equal(10UL, at);
        Assert.False(back.TryGetReceivedAt(Hash.Compute("z"u8), out _));
    }

    [Fact]
    public void A_list_signed_by_another_key_for_another_chain_or_by_a_non_validator_is_refused_with_a_reason()
    {
        var list = Signed();
        var forged = new CandidateList(list.ChainId, list.Round, 2, list.ClockMs, list.InboxIndex, list.Entries, list.Signature);
        Assert.Contains("bad signature", forged.Check(ChainId, Four, Ed25519Verifier.Instance), StringComparison.Ordinal);
        Assert.Contains("another chain", list.Check(Hash.Compute("other"u8), Four, Ed25519Verifier.Instance), StringComparison.Ordinal);
        var stranger = new CandidateList(list.ChainId, list.Round, 9, list.ClockMs, list.InboxIndex, list.Entries, list.Signature);
        Assert.Contains("not a validator", stranger.Check(ChainId, Four, Ed25519Verifier.Instance), StringComparison.Ordinal);
    }

    [Fact]
    public void Encodings_with_unsorted_or_repeated_entries_are_refused()
    {
        var bytes = Canonical.Encode(Signed());
        // Entries start after version, chain id, round, validator, clock, inbox index and the count.
        var first = 1 + 32 + 8 + 2 + 8 + 8 + 4;
        var swapped = (byte[])bytes.Clone();
        bytes.AsSpan(first, 40).CopyTo(swapped.AsSpan(first + 40));
        bytes.AsSpan(first + 40, 40).CopyTo(swapped.AsSpan(first));
        var repeated = (byte[])bytes.Clone();
        bytes.AsSpan(first, 40).CopyTo(repeated.AsSpan(first + 40));

        Assert.Throws<EncodingException>(() => Canonical.Decode(swapped, CandidateList.Decode, "candidate list"));
        Assert.Throws<EncodingException>(() => Canonical.Decode(repeated, CandidateList.Decode, "candidate list"));
    }
}

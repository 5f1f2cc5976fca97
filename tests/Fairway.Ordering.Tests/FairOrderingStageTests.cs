using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Inclusion;
using Fairway.Core.Output;
using Fairway.Core.Validators;
using Fairway.Crypto;
using Fairway.Ordering.Fair;
using Fairway.Ordering.Output;

namespace Fairway.Ordering.Tests;

public class FairOrderingStageTests
{
    private static readonly Hash ChainId = Hash.Compute("fair ordering stage tests"u8);
    private static readonly Ed25519Signer[] Signers = [.. Enumerable.Range(0, 4).Select(i => Ed25519Signer.FromSeedPhrase($"stage-{i}"))];
    private static readonly ValidatorSet Four = new(Signers.Select((s, i) => new Validator($"v{i}", s.PublicKey, 1)));

    /// <summary>Namespace 2 is fair; everything else is fcfs.</summary>
    private static readonly NamespaceRegistry Registry = new(FcfsPolicy.Instance, [new NamespaceDeclaration(2, "fair", FairPolicy.Instance)]);

    private static Transaction Tx(ulong ns, string payload) => new(ns, System.Text.Encoding.UTF8.GetBytes(payload));

    private static CandidateList List(int validator, ulong round, params (Transaction Tx, ulong At)[] entries) =>
        CandidateList.Sign(ChainId, round, (ushort)validator, 10_000, 0, entries.Select(e => new CandidateEntry(e.Tx.Hash, e.At, Hash.Zero)), Signers[validator]);

    private static Block BlockOf(ulong height, Batch[] batches, Batch[] payloads, params CandidateList[] lists) =>
        new(ChainId, height + 3, height, 0, 1, new QuorumCertificate(height + 2, Hash.Compute("parent"u8), []), null,
            [.. batches.Select(b => b.Digest)], [.. payloads.Select(b => b.Digest)], lists);

    [Fact]
    public void Fair_namespaces_output_what_lists_of_f_plus_one_include_in_median_receive_order_and_fcfs_ones_as_before()
    {
        var stage = new OrderingStage(ChainId, Registry, Four);
        var (early, late, once, plain) = (Tx(2, "early"), Tx(2, "late"), Tx(2, "listed once"), Tx(1, "fcfs"));
        var batch = new Batch(ChainId, 0, 1, [late, plain, early, once]);
        var block = BlockOf(1, [batch], [],
            List(0, 4, (late, 300), (early, 100), (once, 50)),
            List(1, 4, (late, 310), (early, 120)),
            List(2, 4, (late, 290), (early, 900)));

        var (output, _) = stage.Order(block, [batch], OrderingState.Genesis);

        // fcfs namespace 1 first (namespaces ascending), then the fair namespace by median receive time; a transaction one
        // list names (no more than the faulty stake) waits.
        Assert.Equal([plain, early, late], output.Transactions);
        Assert.True(stage.WasIncluded(early.Hash));
        Assert.False(stage.WasIncluded(once.Hash));
        Assert.Equal(output.Transactions, BlockOutput.Rebuild(output.Header, [batch], output.Sources).Transactions);
    }

    [Fact]
    public void A_payload_batch_gives_only_its_included_fair_transactions_and_nothing_is_output_twice()
    {
        var stage = new OrderingStage(ChainId, Registry, Four);
        var (fair, plain) = (Tx(2, "fair"), Tx(1, "fcfs"));
        var batch = new Batch(ChainId, 0, 1, [fair, plain]);

        // Height 1 orders the batch before any list names its fair transaction: only the fcfs one is output.
        var (first, state) = stage.Order(BlockOf(1, [batch], [], List(0, 4), List(1, 4), List(2, 4)), [batch], OrderingState.Genesis);
        Assert.Equal([plain], first.Transactions);

        // Height 2 names the batch again for its payload: the fair transaction comes out, the fcfs one does not repeat.
        var lists = new[] { List(0, 5, (fair, 10)), List(1, 5, (fair, 12)), List(2, 5) };
        var (second, state2) = stage.Order(BlockOf(2, [], [batch], lists), [batch], state);
        Assert.Equal([fair], second.Transactions);
        Assert.Equal([new OutputSource(0, 0)], second.Sources);

        // Height 3: lagging validators still list it; it was included, so it is not output again.
        var (third, _) = stage.Order(BlockOf(3, [], [batch], List(0, 6, (fair, 10)), List(1, 6, (fair, 12)), List(2, 6)), [batch], state2);
        Assert.Empty(third.Transactions);

        // A restarted stage rebuilt from the stored outputs decides the same.
        var restarted = new OrderingStage(ChainId, Registry, Four);
        restarted.Restore([first, second]);
        Assert.Empty(restarted.Order(BlockOf(3, [], [batch], List(0, 6, (fair, 10)), List(1, 6, (fair, 12)), List(2, 6)), [batch], state2).Output.Transactions);
    }

    [Fact]
    public void Lists_without_a_quorum_include_nothing_and_a_chain_with_fair_namespaces_needs_the_validator_set()
    {
        var stage = new OrderingStage(ChainId, Registry, Four);
        var fair = Tx(2, "fair");
        var batch = new Batch(ChainId, 0, 1, [fair]);
        var (output, _) = stage.Order(BlockOf(1, [batch], [], List(0, 4, (fair, 1)), List(1, 4, (fair, 1))), [batch], OrderingState.Genesis);
        Assert.Empty(output.Transactions);
        Assert.Throws<ArgumentException>(() => new OrderingStage(ChainId, Registry));
    }

    [Fact]
    public void The_window_of_inclusions_forgets_heights_beyond_its_bound()
    {
        var window = new IncludedWindow();
        var tx = Hash.Compute("t"u8);
        window.Add(1, [tx]);
        Assert.True(window.Contains(tx));
        window.Add(IncludedWindow.HeightsKept, []);
        Assert.True(window.Contains(tx));
        window.Add(IncludedWindow.HeightsKept + 1, []);
        Assert.False(window.Contains(tx));
        Assert.Throws<ArgumentException>(() => window.Add(IncludedWindow.HeightsKept, []));
    }
}

using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Inclusion;
using Fairway.Core.Output;
using Fairway.Core.Proofs;
using Fairway.Core.Validators;
using Fairway.Crypto;
using Fairway.Ordering.Output;

namespace Fairway.Ordering.Tests;

public class BundleOrderingTests
{
    private static readonly Hash ChainId = Hash.Compute("bundle ordering tests"u8);
    private static readonly Ed25519Signer[] Signers = [.. Enumerable.Range(0, 4).Select(i => Ed25519Signer.FromSeedPhrase($"bundle-{i}"))];
    private static readonly ValidatorSet Four = new(Signers.Select((s, i) => new Validator($"v{i}", s.PublicKey, 1)));

    private static Transaction Tx(ulong ns, string payload) => new(ns, System.Text.Encoding.UTF8.GetBytes(payload));

    private static Block BlockOf(ulong height, Batch[] batches, Batch[]? payloads = null, params CandidateList[] lists) =>
        new(ChainId, height + 3, height, 0, 1, new QuorumCertificate(height + 2, Hash.Compute("parent"u8), []), null,
            [.. batches.Select(b => b.Digest)], [.. (payloads ?? []).Select(b => b.Digest)], lists);

    private static CandidateList List(int validator, ulong round, params (Transaction Tx, ulong At)[] entries) =>
        CandidateList.Sign(ChainId, round, (ushort)validator, 10_000, 0, entries.Select(e => new CandidateEntry(e.Tx.Hash, e.At, Hash.Zero)), Signers[validator]);

    private static void AssertProvable(BlockOutput output)
    {
        var proofs = new OutputProofBuilder(output);
        for (var i = 0; i < output.Transactions.Count; i++)
        {
            Assert.True(proofs.ForTransaction(output.Transactions[i].Hash)!.Verify(output.Header, output.Transactions[i]));
        }
    }

    [Fact]
    public void An_fcfs_bundle_lands_whole_each_namespace_contiguous_and_in_order_at_its_place_in_the_block()
    {
        var (a1, a2, b1) = (Tx(1, "a1"), Tx(1, "a2"), Tx(2, "b1"));
        var bundle = Bundle.Create([a1, b1, a2]);
        var (before, after, other) = (Tx(1, "before"), Tx(1, "after"), Tx(2, "other"));
        var batch = new Batch(ChainId, 0, 1, [before, other, bundle.Carrier, after]);
        var stage = new OrderingStage(ChainId, NamespaceRegistry.FcfsOnly);

        var (output, _) = stage.Order(BlockOf(1, [batch]), [batch], OrderingState.Genesis);

        Assert.Equal([before, a1, a2, after, other, b1], output.Transactions);
        Assert.Equal(new OutputSource(0, 2) { Leg = 2 }, output.Sources[2]);
        Assert.DoesNotContain(output.Transactions, t => t.Namespace == SystemNamespaces.Bundle);
        // Stores rebuild the legs from the carrier, through the stored sources' encoding.
        var stored = BlockOutput.DecodeSources(BlockOutput.EncodeLayout(output));
        Assert.Equal(output.Sources, stored);
        Assert.Equal(output.Transactions, BlockOutput.Rebuild(output.Header, [batch], stored).Transactions);
        Assert.Equal([bundle.Hash], output.BundleCarriers().Select(c => c.Hash));
        AssertProvable(output);
    }

    [Fact]
    public void A_policy_that_reorders_cannot_split_or_reorder_a_bundles_part_of_a_namespace()
    {
        var registry = new NamespaceRegistry(FcfsPolicy.Instance, [new NamespaceDeclaration(5, "reversed", new ReversingPolicy())]);
        var (x, y, z) = (Tx(5, "x"), Tx(5, "y"), Tx(5, "z"));
        var bundle = Bundle.Create([Tx(5, "leg0"), Tx(5, "leg1"), Tx(5, "leg2")]);
        var batch = new Batch(ChainId, 0, 1, [x, bundle.Carrier, y, z]);

        var (output, _) = new OrderingStage(ChainId, registry).Order(BlockOf(1, [batch]), [batch], OrderingState.Genesis);

        // Reversed units: z, y, the bundle (in its own order), x.
        Assert.Equal([z, y, .. bundle.Legs, x], output.Transactions);
    }

    [Fact]
    public void A_single_transaction_equal_to_a_leg_is_output_once_inside_the_bundle_and_a_repeated_bundle_once()
    {
        var (a, b) = (Tx(1, "a"), Tx(2, "b"));
        var bundle = Bundle.Create([a, b]);
        var first = new Batch(ChainId, 0, 1, [a, Tx(1, "c")]);
        var second = new Batch(ChainId, 1, 1, [bundle.Carrier, b]);
        var third = new Batch(ChainId, 2, 1, [bundle.Carrier]);

        var (output, _) = new OrderingStage(ChainId, NamespaceRegistry.FcfsOnly)
            .Order(BlockOf(1, [first, second, third]), [first, second, third], OrderingState.Genesis);

        // The single a, ordered first, yields to the bundle's a; the bundle is never partly de-duplicated.
        Assert.Equal([Tx(1, "c"), a, b], output.Transactions);
        Assert.All(output.Transactions.Where(t => t.Equals(a) || t.Equals(b)), t => Assert.NotNull(output.Sources[output.Transactions.ToList().IndexOf(t)].Leg));
    }

    [Fact]
    public void A_malformed_carrier_or_one_with_an_encrypted_leg_outputs_nothing_at_all()
    {
        var registry = new NamespaceRegistry(FcfsPolicy.Instance, [new NamespaceDeclaration(7, "sealed", EncryptedPolicy.Instance)]);
        var withEncrypted = Bundle.Create([Tx(1, "plain"), Tx(7, "would be a ciphertext")]);
        var garbage = new Transaction(SystemNamespaces.Bundle, new byte[] { 1, 2, 0, 0, 0, 9 });
        var batch = new Batch(ChainId, 0, 1, [withEncrypted.Carrier, garbage, Tx(1, "kept")]);

        var (output, _) = new OrderingStage(ChainId, registry, Four).Order(BlockOf(1, [batch]), [batch], OrderingState.Genesis);

        Assert.Equal([Tx(1, "kept")], output.Transactions);
        Assert.False(registry.IsFairOrdered(withEncrypted.Carrier));
    }

    [Fact]
    public void A_bundle_touching_a_fair_namespace_ranks_once_by_receive_times_and_lands_whole_when_its_lists_include_it()
    {
        var registry = new NamespaceRegistry(FcfsPolicy.Instance, [new NamespaceDeclaration(2, "fair", FairPolicy.Instance)]);
        var stage = new OrderingStage(ChainId, registry, Four);
        var (f1, f2, plain) = (Tx(2, "fair leg 1"), Tx(1, "fcfs leg"), Tx(1, "fcfs single"));
        var bundle = Bundle.Create([f2, f1]);
        var (early, late) = (Tx(2, "early"), Tx(2, "late"));
        Assert.True(registry.IsFairOrdered(bundle.Carrier));
        var batch = new Batch(ChainId, 0, 1, [late, bundle.Carrier, plain, early]);

        // Height 1: no list names the bundle yet, so none of its legs (not even the fcfs one) is output.
        var (first, state) = stage.Order(BlockOf(1, [batch], null, List(0, 4, (early, 100)), List(1, 4, (early, 110)), List(2, 4)), [batch], OrderingState.Genesis);
        Assert.Equal([plain, early], first.Transactions);

        // Height 2: the lists include the bundle as one unit; its median receive time (205) ranks it before late (300).
        var lists = new[]
        {
            List(0, 5, (late, 300), (bundle.Carrier, 200)),
            List(1, 5, (late, 310), (bundle.Carrier, 205)),
            List(2, 5, (late, 290), (bundle.Carrier, 210)),
        };
        var (second, state2) = stage.Order(BlockOf(2, [], [batch], lists), [batch], state);
        Assert.Equal([f2, f1, late], second.Transactions);
        Assert.Equal(second.Transactions, BlockOutput.Rebuild(second.Header, [batch], BlockOutput.DecodeSources(BlockOutput.EncodeLayout(second))).Transactions);
        Assert.True(stage.WasIncluded(bundle.Hash));
        AssertProvable(second);

        // A restarted stage knows the bundle was output from the stored outputs alone, and does not output it again.
        var restarted = new OrderingStage(ChainId, registry, Four);
        restarted.Restore([first, second]);
        var (third, _) = restarted.Order(BlockOf(3, [], [batch], lists), [batch], state2);
        Assert.Empty(third.Transactions);
    }

    [Fact]
    public void The_fcfs_legs_of_a_fair_ranked_bundle_follow_the_leader_ordered_part_of_their_namespace()
    {
        var registry = new NamespaceRegistry(FcfsPolicy.Instance, [new NamespaceDeclaration(2, "fair", FairPolicy.Instance)]);
        var stage = new OrderingStage(ChainId, registry, Four);
        var bundle = Bundle.Create([Tx(1, "fcfs leg a"), Tx(2, "fair leg"), Tx(1, "fcfs leg b")]);
        var (single1, single2) = (Tx(1, "s1"), Tx(1, "s2"));
        var batch = new Batch(ChainId, 0, 1, [single1, bundle.Carrier, single2]);
        var lists = new[] { List(0, 4, (bundle.Carrier, 1)), List(1, 4, (bundle.Carrier, 2)), List(2, 4) };

        var (output, _) = stage.Order(BlockOf(1, [batch], null, lists), [batch], OrderingState.Genesis);

        Assert.Equal([single1, single2, bundle.Legs[0], bundle.Legs[2], bundle.Legs[1]], output.Transactions);
    }

    [Fact]
    public void A_fair_single_equal_to_an_output_leg_is_not_output_again_by_a_live_or_a_restarted_stage()
    {
        var registry = new NamespaceRegistry(FcfsPolicy.Instance, [new NamespaceDeclaration(2, "fair", FairPolicy.Instance)]);
        var live = new OrderingStage(ChainId, registry, Four);
        var (shared, later) = (Tx(2, "also sent alone"), Tx(2, "sent alone only later"));
        var bundle = Bundle.Create([shared, Tx(1, "fcfs leg"), later]);
        var batch = new Batch(ChainId, 0, 1, [shared, bundle.Carrier]);
        var lists = new[]
        {
            List(0, 4, (shared, 10), (bundle.Carrier, 20)), List(1, 4, (shared, 11), (bundle.Carrier, 21)), List(2, 4, (shared, 12), (bundle.Carrier, 22)),
        };

        // The single yields to the bundle's leg in the same height.
        var (first, state) = live.Order(BlockOf(1, [batch], null, lists), [batch], OrderingState.Genesis);
        Assert.Equal([bundle.Legs[1], bundle.Legs[0], bundle.Legs[2]], first.Transactions);

        // Later lists name both as singles: neither the live stage nor one restored from the output puts them out again,
        // or the two would certify different outputs.
        var restored = new OrderingStage(ChainId, registry, Four);
        restored.Restore([first]);
        var singles = new Batch(ChainId, 1, 1, [later]);
        var again = new[] { List(0, 5, (shared, 10), (later, 30)), List(1, 5, (shared, 11), (later, 31)), List(2, 5) };
        var block = BlockOf(2, [singles], [batch], again);
        Assert.Empty(live.Order(block, [singles, batch], state).Output.Transactions);
        Assert.Empty(restored.Order(block, [singles, batch], state).Output.Transactions);
        Assert.True(restored.WasIncluded(bundle.Hash));
    }

    private sealed class ReversingPolicy : IOrderingPolicy
    {
        public string Name => "reverse";

        public string Description => "test only";

        public IReadOnlyList<OrderingCandidate> Order(ulong @namespace, IReadOnlyList<OrderingCandidate> inBlockOrder) => [.. inBlockOrder.Reverse()];
    }
}

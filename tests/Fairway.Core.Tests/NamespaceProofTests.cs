using Fairway.Core.Chain;
using Fairway.Core.Encoding;
using Fairway.Core.Merkle;
using Fairway.Core.Output;
using Fairway.Core.Proofs;
using static Fairway.Core.Tests.OutputFixture;

namespace Fairway.Core.Tests;

public class NamespaceProofTests
{
    private static NamespaceProof RoundTrip(NamespaceProof proof) =>
        Canonical.Decode(Canonical.Encode(proof), NamespaceProof.Decode, "namespace proof");

    /// <summary>Namespace <paramref name="ns"/>'s part of an output, written independently of the proof code.</summary>
    private static List<Transaction> Part(BlockOutput output, ulong ns) => [.. output.Transactions.Where(t => t.Namespace == ns)];

    private static (BlockOutput Output, NamespaceProof Proof, List<Transaction> Txs) Fixture(ulong ns = 2)
    {
        var output = OutputOf(OutputFixture.Random(1234, 120, namespaces: 3));
        var txs = Part(output, ns);
        Assert.True(txs.Count >= 4);
        return (output, ProofsOf(output).ForNamespace(ns), txs);
    }

    [Fact]
    public void Every_namespace_of_random_outputs_verifies_including_absent_ones()
    {
        for (var seed = 0; seed < 30; seed++)
        {
            var output = OutputOf(OutputFixture.Random(seed, seed * 3));
            var proofs = ProofsOf(output);
            for (ulong ns = 0; ns <= 6; ns++)
            {
                var proof = proofs.ForNamespace(ns);
                var txs = Part(output, ns);
                Assert.True(proof.Verify(output.Header, ns, txs), $"seed {seed} ns {ns}");
                Assert.True(RoundTrip(proof).Verify(output.Header, ns, txs), $"seed {seed} ns {ns} after decoding");
                Assert.Equal(proof, RoundTrip(proof));
            }
        }
    }

    [Fact]
    public void The_proven_positions_are_the_namespace_index_and_the_block_wide_index()
    {
        var (output, proof, txs) = Fixture();
        var hashes = proof.ProvenHashes(output.Header, 2)!;
        for (var i = 0; i < txs.Count; i++)
        {
            Assert.Equal(txs[i].Hash, hashes[i]);
            Assert.Equal(output.Transactions[proof.Range.Start + i], txs[i]);
        }
    }

    [Fact]
    public void An_empty_output_proves_every_namespace_empty()
    {
        var output = OutputOf([]);
        var proof = ProofsOf(output).ForNamespace(5);
        Assert.True(proof.Verify(output.Header, 5, []));
        Assert.False(proof.Verify(output.Header, 5, [Tx(5, "x")]));
    }

    [Fact]
    public void A_dropped_transaction_is_rejected()
    {
        var (output, proof, txs) = Fixture();
        for (var i = 0; i < txs.Count; i++)
        {
            Assert.False(proof.Verify(output.Header, 2, txs.Where((_, j) => j != i).ToList()));
        }
    }

    [Fact]
    public void A_reordered_pair_is_rejected()
    {
        var (output, proof, txs) = Fixture();
        for (var i = 0; i + 1 < txs.Count; i++)
        {
            var swapped = txs.ToList();
            (swapped[i], swapped[i + 1]) = (swapped[i + 1], swapped[i]);
            Assert.False(proof.Verify(output.Header, 2, swapped));
        }
    }

    [Fact]
    public void A_reordered_output_does_not_match_the_certified_header()
    {
        // A node that serves the namespace in another order with a proof of that order: the proof holds only against
        // the header of the reordered output, never against the certified one.
        var (output, _, txs) = Fixture();
        var reordered = txs.ToList();
        reordered.Reverse();
        var other = output.Transactions.Where(t => t.Namespace != 2).Concat(reordered).ToList();
        var forged = new BlockOutput(
            OutputHeader.Over(ChainId, output.Height, output.Header.BlockHash, output.Header.PreviousOutputHash, [.. other.OrderBy(t => t.Namespace)]),
            [.. other.OrderBy(t => t.Namespace)],
            [.. other.Select((_, i) => new OutputSource(0, i))]);
        var forgedProof = ProofsOf(forged).ForNamespace(2);

        Assert.True(forgedProof.Verify(forged.Header, 2, reordered));
        Assert.NotEqual(output.Header.Hash, forged.Header.Hash);
        Assert.False(forgedProof.Verify(output.Header, 2, reordered));
    }

    [Fact]
    public void An_altered_payload_is_rejected()
    {
        var (output, proof, txs) = Fixture();
        var altered = txs.ToList();
        var payload = altered[1].Payload.ToArray();
        payload[0] ^= 1;
        altered[1] = new Transaction(2, payload);
        Assert.False(proof.Verify(output.Header, 2, altered));
    }

    [Fact]
    public void An_injected_transaction_of_the_same_or_another_namespace_is_rejected()
    {
        var (output, proof, txs) = Fixture();
        var otherNamespace = output.Transactions.First(t => t.Namespace != 2);
        foreach (var injected in new[] { Tx(2, "injected"), Tx(1, "injected"), otherNamespace, txs[0] })
        {
            for (var at = 0; at <= txs.Count; at++)
            {
                var more = txs.ToList();
                more.Insert(at, injected);
                Assert.False(proof.Verify(output.Header, 2, more));
            }
        }
    }

    [Fact]
    public void A_namespace_relabelled_transaction_is_rejected()
    {
        var (output, proof, txs) = Fixture();
        var relabelled = txs.ToList();
        relabelled[0] = new Transaction(3, txs[0].Payload);
        Assert.False(proof.Verify(output.Header, 2, relabelled));
    }

    [Fact]
    public void The_proof_only_verifies_for_its_own_namespace_and_its_own_output()
    {
        var (output, proof, txs) = Fixture();
        Assert.False(proof.Verify(output.Header, 3, txs));
        Assert.False(proof.Verify(output.Header, 3, []));

        var other = OutputOf(OutputFixture.Random(999, 120, namespaces: 3));
        Assert.False(proof.Verify(other.Header, 2, txs));
        Assert.False(ProofsOf(other).ForNamespace(2).Verify(output.Header, 2, Part(other, 2)));
    }

    [Fact]
    public void A_truncated_proof_is_rejected_and_truncated_bytes_never_decode()
    {
        var (output, proof, txs) = Fixture();
        var shortRange = new NamespaceRangeProof(proof.Range.LeafCount, proof.Range.Start, proof.Range.End - 1, proof.Range.Siblings);
        var cut = new NamespaceProof(2, shortRange, proof.TransactionHashes.Take(proof.TransactionHashes.Count - 1).ToArray());
        Assert.False(cut.Verify(output.Header, 2, txs));
        Assert.False(cut.Verify(output.Header, 2, txs.Take(txs.Count - 1).ToList()));

        var bytes = Canonical.Encode(proof);
        foreach (var length in new[] { 0, 1, 9, 13, bytes.Length / 2, bytes.Length - 32, bytes.Length - 1 })
        {
            Assert.Throws<EncodingException>(() => Canonical.Decode(bytes.AsSpan(0, length), NamespaceProof.Decode, "proof"));
        }
    }

    [Fact]
    public void A_proof_claiming_absence_when_present_is_rejected()
    {
        var (output, _, _) = Fixture();
        var tree = NamespacedMerkleTree.FromTransactions(output.Transactions);
        for (var p = 0; p <= tree.Count; p++)
        {
            var claim = new NamespaceProof(2, tree.ProveRange(p, p), []);
            Assert.False(claim.Verify(output.Header, 2, []));
        }
    }

    [Fact]
    public void Verify_answers_false_on_null_input()
    {
        var (output, proof, txs) = Fixture();
        Assert.False(proof.Verify(null!, 2, txs));
        Assert.False(proof.Verify(output.Header, 2, null!));
        Assert.Null(proof.ProvenHashes(null!, 2));
    }

    [Fact]
    public void A_builder_refuses_transactions_that_are_not_the_headers()
    {
        var output = OutputOf(OutputFixture.Random(7, 20));
        var swapped = output.Transactions.ToArray();
        (swapped[0], swapped[^1]) = (swapped[^1], swapped[0]);
        var builder = new OutputProofBuilder(new BlockOutput(output.Header, swapped, output.Sources));
        Assert.Throws<InvalidOperationException>(() => builder.ForNamespace(1));
    }
}

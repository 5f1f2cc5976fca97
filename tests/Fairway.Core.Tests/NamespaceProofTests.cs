using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Proofs;

namespace Fairway.Core.Tests;

public class NamespaceProofTests
{
    private static readonly Hash ChainId = Hash.Compute("proof-test-chain"u8);

    /// <summary>A block and its batches; transactions over namespaces 1..namespaces, payloads unique per seed.</summary>
    private static (Block Block, Batch[] Batches) RandomBlock(int seed, int batchCount = 5, int txsMax = 30, int namespaces = 4)
    {
        var random = new Random(seed);
        var batches = Enumerable.Range(0, batchCount).Select(b =>
            new Batch(ChainId, (ushort)(b % 4), (ulong)b, Enumerable.Range(0, random.Next(txsMax + 1))
                .Select(i => new Transaction((ulong)(1 + random.Next(namespaces)), System.Text.Encoding.UTF8.GetBytes($"{seed}-{b}-{i}")))
                .ToArray()))
            .ToArray();
        return (BlockOf(batches, round: 7), batches);
    }

    private static Block BlockOf(IReadOnlyList<Batch> batches, ulong round = 7) =>
        new(ChainId, round, round, 1, 1000, new QuorumCertificate(round - 1, Hash.Compute("parent"u8), []), null,
            batches.Select(b => b.Digest).ToArray());

    /// <summary>The node's first-come-first-served order for one namespace, written independently of the proof code.</summary>
    private static List<Transaction> Expected(IEnumerable<Batch> batches, ulong ns)
    {
        var seen = new HashSet<Hash>();
        return batches.SelectMany(b => b.Transactions).Where(t => seen.Add(t.Hash)).Where(t => t.Namespace == ns).ToList();
    }

    private static Transaction Tx(ulong ns, string payload) => new(ns, System.Text.Encoding.UTF8.GetBytes(payload));

    private static NamespaceProof RoundTrip(NamespaceProof proof) =>
        Canonical.Decode(Canonical.Encode(proof), NamespaceProof.Decode, "namespace proof");

    [Fact]
    public void Every_namespace_of_random_blocks_verifies_including_absent_ones()
    {
        for (var seed = 0; seed < 30; seed++)
        {
            var (block, batches) = RandomBlock(seed, batchCount: seed % 7);
            for (ulong ns = 0; ns <= 6; ns++)
            {
                var proof = NamespaceProof.Build(block, batches, ns);
                var txs = Expected(batches, ns);
                Assert.True(proof.Verify(block, ns, txs), $"seed {seed} ns {ns}");
                Assert.True(RoundTrip(proof).Verify(block, ns, txs), $"seed {seed} ns {ns} after decoding");
                Assert.Equal(proof, RoundTrip(proof));
            }
        }
    }

    [Fact]
    public void Empty_block_proves_every_namespace_empty()
    {
        var block = BlockOf([]);
        var proof = NamespaceProof.Build(block, [], 5);
        Assert.True(proof.Verify(block, 5, []));
        Assert.False(proof.Verify(block, 5, [Tx(5, "x")]));
    }

    private static (Block Block, Batch[] Batches, NamespaceProof Proof, List<Transaction> Txs) Fixture(ulong ns = 2)
    {
        var (block, batches) = RandomBlock(seed: 1234, batchCount: 4, txsMax: 40, namespaces: 3);
        var txs = Expected(batches, ns);
        Assert.True(txs.Count >= 4);
        return (block, batches, NamespaceProof.Build(block, batches, ns), txs);
    }

    [Fact]
    public void A_dropped_transaction_is_rejected()
    {
        var (block, _, proof, txs) = Fixture();
        for (var i = 0; i < txs.Count; i++)
        {
            var fewer = txs.Where((_, j) => j != i).ToList();
            Assert.False(proof.Verify(block, 2, fewer));
        }
    }

    [Fact]
    public void A_reordered_pair_is_rejected()
    {
        var (block, _, proof, txs) = Fixture();
        for (var i = 0; i + 1 < txs.Count; i++)
        {
            var swapped = txs.ToList();
            (swapped[i], swapped[i + 1]) = (swapped[i + 1], swapped[i]);
            Assert.False(proof.Verify(block, 2, swapped));
        }
    }

    [Fact]
    public void An_altered_payload_is_rejected()
    {
        var (block, _, proof, txs) = Fixture();
        var altered = txs.ToList();
        var payload = altered[1].Payload.ToArray();
        payload[0] ^= 1;
        altered[1] = new Transaction(2, payload);
        Assert.False(proof.Verify(block, 2, altered));
    }

    [Fact]
    public void An_injected_transaction_of_the_same_or_another_namespace_is_rejected()
    {
        var (block, batches, proof, txs) = Fixture();
        var otherNamespace = batches.SelectMany(b => b.Transactions).First(t => t.Namespace != 2);
        foreach (var injected in new[] { Tx(2, "injected"), Tx(1, "injected"), otherNamespace, txs[0] })
        {
            for (var at = 0; at <= txs.Count; at++)
            {
                var more = txs.ToList();
                more.Insert(at, injected);
                Assert.False(proof.Verify(block, 2, more));
            }
        }
    }

    [Fact]
    public void A_namespace_relabelled_transaction_is_rejected()
    {
        // Same payload, other namespace: another transaction with another hash.
        var (block, _, proof, txs) = Fixture();
        var relabelled = txs.ToList();
        relabelled[0] = new Transaction(3, txs[0].Payload);
        Assert.False(proof.Verify(block, 2, relabelled));
    }

    [Fact]
    public void The_proof_only_verifies_for_its_own_namespace()
    {
        var (block, _, proof, txs) = Fixture();
        Assert.False(proof.Verify(block, 3, txs));
        Assert.False(proof.Verify(block, 3, []));
    }

    [Fact]
    public void A_swapped_or_substituted_batch_header_is_rejected()
    {
        var (block, batches, proof, txs) = Fixture();
        var entries = proof.Batches.ToArray();
        (entries[0], entries[1]) = (entries[1], entries[0]);
        Assert.False(new NamespaceProof(2, entries).Verify(block, 2, txs));

        // A header of another batch (same author and sequence, other transactions), with its own valid range proof.
        var impostor = new Batch(ChainId, batches[2].Author, batches[2].Sequence, [.. batches[2].Transactions.Take(3)]);
        var impostorEntry = NamespaceProof.Build(BlockOf([impostor]), [impostor], 2).Batches[0];
        entries = proof.Batches.ToArray();
        entries[2] = impostorEntry;
        var forged = new NamespaceProof(2, entries);
        var txsOfForgery = Expected([batches[0], batches[1], impostor, batches[3]], 2);
        Assert.False(forged.Verify(block, 2, txsOfForgery));
        Assert.False(forged.Verify(block, 2, txs));
    }

    [Fact]
    public void A_proof_for_another_block_is_rejected()
    {
        var (block, batches, proof, txs) = Fixture();
        var (other, otherBatches) = RandomBlock(seed: 999, batchCount: 4, txsMax: 40, namespaces: 3);
        Assert.False(proof.Verify(other, 2, txs));
        var otherProof = NamespaceProof.Build(other, otherBatches, 2);
        Assert.False(otherProof.Verify(block, 2, txs));
        Assert.False(otherProof.Verify(block, 2, Expected(otherBatches, 2)));

        // The same batches in another block order: the digests are the same set, the order is not.
        var reordered = BlockOf(batches.Reverse().ToArray());
        Assert.False(proof.Verify(reordered, 2, txs));
    }

    [Fact]
    public void A_truncated_proof_is_rejected()
    {
        var (block, _, proof, txs) = Fixture();
        // One batch fewer.
        Assert.False(new NamespaceProof(2, proof.Batches.Take(proof.Batches.Count - 1).ToArray()).Verify(block, 2, txs));
        Assert.False(new NamespaceProof(2, proof.Batches.Skip(1).ToArray()).Verify(block, 2, txs));
        // A batch with the last hash of its run cut off (and its range shortened to match).
        var entries = proof.Batches.ToArray();
        var i = Array.FindIndex(entries, e => e.TransactionHashes.Count > 0);
        var e = entries[i];
        var shortRange = new Merkle.NamespaceRangeProof(e.Range.LeafCount, e.Range.Start, e.Range.End - 1, e.Range.Siblings);
        entries[i] = new NamespaceProofBatch(e.Header, shortRange, e.TransactionHashes.Take(e.TransactionHashes.Count - 1).ToArray());
        var cut = new NamespaceProof(2, entries);
        Assert.False(cut.Verify(block, 2, txs));
        Assert.False(cut.Verify(block, 2, txs.Where(t => t.Hash != e.TransactionHashes[^1]).ToList()));
        // Truncated bytes never decode.
        var bytes = Canonical.Encode(proof);
        foreach (var length in new[] { 0, 1, 9, 13, bytes.Length / 2, bytes.Length - 32, bytes.Length - 1 })
        {
            Assert.Throws<EncodingException>(() => Canonical.Decode(bytes.AsSpan(0, length), NamespaceProof.Decode, "proof"));
        }
    }

    [Fact]
    public void A_proof_claiming_absence_when_present_is_rejected()
    {
        var (block, batches, proof, _) = Fixture();
        var entries = proof.Batches.ToArray();
        var i = Array.FindIndex(entries, e => e.TransactionHashes.Count > 0);
        var tree = Merkle.NamespacedMerkleTree.FromTransactions(batches[i].Transactions);
        for (var p = 0; p <= tree.Count; p++)
        {
            entries[i] = new NamespaceProofBatch(batches[i].Header, tree.ProveRange(p, p), []);
            var claim = new NamespaceProof(2, entries);
            var withoutBatch = Expected(batches.Where((_, j) => j != i), 2);
            Assert.False(claim.Verify(block, 2, withoutBatch));
        }

        // Claiming the whole namespace is absent from the block.
        var empty = NamespaceProof.Build(block, batches, 77);
        Assert.False(new NamespaceProof(2, empty.Batches).Verify(block, 2, []));
    }

    [Fact]
    public void Duplicates_within_a_block_are_served_once_at_their_first_place()
    {
        var a = Tx(5, "a");
        var b = Tx(5, "b");
        var c = Tx(5, "c");
        var x = Tx(6, "x");
        var batch1 = new Batch(ChainId, 0, 1, [a, x, b, a]);  // a twice in one batch
        var batch2 = new Batch(ChainId, 1, 1, [c, b, x, a]);  // b, x and a again in a later batch
        var block = BlockOf([batch1, batch2]);
        var proof = NamespaceProof.Build(block, [batch1, batch2], 5);

        Assert.Equal(3, proof.Batches[0].TransactionHashes.Count); // the run carries duplicates
        Assert.True(proof.Verify(block, 5, [a, b, c]));
        Assert.True(RoundTrip(proof).Verify(block, 5, [a, b, c]));
        Assert.False(proof.Verify(block, 5, [a, b, a, c, b, a]));
        Assert.False(proof.Verify(block, 5, [a, b, c, a]));
        Assert.False(proof.Verify(block, 5, [b, a, c]));
        Assert.False(proof.Verify(block, 5, [a, c, b]));

        var proof6 = NamespaceProof.Build(block, [batch1, batch2], 6);
        Assert.True(proof6.Verify(block, 6, [x]));
        Assert.False(proof6.Verify(block, 6, [x, x]));
    }

    [Fact]
    public void The_same_batch_listed_twice_contributes_its_transactions_once()
    {
        var batch = new Batch(ChainId, 0, 1, [Tx(1, "a"), Tx(1, "b")]);
        var block = BlockOf([batch, batch]);
        var proof = NamespaceProof.Build(block, [batch, batch], 1);
        Assert.True(proof.Verify(block, 1, batch.Transactions));
        Assert.False(proof.Verify(block, 1, [.. batch.Transactions, .. batch.Transactions]));
    }

    [Fact]
    public void Verify_answers_false_on_null_input()
    {
        var (block, _, proof, txs) = Fixture();
        Assert.False(proof.Verify(null!, 2, txs));
        Assert.False(proof.Verify(block, 2, null!));
        Assert.False(proof.Verify(block, 2, [.. txs.Take(1), null!, .. txs.Skip(2)]));
    }

    [Fact]
    public void Build_refuses_batches_that_are_not_the_blocks()
    {
        var (block, batches, _, _) = Fixture();
        Assert.Throws<ArgumentException>(() => NamespaceProof.Build(block, batches.Reverse().ToArray(), 2));
        Assert.Throws<ArgumentException>(() => NamespaceProof.Build(block, batches[1..], 2));
    }
}

public class BlockProofBuilderTests
{
    [Fact]
    public void One_builder_serves_the_same_proofs_as_the_one_off_builders()
    {
        var chainId = Hash.Compute("builder"u8);
        var random = new Random(8);
        var batches = Enumerable.Range(0, 3).Select(b => new Batch(chainId, (ushort)b, 2,
            Enumerable.Range(0, 20).Select(i => new Transaction((ulong)random.Next(4), new byte[] { (byte)b, (byte)i })).ToArray())).ToArray();
        var block = new Block(chainId, 2, 2, 0, 0, new QuorumCertificate(1, Hash.Zero, []), null, batches.Select(b => b.Digest).ToArray());
        var builder = new BlockProofBuilder(block, batches);
        for (ulong ns = 0; ns < 5; ns++)
        {
            Assert.Equal(NamespaceProof.Build(block, batches, ns), builder.ForNamespace(ns));
        }

        foreach (var tx in batches.SelectMany(b => b.Transactions))
        {
            Assert.Equal(TransactionProof.Build(block, batches, tx.Hash), builder.ForTransaction(tx.Hash));
        }

        Assert.Null(builder.ForTransaction(Hash.Zero));
    }
}

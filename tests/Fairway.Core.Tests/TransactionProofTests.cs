using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Proofs;

namespace Fairway.Core.Tests;

public class TransactionProofTests
{
    private static readonly Hash ChainId = Hash.Compute("proof-test-chain"u8);

    private static Transaction Tx(ulong ns, string payload) => new(ns, System.Text.Encoding.UTF8.GetBytes(payload));

    private static Block BlockOf(IReadOnlyList<Batch> batches, ulong round = 3) =>
        new(ChainId, round, round, 0, 1, new QuorumCertificate(round - 1, Hash.Compute("parent"u8), []), null,
            batches.Select(b => b.Digest).ToArray());

    private static (Block, Batch[]) Fixture()
    {
        var random = new Random(3);
        var batches = Enumerable.Range(0, 4).Select(b => new Batch(ChainId, (ushort)b, 1,
            Enumerable.Range(0, 1 + random.Next(25)).Select(i => Tx((ulong)random.Next(5), $"{b}-{i}")).ToArray())).ToArray();
        return (BlockOf(batches), batches);
    }

    [Fact]
    public void Every_transaction_of_a_block_has_a_proof_that_verifies_after_a_round_trip()
    {
        var (block, batches) = Fixture();
        foreach (var tx in batches.SelectMany(b => b.Transactions))
        {
            var proof = TransactionProof.Build(block, batches, tx.Hash);
            Assert.NotNull(proof);
            Assert.True(proof.Verify(block, tx));
            var decoded = Canonical.Decode(Canonical.Encode(proof), TransactionProof.Decode, "transaction proof");
            Assert.Equal(proof, decoded);
            Assert.True(decoded.Verify(block, tx));
        }
    }

    [Fact]
    public void An_absent_transaction_has_no_proof()
    {
        var (block, batches) = Fixture();
        Assert.Null(TransactionProof.Build(block, batches, Tx(1, "absent").Hash));
    }

    [Fact]
    public void A_proof_rejects_another_transaction_another_block_and_a_moved_batch()
    {
        var (block, batches) = Fixture();
        var tx = batches[2].Transactions[0];
        var proof = TransactionProof.Build(block, batches, tx.Hash)!;
        Assert.Equal(2, proof.BatchIndex);

        Assert.False(proof.Verify(block, Tx(tx.Namespace, "something else")));
        Assert.False(proof.Verify(block, new Transaction(tx.Namespace + 1, tx.Payload)));
        // Another block listing the same batches at the same positions does hold the transaction.
        Assert.True(proof.Verify(BlockOf(batches, round: 4), tx));
        Assert.False(proof.Verify(BlockOf(batches[..2]), tx));
        Assert.False(proof.Verify(BlockOf([batches[1], batches[0], batches[3], batches[2]]), tx));
        Assert.False(new TransactionProof(1, proof.Header, proof.Inclusion).Verify(block, tx));
        Assert.False(new TransactionProof(2, batches[1].Header, proof.Inclusion).Verify(block, tx));
        Assert.False(proof.Verify(null!, tx));
        Assert.False(proof.Verify(block, null!));
    }

    [Fact]
    public void A_duplicate_is_proven_at_its_first_batch()
    {
        var a = Tx(1, "a");
        var batches = new[] { new Batch(ChainId, 0, 1, [Tx(2, "b")]), new Batch(ChainId, 1, 1, [a]), new Batch(ChainId, 2, 1, [a, a]) };
        var block = BlockOf(batches);
        var proof = TransactionProof.Build(block, batches, a.Hash)!;
        Assert.Equal(1, proof.BatchIndex);
        Assert.True(proof.Verify(block, a));
    }
}

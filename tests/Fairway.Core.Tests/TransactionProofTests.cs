using Fairway.Core.Encoding;
using Fairway.Core.Merkle;
using Fairway.Core.Proofs;
using static Fairway.Core.Tests.OutputFixture;

namespace Fairway.Core.Tests;

public class TransactionProofTests
{
    [Fact]
    public void Every_transaction_of_an_output_has_a_proof_of_its_position_that_verifies_after_a_round_trip()
    {
        var output = OutputOf(OutputFixture.Random(3, 60, namespaces: 5));
        var proofs = ProofsOf(output);
        for (var i = 0; i < output.Transactions.Count; i++)
        {
            var tx = output.Transactions[i];
            var proof = proofs.ForTransaction(tx.Hash);
            Assert.NotNull(proof);
            Assert.Equal(i, proof.Index);
            Assert.True(proof.Verify(output.Header, tx));
            var decoded = Canonical.Decode(Canonical.Encode(proof), TransactionProof.Decode, "transaction proof");
            Assert.Equal(proof, decoded);
            Assert.True(decoded.Verify(output.Header, tx));
        }
    }

    [Fact]
    public void An_absent_transaction_has_no_proof()
    {
        var output = OutputOf(OutputFixture.Random(3, 10));
        Assert.Null(ProofsOf(output).ForTransaction(Tx(1, "absent").Hash));
    }

    [Fact]
    public void A_proof_rejects_another_transaction_another_output_and_another_position()
    {
        var output = OutputOf(OutputFixture.Random(3, 40));
        var tx = output.Transactions[7];
        var proof = ProofsOf(output).ForTransaction(tx.Hash)!;

        Assert.False(proof.Verify(output.Header, Tx(tx.Namespace, "something else")));
        Assert.False(proof.Verify(output.Header, new Chain.Transaction(tx.Namespace + 1, tx.Payload)));
        Assert.False(proof.Verify(OutputOf(OutputFixture.Random(4, 40)).Header, tx));
        // The same siblings claiming a neighbouring position.
        var moved = new NamespaceRangeProof(proof.Inclusion.LeafCount, 8, 9, proof.Inclusion.Siblings);
        Assert.False(new TransactionProof(moved).Verify(output.Header, tx));
        Assert.False(proof.Verify(null!, tx));
        Assert.False(proof.Verify(output.Header, null!));
    }
}

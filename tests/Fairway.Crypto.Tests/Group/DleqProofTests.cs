using Fairway.Crypto.Group;

namespace Fairway.Crypto.Tests.Group;

public sealed class DleqProofTests
{
    private static readonly byte[] Context = [1, 2, 3];

    [Fact]
    public void A_proof_verifies_for_its_statement_only()
    {
        var x = Scalar.Random();
        var b2 = GroupElement.HashToGroup("second base");
        var x1 = GroupElement.MultiplyBase(x);
        var x2 = b2.Multiply(x);
        var proof = DleqProof.Prove("test", Context, x, GroupElement.Generator, b2);
        Assert.True(proof.Verify("test", Context, GroupElement.Generator, x1, b2, x2));

        Assert.False(proof.Verify("other domain", Context, GroupElement.Generator, x1, b2, x2));
        Assert.False(proof.Verify("test", [1, 2, 4], GroupElement.Generator, x1, b2, x2));
        Assert.False(proof.Verify("test", Context, GroupElement.Generator, x1, b2, x2 + GroupElement.Generator));
        Assert.False((proof with { Response = proof.Response + Scalar.One }).Verify("test", Context, GroupElement.Generator, x1, b2, x2));

        // Different logs: an honest prover cannot make this verify, and a proof made for x does not carry over.
        var y = Scalar.Random();
        Assert.False(proof.Verify("test", Context, GroupElement.Generator, x1, b2, b2.Multiply(y)));
    }

    [Fact]
    public void A_proof_round_trips_through_its_bytes()
    {
        var proof = DleqProof.Prove("test", Context, Scalar.Random(), GroupElement.Generator, GroupElement.HashToGroup("b"));
        var bytes = new byte[DleqProof.Size];
        proof.CopyTo(bytes);
        Assert.True(DleqProof.TryRead(bytes, out var read));
        Assert.Equal(proof, read);
        Assert.False(DleqProof.TryRead(bytes.AsSpan(1), out _));
    }
}

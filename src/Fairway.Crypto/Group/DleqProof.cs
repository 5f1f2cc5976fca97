namespace Fairway.Crypto.Group;

/// <summary>
/// A non-interactive proof (Chaum–Pedersen, made non-interactive with a hash) that two elements have the same discrete
/// log to two bases: X1 = x·B1 and X2 = x·B2, without revealing x. The challenge hashes a domain label, a caller's context
/// (what the proof is about: a ciphertext, a share index) and all six elements, so a proof made for one context or
/// statement does not verify for another.
/// </summary>
public readonly record struct DleqProof(Scalar Challenge, Scalar Response)
{
    public const int Size = 2 * Scalar.Size;

    public static DleqProof Prove(string domain, ReadOnlySpan<byte> context, Scalar x, GroupElement b1, GroupElement b2) =>
        Prove(domain, context, x, b1, b2, Scalar.Random());

    /// <summary>
    /// The same with the prover's nonce <paramref name="k"/> given. Deterministic: for tests and simulations, which must
    /// replay byte for byte. A nonce used twice (or guessable) gives x away, so a real prover uses the overload above.
    /// </summary>
    public static DleqProof Prove(string domain, ReadOnlySpan<byte> context, Scalar x, GroupElement b1, GroupElement b2, Scalar k)
    {
        if (k.IsZero)
        {
            throw new ArgumentException("a zero nonce gives the secret away", nameof(k));
        }

        var x1 = b1.Multiply(x);
        var x2 = b2.Multiply(x);
        var challenge = ChallengeOf(domain, context, b1, x1, b2, x2, b1.Multiply(k), b2.Multiply(k));
        return new DleqProof(challenge, k + (challenge * x));
    }

    public bool Verify(string domain, ReadOnlySpan<byte> context, GroupElement b1, GroupElement x1, GroupElement b2, GroupElement x2)
    {
        // The commitments the prover must have used: k·B = f·B − c·X.
        var a1 = b1.Multiply(Response) - x1.Multiply(Challenge);
        var a2 = b2.Multiply(Response) - x2.Multiply(Challenge);
        return ChallengeOf(domain, context, b1, x1, b2, x2, a1, a2) == Challenge;
    }

    public void CopyTo(Span<byte> destination)
    {
        Challenge.CopyTo(destination[..Scalar.Size]);
        Response.CopyTo(destination[Scalar.Size..Size]);
    }

    public static bool TryRead(ReadOnlySpan<byte> bytes, out DleqProof proof)
    {
        proof = default;
        if (bytes.Length != Size || !Scalar.TryRead(bytes[..Scalar.Size], out var c) || !Scalar.TryRead(bytes[Scalar.Size..], out var f))
        {
            return false;
        }

        proof = new DleqProof(c, f);
        return true;
    }

    private static Scalar ChallengeOf(
        string domain, ReadOnlySpan<byte> context, GroupElement b1, GroupElement x1, GroupElement b2, GroupElement x2, GroupElement a1, GroupElement a2) =>
        Scalar.Hash(domain, context.ToArray(), b1.ToArray(), x1.ToArray(), b2.ToArray(), x2.ToArray(), a1.ToArray(), a2.ToArray());
}

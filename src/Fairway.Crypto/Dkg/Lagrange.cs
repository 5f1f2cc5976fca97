using Fairway.Crypto.Group;

namespace Fairway.Crypto.Dkg;

/// <summary>
/// Lagrange interpolation at zero over the scalar field: how t shares of a degree t−1 polynomial give back its constant
/// term (the key) without anyone holding the polynomial. Shared by the key generation and the threshold decryption.
/// </summary>
public static class Lagrange
{
    /// <summary>
    /// λ_i = Π_{j≠i} j/(j−i) mod ℓ for the share <paramref name="index"/> among <paramref name="indices"/>: then
    /// f(0) = Σ λ_i·f(i) for every polynomial f of degree below the number of indices. Indices are share indices (1-based),
    /// distinct and positive; zero is where the secret is, so a share there would be the secret itself.
    /// </summary>
    public static Scalar CoefficientAtZero(int index, IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var seen = new HashSet<int>();
        foreach (var j in indices)
        {
            if (j < 1)
            {
                throw new ArgumentException($"share index {j} is not positive", nameof(indices));
            }

            if (!seen.Add(j))
            {
                throw new ArgumentException($"share index {j} appears twice", nameof(indices));
            }
        }

        if (!seen.Contains(index))
        {
            throw new ArgumentException($"share index {index} is not among the indices", nameof(index));
        }

        // One inversion for the whole product: Π j · (Π (j − i))^-1. Distinct indices below ℓ make every j − i nonzero.
        var i = Scalar.FromUInt64((ulong)index);
        var numerator = Scalar.One;
        var denominator = Scalar.One;
        foreach (var j in indices)
        {
            if (j != index)
            {
                var sj = Scalar.FromUInt64((ulong)j);
                numerator *= sj;
                denominator *= sj - i;
            }
        }

        return numerator * denominator.Invert();
    }
}

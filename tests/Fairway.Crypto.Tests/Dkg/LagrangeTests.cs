using Fairway.Crypto.Dkg;
using Fairway.Crypto.Group;

namespace Fairway.Crypto.Tests.Dkg;

public sealed class LagrangeTests
{
    [Fact]
    public void Coefficients_for_indices_one_and_two_are_two_and_minus_one()
    {
        Assert.Equal(Scalar.FromUInt64(2), Lagrange.CoefficientAtZero(1, [1, 2]));
        Assert.Equal(-Scalar.One, Lagrange.CoefficientAtZero(2, [1, 2]));
        Assert.Equal(Scalar.One, Lagrange.CoefficientAtZero(5, [5]));
    }

    [Fact]
    public void Coefficients_sum_to_one_and_interpolate_any_polynomial_of_lower_degree_at_zero()
    {
        var coefficients = new[] { Scalar.Random(), Scalar.Random(), Scalar.Random() };
        Scalar At(int x)
        {
            var s = Scalar.FromUInt64((ulong)x);
            return coefficients[0] + (coefficients[1] * s) + (coefficients[2] * s * s);
        }

        foreach (var indices in new List<int>[] { [1, 2, 3], [2, 5, 9], [256, 1, 17], [3, 4, 5, 6] })
        {
            var lambdas = indices.Select(i => Lagrange.CoefficientAtZero(i, indices)).ToList();
            Assert.Equal(Scalar.One, lambdas.Aggregate(Scalar.Zero, (sum, l) => sum + l));
            Assert.Equal(coefficients[0], indices.Zip(lambdas).Aggregate(Scalar.Zero, (sum, p) => sum + (p.Second * At(p.First))));
        }

        // Two points do not determine a quadratic.
        List<int> two = [1, 2];
        Assert.NotEqual(coefficients[0], two.Aggregate(Scalar.Zero, (sum, i) => sum + (Lagrange.CoefficientAtZero(i, two) * At(i))));
    }

    [Fact]
    public void Coefficients_refuse_indices_that_cannot_interpolate()
    {
        Assert.Throws<ArgumentException>(() => Lagrange.CoefficientAtZero(1, [1, 1, 2]));
        Assert.Throws<ArgumentException>(() => Lagrange.CoefficientAtZero(1, [0, 1]));
        Assert.Throws<ArgumentException>(() => Lagrange.CoefficientAtZero(-1, [-1, 1]));
        Assert.Throws<ArgumentException>(() => Lagrange.CoefficientAtZero(3, [1, 2]));
        Assert.Throws<ArgumentNullException>(() => Lagrange.CoefficientAtZero(1, null!));
    }
}

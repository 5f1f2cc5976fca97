using Fairway.Crypto.Group;

namespace Fairway.Crypto.Tests.Group;

public sealed class GroupArithmeticTests
{
    // ℓ, the group order, little-endian.
    private static readonly byte[] Order = Convert.FromHexString("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");

    [Fact]
    public void Scalars_refuse_non_canonical_encodings()
    {
        Assert.False(Scalar.TryRead(Order, out _));
        var belowOrder = (byte[])Order.Clone();
        belowOrder[0]--;
        Assert.True(Scalar.TryRead(belowOrder, out var max));
        Assert.Equal(Scalar.Zero, max + Scalar.One);
        Assert.False(Scalar.TryRead(Enumerable.Repeat((byte)0xff, 32).ToArray(), out _));
    }

    [Fact]
    public void Scalar_field_laws_hold()
    {
        var a = Scalar.Random();
        var b = Scalar.Random();
        var c = Scalar.Random();
        Assert.Equal(a * (b + c), (a * b) + (a * c));
        Assert.Equal(Scalar.One, a * a.Invert());
        Assert.Equal(Scalar.Zero, a + (-a));
        Assert.Equal(a, (a - b) + b);
        Assert.Throws<InvalidOperationException>(() => Scalar.Zero.Invert());
    }

    [Fact]
    public void Multiplication_distributes_over_the_group_and_the_order_annihilates()
    {
        var a = Scalar.Random();
        var b = Scalar.Random();
        var p = GroupElement.HashToGroup("test point");
        Assert.Equal(p.Multiply(a + b), p.Multiply(a) + p.Multiply(b));
        Assert.Equal(GroupElement.MultiplyBase(a * b), GroupElement.MultiplyBase(a).Multiply(b));
        Assert.Equal(p.Multiply(a - b), p.Multiply(a) - p.Multiply(b));
        Assert.True(p.Multiply(Scalar.Zero).IsIdentity);
        Assert.True((p - p).IsIdentity);
        Assert.Equal(p, GroupElement.Identity + p);
        Assert.Equal(p.Multiply(-Scalar.One), GroupElement.Identity - p);
    }

    [Fact]
    public void Hashing_is_deterministic_and_separated_by_domain()
    {
        Assert.Equal(GroupElement.HashToGroup("a", [1, 2]), GroupElement.HashToGroup("a", [1, 2]));
        Assert.NotEqual(GroupElement.HashToGroup("a", [1, 2]), GroupElement.HashToGroup("b", [1, 2]));
        Assert.Equal(Scalar.Hash("d", [1], [2]), Scalar.Hash("d", [1], [2]));
        // Length prefixes: moving a byte between parts changes the hash.
        Assert.NotEqual(Scalar.Hash("d", [1, 2], [3]), Scalar.Hash("d", [1], [2, 3]));
    }
}

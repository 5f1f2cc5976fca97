using Fairway.Core.Auction;
using Fairway.Ordering.Auction;

namespace Fairway.Ordering.Tests.Auction;

/// Rebates: pro rata to fair-lane transactions, in whole units, always summing to exactly the price.
public class RebateTests
{
    [Fact]
    public void Shares_are_pro_rata_and_sum_to_exactly_the_price()
    {
        var shares = Rebates.Split(100, [("a", 1UL), ("b", 1UL), ("c", 1UL)]);
        Assert.Equal(100UL, shares.Aggregate(0UL, (s, x) => s + x.Share));
        Assert.Equal([34UL, 33UL, 33UL], shares.Select(s => s.Share));
        Assert.Equal([50UL, 25UL, 25UL], Rebates.Split(100, [("a", 2UL), ("b", 1UL), ("c", 1UL)]).Select(s => s.Share));
    }

    [Fact]
    public void Any_split_sums_to_the_price()
    {
        var random = new Random(5);
        for (var trial = 0; trial < 500; trial++)
        {
            var price = (ulong)random.NextInt64(0, long.MaxValue);
            var weights = Enumerable.Range(0, random.Next(1, 40)).Select(i => (i, (ulong)random.Next(0, 1_000))).ToList();
            var shares = Rebates.Split(price, weights);
            if (weights.All(w => w.Item2 == 0))
            {
                Assert.Empty(shares);
                continue;
            }

            Assert.Equal((UInt128)price, shares.Aggregate(UInt128.Zero, (s, x) => s + x.Share));
            Assert.All(shares.Zip(weights), p => Assert.True(p.First.Share == 0 || p.Second.Item2 > 0));
        }
    }

    [Fact]
    public void Nobody_to_share_with_gets_nothing()
    {
        Assert.Empty(Rebates.Split(100, Array.Empty<(string, ulong)>()));
    }
}

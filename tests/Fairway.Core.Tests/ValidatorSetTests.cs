using Fairway.Core.Crypto;
using Fairway.Core.Validators;
using FsCheck.Fluent;

namespace Fairway.Core.Tests;

public class ValidatorSetTests
{
    private static ValidatorSet WithStakes(params ulong[] stakes) =>
        new(stakes.Select((s, i) => new Validator($"v{i}", new PublicKey(Hash.Compute(BitConverter.GetBytes(i)).ToArray()), s)));

    private static ValidatorSet Equal(int n) => WithStakes(Enumerable.Repeat(1UL, n).ToArray());

    [Theory]
    [InlineData(1, 0, 1)]
    [InlineData(3, 0, 3)]
    [InlineData(4, 1, 3)]
    [InlineData(7, 2, 5)]
    [InlineData(10, 3, 7)]
    [InlineData(100, 33, 67)]
    public void Equal_stakes_give_the_classic_f_and_quorum(int n, int f, int quorum)
    {
        var set = Equal(n);
        Assert.Equal((ulong)n, set.TotalStake);
        Assert.Equal((ulong)f, set.FaultyStakeMax);
        Assert.Equal((ulong)quorum, set.QuorumStake);
        Assert.Equal((ulong)f + 1, set.ValidityStake);
    }

    [Theory]
    [InlineData(new ulong[] { 1, 2, 3, 4 }, 3, 7)]
    [InlineData(new ulong[] { 5, 1, 1 }, 2, 5)]
    [InlineData(new ulong[] { 100, 1 }, 33, 68)]
    [InlineData(new ulong[] { 10, 10, 10, 1 }, 10, 21)]
    [InlineData(new ulong[] { 2, 2, 2 }, 1, 5)]
    public void Unequal_stakes_need_more_than_two_thirds_of_the_total(ulong[] stakes, int f, int quorum)
    {
        var set = WithStakes(stakes);
        Assert.Equal((ulong)f, set.FaultyStakeMax);
        Assert.Equal((ulong)quorum, set.QuorumStake);
    }

    [Fact]
    public void Quorum_is_the_least_stake_above_two_thirds_and_f_the_most_below_one_third() =>
        Property.Holds(Gen.ListOf(Gen.Choose(1, 1_000_000)).Select(xs => xs.Select(x => (ulong)x).ToArray()),
            stakes =>
            {
                if (stakes.Length == 0)
                {
                    return true;
                }

                var set = WithStakes(stakes);
                var total = set.TotalStake;
                var q = set.QuorumStake;
                var f = set.FaultyStakeMax;
                return 3 * q > 2 * total && 3 * (q - 1) <= 2 * total
                    && 3 * f < total && 3 * (f + 1) >= total
                    && 2 * q > total + f; // two quorums overlap in more than f stake
            });

    [Fact]
    public void Leader_with_three_times_the_stake_leads_about_three_times_as_often()
    {
        var set = WithStakes(1, 3, 1, 2);
        var counts = new int[set.Count];
        const int rounds = 100_000;
        for (ulong r = 0; r < rounds; r++)
        {
            counts[set.LeaderOf(r)]++;
        }

        // Expected shares 1/7, 3/7, 1/7, 2/7; allow 5% relative error (many standard deviations at 100k draws).
        var expected = new[] { 1.0, 3.0, 1.0, 2.0 }.Select(s => s / 7 * rounds).ToArray();
        for (var i = 0; i < counts.Length; i++)
        {
            Assert.InRange(counts[i], expected[i] * 0.95, expected[i] * 1.05);
        }

        var ratio = (double)counts[1] / counts[0];
        Assert.InRange(ratio, 2.7, 3.3);
    }

    [Fact]
    public void Leader_election_is_deterministic_across_instances()
    {
        var a = WithStakes(5, 1, 7, 3);
        var b = WithStakes(5, 1, 7, 3);
        for (ulong r = 0; r < 10_000; r++)
        {
            Assert.Equal(a.LeaderOf(r), b.LeaderOf(r));
        }
    }

    [Fact]
    public void Every_validator_leads_some_round()
    {
        var set = Equal(100);
        var seen = new bool[set.Count];
        for (ulong r = 0; r < 100_000; r++)
        {
            seen[set.LeaderOf(r)] = true;
        }

        Assert.All(seen, Assert.True);
    }

    [Fact]
    public void Leader_is_always_a_member_even_for_extreme_rounds()
    {
        var set = WithStakes(1, ulong.MaxValue / 4, 2);
        foreach (var r in new[] { 0UL, 1UL, ulong.MaxValue, ulong.MaxValue - 1 })
        {
            Assert.True(set.Contains(set.LeaderOf(r)));
        }
    }

    [Fact]
    public void Set_refuses_empty_all_zero_stake_and_repeated_keys()
    {
        Assert.Throws<ArgumentException>(() => new ValidatorSet([]));
        Assert.Throws<ArgumentException>(() => WithStakes(0, 0));
        var key = new PublicKey(new byte[32]);
        Assert.Throws<ArgumentException>(() => new ValidatorSet([new Validator("a", key, 1), new Validator("b", key, 1)]));
    }

    [Fact]
    public void A_member_without_stake_keeps_its_index_never_leads_and_adds_nothing_to_a_quorum()
    {
        var set = WithStakes(1, 0, 1, 1);
        Assert.Equal(4, set.Count);
        Assert.Equal([0, 2, 3], set.Staked);
        Assert.Equal(3UL, set.TotalStake);
        Assert.Equal(3UL, set.QuorumStake);
        for (ulong round = 0; round < 2_000; round++)
        {
            Assert.NotEqual(1, set.LeaderOf(round));
        }

        // The same roster with other stakes: indices and keys stay, only stakes move.
        var next = set.WithStakes([0, 1, 1, 1]);
        Assert.Equal(set[0].PublicKey, next[0].PublicKey);
        Assert.Equal([1, 2, 3], next.Staked);
        Assert.False(set.SameStakes(next));
        Assert.True(next.SameStakes(set.WithStakes([0, 1, 1, 1])));
        Assert.Throws<ArgumentException>(() => set.WithStakes([1, 1]));
        Assert.Throws<ArgumentException>(() => set.WithStakes([0, 0, 0, 0]));
    }
}

using Fairway.Ordering.Fair;

namespace Fairway.Ordering.Tests.Fair;

public class PairwiseOrderTests
{
    private static readonly ulong[] ThreeEqual = [1, 1, 1];

    [Fact]
    public void A_pair_every_honest_list_saw_in_one_order_keeps_it_whatever_the_clocks_and_the_faulty_list_say()
    {
        // Median order puts the front-runner F first: honest list 0's clock is 100 ms ahead of list 1's, and the faulty
        // list 2 reads F impossibly early and its victim V late.
        string[] byMedian = ["F", "V"];
        ulong[][] readings =
        [
            [1_110, 1_010, 0],      // F: on each honest clock 10 ms after V
            [1_100, 1_000, 9_999],  // V
        ];

        Assert.Equal(["V", "F"], PairwiseOrder.Order(byMedian, readings, ThreeEqual));
    }

    [Fact]
    public void A_cycle_of_majorities_is_one_component_kept_in_median_order_and_components_keep_their_order()
    {
        // a, b, c form a Condorcet cycle (each list sees another order); d is after all of them on every list.
        string[] byMedian = ["a", "b", "c", "d"];
        ulong[][] readings =
        [
            [1, 3, 2],
            [2, 1, 3],
            [3, 2, 1],
            [9, 9, 9],
        ];

        Assert.Equal(["a", "b", "c", "d"], PairwiseOrder.Order(byMedian, readings, ThreeEqual));
    }

    [Fact]
    public void Stake_not_list_count_decides_a_pair()
    {
        string[] byMedian = ["x", "y"];
        ulong[][] readings = [[1, 1, 2], [2, 2, 1]];

        Assert.Equal(["x", "y"], PairwiseOrder.Order(byMedian, readings, ThreeEqual));
        Assert.Equal(["y", "x"], PairwiseOrder.Order(byMedian, readings, [1UL, 1, 5]));
    }

    [Fact]
    public void An_even_split_keeps_the_median_order_and_pairs_further_apart_than_the_window_keep_it_too()
    {
        Assert.Equal(["p", "q"], PairwiseOrder.Order(["p", "q"], [[1, 2], [2, 1]], [1UL, 1]));

        // One list reads everything in reverse: within the window the lists win, beyond it median order does, so the
        // result is a permutation that keeps every pair further apart than the window in median order.
        var many = Enumerable.Range(0, (2 * PairwiseOrder.Window) + 10).ToArray();
        var reversed = many.Select(i => new[] { (ulong)(many.Length - i) }).ToArray();
        var order = PairwiseOrder.Order(many, reversed, [1UL]);
        Assert.Equal(many.Order(), order.Order());
        var position = order.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i);
        Assert.True(position[0] < position[PairwiseOrder.Window + 1]);
    }
}

namespace Fairway.Ordering.Fair;

/// <summary>
/// Orders a block's included transactions by what the lists say about each pair, as Themis does, instead of by comparing
/// medians taken on different clocks. Transaction a goes before b when lists holding more stake read a earlier than b;
/// each list compares two readings of one clock, so clock skew between validators cannot flip a pair, and since honest
/// lists hold a majority of any quorum of lists, a pair every honest validator saw in one order keeps that order whatever
/// the faulty lists say. The majority relation is a tournament, possibly with cycles (transactions seen in different
/// orders by different validators); its strongly connected components come out in their one possible order, and inside a
/// component by median time, then by the tie-break hash.
/// </summary>
public static class PairwiseOrder
{
    /// <summary>Above this many transactions a block is ordered by median time alone.</summary>
    public const int TransactionsMax = 65_536;

    /// <summary>
    /// Each transaction is compared on the lists with the next this many in median order; further apart, median order
    /// decides. A front-runner's transaction and its victim's, or two a skewed clock confuses, are neighbours in median
    /// order; the window keeps the cost linear in the block's size instead of quadratic.
    /// </summary>
    public const int Window = 256;

    /// <param name="byMedian">The transactions in median order (ties by hash).</param>
    /// <param name="readings">For each transaction in that order, each list's reading (receive time, or the list's clock).</param>
    /// <param name="stakes">Each list's stake, in the same list order as the readings.</param>
    public static IReadOnlyList<T> Order<T>(IReadOnlyList<T> byMedian, IReadOnlyList<ulong[]> readings, IReadOnlyList<ulong> stakes)
    {
        ArgumentNullException.ThrowIfNull(readings);
        ArgumentNullException.ThrowIfNull(stakes);
        var lists = stakes.Count;
        var flat = new ulong[readings.Count * lists];
        for (var i = 0; i < readings.Count; i++)
        {
            if (readings[i].Length != lists)
            {
                throw new ArgumentException("every transaction needs one reading per list", nameof(readings));
            }

            readings[i].CopyTo(flat, i * lists);
        }

        return Order(byMedian, flat, [.. stakes]);
    }

    /// <param name="byMedian">The transactions in median order (ties by hash).</param>
    /// <param name="readings">Row i holds each list's reading of transaction i, <paramref name="stakes"/>.Length per row.</param>
    /// <param name="stakes">Each list's stake, in the same list order as the readings.</param>
    public static IReadOnlyList<T> Order<T>(IReadOnlyList<T> byMedian, ulong[] readings, ulong[] stakes)
    {
        ArgumentNullException.ThrowIfNull(byMedian);
        ArgumentNullException.ThrowIfNull(readings);
        ArgumentNullException.ThrowIfNull(stakes);
        var k = byMedian.Count;
        var lists = stakes.Length;
        if (readings.Length != k * lists)
        {
            throw new ArgumentException("every transaction needs one reading per list", nameof(readings));
        }

        if (k < 2 || k > TransactionsMax)
        {
            return byMedian;
        }

        // a goes before b when more of the lists' stake reads it earlier; between two transactions the lists split
        // evenly, the median order decides (a < b in index), so the relation is a tournament: one direction for every
        // pair. Only each transaction's wins are kept: they are all the component order below needs.
        var score = new int[k];
        for (var a = 0; a < k; a++)
        {
            var ra = a * lists;
            var last = Math.Min(k - 1, a + Window);

            // Beyond the window, median order decides: a wins against every later transaction there.
            score[a] += k - 1 - last;
            for (var b = a + 1; b <= last; b++)
            {
                var rb = b * lists;
                ulong aFirst = 0, bFirst = 0;
                for (var l = 0; l < lists; l++)
                {
                    var x = readings[ra + l];
                    var y = readings[rb + l];
                    if (x < y)
                    {
                        aFirst += stakes[l];
                    }
                    else if (y < x)
                    {
                        bFirst += stakes[l];
                    }
                }

                score[bFirst > aFirst ? b : a]++;
            }
        }

        // In a tournament every member of an earlier component beats every member of a later one, so sorting by score
        // (wins) puts the components in order; a prefix of m is a whole number of components exactly when its wins are
        // the m(m-1)/2 among themselves plus m(k-m) over the rest (Landau).
        var byScore = Enumerable.Range(0, k).OrderByDescending(i => score[i]).ThenBy(i => i).ToArray();
        var result = new List<T>(k);
        long wins = 0;
        var start = 0;
        for (var m = 1; m <= k; m++)
        {
            wins += score[byScore[m - 1]];
            if (wins == ((long)m * (m - 1) / 2) + ((long)m * (k - m)))
            {
                // One component: its members in median order.
                foreach (var i in byScore[start..m].Order())
                {
                    result.Add(byMedian[i]);
                }

                start = m;
            }
        }

        return result;
    }
}

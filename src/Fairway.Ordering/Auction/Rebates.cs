using Fairway.Core.Auction;
namespace Fairway.Ordering.Auction;

/// <summary>
/// How an express lane's price goes back to a namespace's users: pro rata to each user's fair-lane transactions in the
/// epoch the lane was sold for, in whole units, the units left by rounding down going one each to the users with the
/// largest remainders (ties to the earlier user in the given order). The shares always add up to exactly the price; a
/// namespace with no fair-lane transactions that epoch gets nothing to share (the price goes to the fallback).
/// </summary>
public static class Rebates
{
    /// <summary>Each user's share of <paramref name="price"/>, in the order of <paramref name="weights"/> (user, fair-lane transactions).</summary>
    public static IReadOnlyList<(TUser User, ulong Share)> Split<TUser>(ulong price, IReadOnlyList<(TUser User, ulong Weight)> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var total = weights.Aggregate(UInt128.Zero, (sum, w) => sum + w.Weight);
        if (total == 0)
        {
            return [];
        }

        var shares = new ulong[weights.Count];
        var remainders = new UInt128[weights.Count];
        ulong given = 0;
        for (var i = 0; i < weights.Count; i++)
        {
            var exact = (UInt128)price * weights[i].Weight;
            shares[i] = (ulong)(exact / total);
            remainders[i] = exact % total;
            given += shares[i];
        }

        // Fewer than weights.Count units are left; hand them out by largest remainder, earlier user first on a tie.
        foreach (var i in Enumerable.Range(0, weights.Count).OrderByDescending(i => remainders[i]).ThenBy(i => i).Take((int)(price - given)))
        {
            shares[i]++;
        }

        return [.. weights.Select((w, i) => (w.User, shares[i]))];
    }
}

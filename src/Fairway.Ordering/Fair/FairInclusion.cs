using System.Runtime.CompilerServices;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Inclusion;
using Fairway.Core.Validators;

namespace Fairway.Ordering.Fair;

/// <summary>A transaction the inclusion stage admits, with the fair time it is ordered by.</summary>
public readonly record struct FairTransaction(Hash Transaction, ulong FairTimeMs, Hash TieBreak);

/// <summary>What a block's candidate lists decide: the transactions they include, in fair order, and the block's timestamp.</summary>
public sealed record FairInclusionResult(IReadOnlyList<FairTransaction> Included, ulong TimestampMs);

/// <summary>
/// The inclusion stage of the <c>fair</c> policy, as one pure function of a block's candidate lists. A transaction is
/// included once lists holding more than the faulty stake (f+1) name it, so at least one honest validator vouches for
/// it; its fair time is the stake-weighted median, over all the block's lists, of each list's receive time for it (or
/// the list's own clock reading where the list lacks it). The lists hold more than two thirds of the stake and the
/// faulty at most a third, so more than half the lists' stake is honest on either side of that median: a coalition of
/// up to f can move a fair time only within the range of honest readings, never past them. Ties are broken by a hash of
/// the transaction and a seed no single party chooses (the caller passes, e.g., the block's quorum certificate).
/// <para>The median orders transactions far apart; within a block the final order is <see cref="PairwiseOrder"/>'s, which
/// compares each pair on each list's own clock: medians taken over skewed clocks let a faulty list flip two transactions
/// that every honest validator saw in one order, which is exactly what a front-runner reacting to its victim produces.</para>
/// </summary>
public static class FairInclusion
{
    public static FairInclusionResult Include(
        IReadOnlyList<CandidateList> lists, ValidatorSet validators, Func<Hash, bool> alreadyIncluded, ulong previousTimestampMs, Hash tieBreakSeed)
    {
        ArgumentNullException.ThrowIfNull(lists);
        ArgumentNullException.ThrowIfNull(validators);
        ArgumentNullException.ThrowIfNull(alreadyIncluded);
        CheckQuorum(lists, validators);

        // Each list's reading of each included transaction, in one row per transaction (a list's clock where it lacks the
        // transaction), read in one pass over each list: the median and the pairwise order both use them.
        var n = lists.Count;
        ulong[] stakes = [.. lists.Select(l => validators.StakeOf(l.Validator))];
        var rowOf = new Dictionary<Hash, int>();
        var transactions = new List<Hash>();
        foreach (var transaction in Eligible(lists, validators))
        {
            if (!alreadyIncluded(transaction))
            {
                rowOf[transaction] = transactions.Count;
                transactions.Add(transaction);
            }
        }

        var k = transactions.Count;
        var readings = new ulong[k * n];
        for (var l = 0; l < n; l++)
        {
            var clock = lists[l].ClockMs;
            for (var row = 0; row < k; row++)
            {
                readings[(row * n) + l] = clock;
            }

            foreach (var entry in lists[l].Entries)
            {
                if (rowOf.TryGetValue(entry.Transaction, out var row))
                {
                    readings[(row * n) + l] = entry.ReceivedAtMs;
                }
            }
        }

        var scratch = new (ulong Value, ulong Stake)[n];
        var included = new (FairTransaction Transaction, int Row)[k];
        for (var row = 0; row < k; row++)
        {
            for (var l = 0; l < n; l++)
            {
                scratch[l] = (readings[(row * n) + l], stakes[l]);
            }

            included[row] = (new FairTransaction(transactions[row], WeightedMedian(scratch), TieBreak(tieBreakSeed, transactions[row])), row);
        }

        Array.Sort(included, static (a, b) => a.Transaction.FairTimeMs != b.Transaction.FairTimeMs
            ? a.Transaction.FairTimeMs.CompareTo(b.Transaction.FairTimeMs)
            : a.Transaction.TieBreak.CompareTo(b.Transaction.TieBreak));
        var byMedian = new ulong[k * n];
        for (var i = 0; i < k; i++)
        {
            Array.Copy(readings, included[i].Row * n, byMedian, i * n, n);
        }

        var ordered = PairwiseOrder.Order([.. included.Select(t => t.Transaction)], byMedian, stakes);
        var clocks = lists.Select((l, i) => (l.ClockMs, stakes[i])).ToArray();
        return new FairInclusionResult(ordered, Math.Max(previousTimestampMs, WeightedMedian(clocks)));
    }

    /// <summary>
    /// Results of <see cref="Eligible"/> by the list collection they were computed from: a block's lists are counted by the
    /// voter's check, when the block is stored and when it is ordered, and a collection is never changed after a block
    /// holds it. Weak keys: an entry lives as long as the block.
    /// </summary>
    private static readonly ConditionalWeakTable<IReadOnlyList<CandidateList>, EligibleMemo> Memo = [];

    private sealed record EligibleMemo(ValidatorSet Validators, Hash[] Transactions);

    /// <summary>
    /// Transactions named by lists of at least the validity stake (f+1): what the lists include unless included before.
    /// Remembered per collection of lists (pass a collection nobody changes later, such as <see cref="Block.CandidateLists"/>).
    /// </summary>
    public static IReadOnlyList<Hash> Eligible(IReadOnlyList<CandidateList> lists, ValidatorSet validators)
    {
        ArgumentNullException.ThrowIfNull(lists);
        ArgumentNullException.ThrowIfNull(validators);
        if (Memo.TryGetValue(lists, out var memo) && ReferenceEquals(memo.Validators, validators))
        {
            return memo.Transactions;
        }

        var transactions = CountEligible(lists, validators);
        Memo.AddOrUpdate(lists, new EligibleMemo(validators, transactions));
        return transactions;
    }

    private static Hash[] CountEligible(IReadOnlyList<CandidateList> lists, ValidatorSet validators)
    {
        var stakeFor = new Dictionary<Hash, ulong>();
        foreach (var list in lists)
        {
            var stake = validators.Contains(list.Validator) ? validators.StakeOf(list.Validator) : 0;
            foreach (var entry in list.Entries)
            {
                stakeFor[entry.Transaction] = stakeFor.GetValueOrDefault(entry.Transaction) + stake;
            }
        }

        return [.. stakeFor.Where(p => p.Value >= validators.ValidityStake).Select(p => p.Key)];
    }

    /// <summary>
    /// The lists a block carries: one per validator, from validators holding more than two thirds of the stake, all
    /// for one round. What a voter checks before it counts anything; signatures are checked where lists arrive.
    /// </summary>
    public static void CheckQuorum(IReadOnlyList<CandidateList> lists, ValidatorSet validators)
    {
        ArgumentNullException.ThrowIfNull(lists);
        ArgumentNullException.ThrowIfNull(validators);
        var seen = new HashSet<int>();
        ulong stake = 0;
        foreach (var list in lists)
        {
            if (list.Validator >= validators.Count)
            {
                throw new ArgumentException($"candidate list signer {list.Validator} is not a validator", nameof(lists));
            }

            if (!seen.Add(list.Validator))
            {
                throw new ArgumentException($"two candidate lists from validator {list.Validator}", nameof(lists));
            }

            if (list.Round != lists[0].Round)
            {
                throw new ArgumentException($"candidate lists for rounds {lists[0].Round} and {list.Round} in one block", nameof(lists));
            }

            stake += validators.StakeOf(list.Validator);
        }

        if (stake < validators.QuorumStake)
        {
            throw new ArgumentException($"candidate lists hold stake {stake}, a block needs {validators.QuorumStake}", nameof(lists));
        }
    }

    /// <summary>The stake-weighted median: the smallest value with more than half the stake at or below it.</summary>
    public static ulong WeightedMedian(IEnumerable<(ulong Value, ulong Stake)> readings)
    {
        ArgumentNullException.ThrowIfNull(readings);
        return WeightedMedian(readings.ToArray());
    }

    /// <summary>The same, sorting <paramref name="readings"/> in place (a block's lists are few: no allocation per transaction).</summary>
    private static ulong WeightedMedian(Span<(ulong Value, ulong Stake)> readings)
    {
        if (readings.Length == 0)
        {
            throw new ArgumentException("a median needs at least one reading", nameof(readings));
        }

        readings.Sort(static (a, b) => a.Value.CompareTo(b.Value));
        ulong total = 0;
        foreach (var (_, stake) in readings)
        {
            total += stake;
        }

        ulong below = 0;
        foreach (var (value, stake) in readings)
        {
            below += stake;
            if (below * 2 > total)
            {
                return value;
            }
        }

        return readings[^1].Value;
    }

    private static Hash TieBreak(Hash seed, Hash transaction)
    {
        Span<byte> input = stackalloc byte[2 * Hash.Size];
        seed.CopyTo(input[..Hash.Size]);
        transaction.CopyTo(input[Hash.Size..]);
        return Hash.Compute(input);
    }
}

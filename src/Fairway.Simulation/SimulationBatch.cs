using System.Diagnostics;

namespace Fairway.Simulation;

/// <summary>The outcome of many seeds of one scenario.</summary>
public sealed record BatchReport
{
    public required int SeedsRun { get; init; }
    public required int SafetyViolations { get; init; }
    public required int LivenessFailures { get; init; }
    public required int DoubleSigns { get; init; }
    public required int EvidenceDetected { get; init; }
    public required int CommittedBlocksMin { get; init; }
    public required int CommittedBlocksMax { get; init; }
    public required IReadOnlyList<ulong> FailingSeeds { get; init; }
    public required ulong RoundsTotal { get; init; }
    public required double WallSeconds { get; init; }
    public required IReadOnlyList<SimulationResult> Results { get; init; }

    /// <summary>Mean over seeds of committed blocks per simulated second after warm-up.</summary>
    public double BlocksPerSimulatedSecond => Results.Count == 0 ? 0 : Results.Average(r => r.BlocksPerSimulatedSecond);

    public int Timeouts => Results.Sum(r => r.Timeouts);

    public long TransactionsSubmitted => Results.Sum(r => (long)r.TransactionsSubmitted);

    public long TransactionsCommitted => Results.Sum(r => (long)r.TransactionsCommitted);

    public long TransactionsRepeated => Results.Sum(r => (long)r.TransactionsRepeated);

    public long TransactionsPending => Results.Sum(r => (long)r.TransactionsPending);

    public long TransactionsLost => Results.Sum(r => (long)r.TransactionsLost);

    public long BundlesSubmitted => Results.Sum(r => (long)r.BundlesSubmitted);

    public long BundlesOutput => Results.Sum(r => (long)r.BundlesOutput);

    public long OutputsCertified => Results.Sum(r => (long)r.OutputsCertified);

    public int OutputsMismatched => Results.Sum(r => r.OutputsMismatched);

    public int OutputEvidence => Results.Sum(r => r.OutputEvidence);

    public int BlockTimestampRegressions => Results.Sum(r => r.BlockTimestampRegressions);

    public int FairnessViolations => Results.Sum(r => r.FairnessViolations);

    public int FrontRunsTried => Results.Sum(r => r.FrontRunsTried);

    public int FrontRunsSucceeded => Results.Sum(r => r.FrontRunsSucceeded);

    public int Censored => Results.Sum(r => r.Censored);

    public int CensorshipEvidence => Results.Sum(r => r.CensorshipEvidence);

    public int FalseCensorshipEvidence => Results.Sum(r => r.FalseCensorshipEvidence);

    public int CiphertextsSubmitted => Results.Sum(r => r.CiphertextsSubmitted);

    public int CiphertextsDecrypted => Results.Sum(r => r.CiphertextsDecrypted);

    public int Undecrypted => Results.Sum(r => r.Undecrypted);

    public int PlaintextSeenBeforeCommit => Results.Sum(r => r.PlaintextSeenBeforeCommit);

    public int BadShareEvidence => Results.Sum(r => r.BadShareEvidence);

    public int InboxPosted => Results.Sum(r => r.InboxPosted);

    public int AuctionEpochs => Results.Sum(r => r.AuctionEpochs);

    public int AuctionWon => Results.Sum(r => r.AuctionWon);

    public ulong AuctionPriceTotal => Results.Aggregate(0UL, (sum, r) => sum + r.AuctionPriceTotal);

    public ulong AuctionRebatesTotal => Results.Aggregate(0UL, (sum, r) => sum + r.AuctionRebatesTotal);

    public ulong AuctionSettledPriceTotal => Results.Aggregate(0UL, (sum, r) => sum + r.AuctionSettledPriceTotal);

    public int AuctionBidsSubmitted => Results.Sum(r => r.AuctionBidsSubmitted);

    public int AuctionBidsCounted => Results.Sum(r => r.AuctionBidsCounted);

    public int AuctionBidsLate => Results.Sum(r => r.AuctionBidsLate);

    public int ExpressBundlesSubmitted => Results.Sum(r => r.ExpressBundlesSubmitted);

    public int ExpressBundlesOutput => Results.Sum(r => r.ExpressBundlesOutput);

    public int ExpressBundlesOutOfOrder => Results.Sum(r => r.ExpressBundlesOutOfOrder);

    public int InboxIncluded => Results.Sum(r => r.InboxIncluded);

    public int InboxLate => Results.Sum(r => r.InboxLate);

    public int InboxMissing => Results.Sum(r => r.InboxMissing);

    public int InboxPending => Results.Sum(r => r.InboxPending);

    public int InboxRefusals => Results.Sum(r => r.InboxRefusals);

    /// <summary>The longest any included inbox entry took, from its L1 block to its first honest commit, over all seeds.</summary>
    public long InboxDelayMaxMs => Results.SelectMany(r => r.InboxDelaysMs).DefaultIfEmpty(0).Max();

    public long InboxDelayP50Ms => Percentile(Results.SelectMany(r => r.InboxDelaysMs).ToList(), 0.50);

    public int InboxRefusalsOfHonestLeaders => Results.Sum(r => r.InboxRefusalsOfHonestLeaders);

    /// <summary>Over all seeds, the fewest epoch changes a running honest host went through.</summary>
    public int EpochsReachedMin => Results.Count == 0 ? 0 : Results.Min(r => r.EpochsReachedMin);

    /// <summary>Refusals of candidate lists and fair proposals over all seeds, by reason.</summary>
    public SortedDictionary<string, int> FairRefusals => new(
        Results.SelectMany(r => r.FairRefusals).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Sum(p => p.Value)), StringComparer.Ordinal);

    /// <summary>99th percentile of proposal-to-commit latency in simulated milliseconds, over every seed's measured blocks.</summary>
    public long CommitLatencyP99Ms => Percentile(Results.SelectMany(r => r.CommitLatenciesMs).ToList(), 0.99);

    public long CommitLatencyP50Ms => Percentile(Results.SelectMany(r => r.CommitLatenciesMs).ToList(), 0.50);

    private static long Percentile(List<long> values, double q)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        values.Sort();
        return values[(int)Math.Min(values.Count - 1, Math.Ceiling(q * values.Count) - 1)];
    }

    public double RoundsPerSecond => WallSeconds > 0 ? RoundsTotal / WallSeconds : 0;

    public bool Passed => FailingSeeds.Count == 0;
}

public static class SimulationBatch
{
    /// <summary>
    /// Runs seeds <c>options.Seed</c> .. <c>options.Seed + seeds - 1</c>. Seeds run in parallel but each run is
    /// independent and deterministic, so the report does not depend on scheduling.
    /// </summary>
    public static BatchReport Run(
        SimulationOptions options,
        int seeds,
        int parallelism = 0)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(seeds, 1);
        options.Validate();
        var results = new SimulationResult[seeds];
        var stopwatch = Stopwatch.StartNew();
        Parallel.For(
            0,
            seeds,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism > 0 ? parallelism : Environment.ProcessorCount },
            i => results[i] = Simulator.Run(options with { Seed = options.Seed + (ulong)i }));
        stopwatch.Stop();

        var committed = results.SelectMany(r => r.CommittedBlocks).DefaultIfEmpty(0).ToList();
        return new BatchReport
        {
            SeedsRun = seeds,
            SafetyViolations = results.Sum(r => r.SafetyViolations.Count),
            LivenessFailures = results.Count(r => r.LivenessFailure is not null),
            DoubleSigns = results.Sum(r => r.DoubleSigns),
            EvidenceDetected = results.Sum(r => r.EvidenceDetected),
            CommittedBlocksMin = committed.Min(),
            CommittedBlocksMax = committed.Max(),
            FailingSeeds = results.Where(r => r.Failed).Select(r => r.Seed).ToList(),
            RoundsTotal = (ulong)results.Sum(r => (decimal)r.RoundsReached),
            WallSeconds = stopwatch.Elapsed.TotalSeconds,
            Results = results,
        };
    }
}

namespace Fairway.Chaos.Schedule;

/// <summary>
/// Plans a campaign's faults from a seed: the same seed, validator count, duration and kinds give the same plan, so a
/// finding can be replayed. One fault at a time, each touching at most f = (n-1)/3 validators (except a full restart
/// of all, which is a crash of every process and must lose nothing), so the network is expected to keep or regain
/// liveness after every heal. Kinds come in rounds, each round a seeded shuffle of every requested kind, so a short
/// campaign still injects each kind at least once; within a kind the variants take turns.
/// </summary>
public static class FaultSchedule
{
    private static readonly Dictionary<FaultKind, string[]> Variants = new()
    {
        [FaultKind.Partition] = ["isolate", "leader", "bridge"],
        [FaultKind.Delay] = ["all", "node", "bandwidth"],
        [FaultKind.Loss] = ["cuts", "stall"],
        [FaultKind.Kill] = ["random", "leader", "all"],
        [FaultKind.Pause] = ["random", "leader"],
        [FaultKind.Disk] = ["low", "fill"],
        [FaultKind.Clock] = ["forward", "back"],
    };

    public static IReadOnlyList<string> VariantsOf(FaultKind kind) => Variants[kind];

    /// <summary>The shortest campaign that fits one fault of each of <paramref name="kinds"/>.</summary>
    public static long MinimumDurationMs(int kindCount, ScheduleOptions options) =>
        options.WarmupMs + (kindCount * (options.FaultMaxMs + options.RecoveryMs)) + options.TailMs;

    public static IReadOnlyList<PlannedFault> Plan(int seed, int validators, long durationMs, IReadOnlyList<FaultKind> kinds, ScheduleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        options ??= new ScheduleOptions();
        if (validators < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(validators), "a campaign needs at least one validator");
        }

        if (kinds.Count == 0)
        {
            throw new ArgumentException("name at least one fault kind", nameof(kinds));
        }

        var minimum = MinimumDurationMs(kinds.Count, options);
        if (durationMs < minimum)
        {
            throw new ArgumentException($"{durationMs / 1000} s is too short to inject each of the {kinds.Count} fault kinds once: it needs at least {(minimum + 999) / 1000} s", nameof(durationMs));
        }

        var random = new Random(seed);
        var used = kinds.ToDictionary(k => k, _ => 0);
        var plan = new List<PlannedFault>();
        var at = options.WarmupMs;
        var end = durationMs - options.TailMs;
        while (true)
        {
            var round = kinds.OrderBy(_ => random.Next()).ToList();
            foreach (var kind in round)
            {
                var length = options.FaultMinMs + (long)(random.NextDouble() * (options.FaultMaxMs - options.FaultMinMs));
                if (at + length > end)
                {
                    return plan;
                }

                var variants = Variants[kind];
                var variant = variants[used[kind]++ % variants.Length];
                plan.Add(Make(plan.Count, kind, variant, at, length, validators, random));
                at += length + options.RecoveryMs;
            }
        }
    }

    private static PlannedFault Make(int sequence, FaultKind kind, string variant, long start, long length, int n, Random random)
    {
        var faultyMax = Math.Max(1, (n - 1) / 3);
        var one = random.Next(n);
        var shuffled = Enumerable.Range(0, n).OrderBy(_ => random.Next()).ToList();
        var fault = new PlannedFault(sequence, kind, variant, start, length, [one], TargetsLeader: false, Amount: 0);
        return (kind, variant) switch
        {
            (FaultKind.Partition, "isolate") => fault with
            {
                Nodes = shuffled.Take(faultyMax).Order().ToList(),
                Groups = [shuffled.Take(faultyMax).Order().ToList(), shuffled.Skip(faultyMax).Order().ToList()],
            },
            (FaultKind.Partition, "leader") => fault with { Nodes = [], TargetsLeader = true },
            (FaultKind.Partition, "bridge") => Bridge(fault, shuffled, n),
            (FaultKind.Delay, "all") => fault with { Nodes = [], Amount = random.Next(50, 301) },
            (FaultKind.Delay, "node") => fault with { Amount = random.Next(100, 501) },
            (FaultKind.Delay, "bandwidth") => fault with { Amount = random.Next(64, 257) * 1024 },
            (FaultKind.Loss, "cuts") => fault with { Amount = random.Next(500, 2_001) },
            (FaultKind.Loss, "stall") => fault,
            (FaultKind.Kill or FaultKind.Pause, "leader") => fault with { Nodes = [], TargetsLeader = true },
            (FaultKind.Kill, "all") => fault with { Nodes = Enumerable.Range(0, n).ToList() },
            (FaultKind.Kill or FaultKind.Pause, "random") => fault,
            (FaultKind.Disk, "low" or "fill") => fault,
            (FaultKind.Clock, "forward") => fault with { Amount = random.Next(2_000, 60_001) },
            (FaultKind.Clock, "back") => fault with { Amount = -random.Next(2_000, 60_001) },
            _ => throw new InvalidOperationException($"no plan for {kind}/{variant}"),
        };
    }

    // Two sides that cannot reach each other, both reaching one bridge validator: the bridge sees everything while
    // each side sees only itself and the bridge. With one validator there is nothing to split.
    private static PlannedFault Bridge(PlannedFault fault, List<int> shuffled, int n)
    {
        if (n < 3)
        {
            return fault with { Variant = "isolate", Nodes = [shuffled[0]], Groups = [[shuffled[0]], shuffled.Skip(1).Order().ToList()] };
        }

        var bridge = shuffled[0];
        var rest = shuffled.Skip(1).ToList();
        var left = rest.Take(rest.Count / 2).Order().ToList();
        var right = rest.Skip(rest.Count / 2).Order().ToList();
        return fault with { Nodes = [bridge], Groups = [left, right] };
    }
}

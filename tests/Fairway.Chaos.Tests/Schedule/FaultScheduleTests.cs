using Fairway.Chaos.Schedule;

namespace Fairway.Chaos.Tests.Schedule;

public sealed class FaultScheduleTests
{
    private const long ThreeMinutes = 180_000;

    [Fact]
    public void The_same_seed_gives_the_same_plan_and_another_seed_another()
    {
        var a = FaultSchedule.Plan(7, 4, ThreeMinutes, FaultKinds.All);
        var b = FaultSchedule.Plan(7, 4, ThreeMinutes, FaultKinds.All);
        var c = FaultSchedule.Plan(8, 4, ThreeMinutes, FaultKinds.All);
        Assert.Equal(a.Select(f => f.Describe()), b.Select(f => f.Describe()));
        Assert.NotEqual(a.Select(f => f.Describe()), c.Select(f => f.Describe()));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_three_minute_campaign_injects_every_kind_at_least_once(int seed)
    {
        var plan = FaultSchedule.Plan(seed, 4, ThreeMinutes, FaultKinds.All);
        Assert.All(FaultKinds.All, kind => Assert.Contains(plan, f => f.Kind == kind));
    }

    [Fact]
    public void Faults_come_one_at_a_time_after_the_warm_up_with_time_to_recover_and_end_before_the_tail()
    {
        var options = new ScheduleOptions();
        var plan = FaultSchedule.Plan(3, 4, 30 * 60_000, FaultKinds.All, options);
        Assert.True(plan[0].StartMs >= options.WarmupMs);
        for (var i = 1; i < plan.Count; i++)
        {
            Assert.True(plan[i].StartMs >= plan[i - 1].EndMs + options.RecoveryMs, $"{plan[i].Describe()} overlaps {plan[i - 1].Describe()}");
        }

        Assert.True(plan[^1].EndMs <= (30 * 60_000) - options.TailMs);
        Assert.All(plan, f => Assert.InRange(f.DurationMs, options.FaultMinMs, options.FaultMaxMs));
    }

    [Fact]
    public void Every_fault_but_a_full_restart_touches_at_most_f_validators_and_variants_take_turns()
    {
        var plan = FaultSchedule.Plan(11, 7, 60 * 60_000, FaultKinds.All);
        foreach (var fault in plan.Where(f => !(f.Kind == FaultKind.Kill && f.Variant == "all")))
        {
            Assert.True(fault.Nodes.Count <= 2, fault.Describe());
            Assert.All(fault.Nodes, n => Assert.InRange(n, 0, 6));
        }

        foreach (var kind in FaultKinds.All)
        {
            var seen = plan.Where(f => f.Kind == kind).Select(f => f.Variant).ToHashSet();
            Assert.Equal(FaultSchedule.VariantsOf(kind).ToHashSet(), seen);
        }
    }

    [Fact]
    public void A_bridge_splits_the_others_into_two_sides_that_both_reach_the_bridge()
    {
        var bridge = FaultSchedule.Plan(5, 4, 60 * 60_000, [FaultKind.Partition]).First(f => f.Variant == "bridge");
        Assert.Equal(2, bridge.Groups.Count);
        var all = bridge.Groups.SelectMany(g => g).Concat(bridge.Nodes).Order().ToList();
        Assert.Equal([0, 1, 2, 3], all);
        Assert.Empty(bridge.Groups[0].Intersect(bridge.Groups[1]));
    }

    [Fact]
    public void A_campaign_too_short_for_every_kind_is_refused_with_the_length_it_needs()
    {
        var e = Assert.Throws<ArgumentException>(() => FaultSchedule.Plan(1, 4, 60_000, FaultKinds.All));
        Assert.Contains("at least", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fault_kinds_parse_from_their_names_and_unknown_names_are_refused()
    {
        Assert.Equal([FaultKind.Partition, FaultKind.Clock], FaultKinds.Parse("partition, clock,partition"));
        Assert.Equal(FaultKinds.All, FaultKinds.Parse("partition,delay,loss,kill,pause,disk,clock"));
        Assert.Contains("netem", Assert.Throws<FormatException>(() => FaultKinds.Parse("delay,netem")).Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => FaultKinds.Parse(" , "));
    }
}

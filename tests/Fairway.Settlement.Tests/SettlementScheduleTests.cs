using System.Numerics;

namespace Fairway.Settlement.Tests;

/// Which heights get a statement: every K heights, or T ms of block time after the last statement, whichever first.
public class SettlementScheduleTests
{
    static readonly SettlementDomain ByHeights = new(31337, "0x00000000000000000000000000000000000000c1", 10);
    static readonly SettlementDomain ByHeightsOrTime = ByHeights with { IntervalMs = 2_000 };

    [Fact]
    public void By_heights_alone_a_statement_falls_on_every_interval_th_height()
    {
        Assert.False(ByHeights.IsDue(10, 1_000, 19, 1_000_000));
        Assert.True(ByHeights.IsDue(10, 1_000, 20, 1_001));
        Assert.True(ByHeights.IsStatementHeight(20));
        Assert.False(ByHeights.IsStatementHeight(21));
        Assert.False(ByHeights.IsStatementHeight(0));
    }

    [Fact]
    public void With_the_time_rule_a_statement_is_due_once_that_much_block_time_has_passed_or_the_heights_have()
    {
        Assert.False(ByHeightsOrTime.IsDue(10, 1_000, 13, 2_999));
        Assert.True(ByHeightsOrTime.IsDue(10, 1_000, 13, 3_000));
        Assert.True(ByHeightsOrTime.IsDue(10, 1_000, 20, 1_001));
        Assert.True(ByHeightsOrTime.IsStatementHeight(13));

        // Not before the last statement, and a block time going backwards (never on a valid chain) is not "late".
        Assert.False(ByHeightsOrTime.IsDue(10, 1_000, 10, 9_000));
        Assert.False(ByHeightsOrTime.IsDue(10, 5_000, 11, 1_000));
    }

    [Fact]
    public void The_relayer_takes_the_lowest_height_above_the_tip_with_a_quorum_on_the_tip()
    {
        var keys = Enumerable.Range(0, 3).Select(_ => SettlementKey.Generate()).ToArray();
        var snapshot = new StakeSnapshot(1, "0x", 1,
            keys.Select((k, i) => new StakeTableEntry($"0x{i + 1:x40}", new string('0', 64), k.Address, "", 1, 0, false, false, 1)).ToList(),
            3, 0, new byte[32]);
        var pool = new AttestationPool(ByHeightsOrTime);
        var tip = new byte[32];
        var output = L1.Random32();
        var first = SettlementStatement.Create(ByHeightsOrTime, 7, tip, output);
        var later = SettlementStatement.Create(ByHeightsOrTime, 12, first.Digest, L1.Random32());
        foreach (var key in keys)
        {
            pool.Add(new Attestation(later.Height, later.Parent, later.OutputHash, key.Sign(later.Digest)), snapshot);
        }

        // 12 has a quorum but does not extend the tip; 7 does not have one yet.
        Assert.Null(pool.Next(0, tip, snapshot));
        foreach (var key in keys)
        {
            pool.Add(new Attestation(first.Height, first.Parent, first.OutputHash, key.Sign(first.Digest)), snapshot);
        }

        var next = pool.Next(0, tip, snapshot);
        Assert.Equal(7UL, next!.Value.Statement.Height);
        Assert.Equal(12UL, pool.Next(7, first.Digest, snapshot)!.Value.Statement.Height);
        Assert.Equal(BigInteger.Parse("3", System.Globalization.CultureInfo.InvariantCulture), next.Value.Weight);
    }
}

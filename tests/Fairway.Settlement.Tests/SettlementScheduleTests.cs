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
    public void The_next_statement_is_the_first_due_height_and_waits_for_a_block_time_it_does_not_hold()
    {
        var times = new Dictionary<ulong, ulong> { [11] = 1_500, [12] = 2_900, [13] = 3_000, [14] = 3_100 };
        ulong scanned = 0;
        Assert.Equal(13UL, StatementSchedule.Next(ByHeightsOrTime, 10, 1_000, 14, ref scanned, h => times.GetValueOrDefault(h), _ => true));
        Assert.Equal(12UL, scanned);

        // Height 12's block time is not held yet: nothing is due, and nothing is skipped over it.
        scanned = 0;
        times.Remove(12);
        Assert.Null(StatementSchedule.Next(ByHeightsOrTime, 10, 1_000, 14, ref scanned, h => times.TryGetValue(h, out var ms) ? ms : null, _ => true));
        Assert.Equal(11UL, scanned);

        // By heights alone, block times are never read.
        scanned = 0;
        Assert.Equal(20UL, StatementSchedule.Next(ByHeights, 10, 0, 25, ref scanned, _ => throw new InvalidOperationException("read a block time"), _ => true));
    }

    [Fact]
    public void A_due_height_the_light_client_would_refuse_passes_the_statement_to_the_next_height_that_may_carry_one()
    {
        // Heights 1-3 were made before their leaders read the L1: their headers do not commit to the inbox.
        ulong scanned = 0;
        Assert.Equal(4UL, StatementSchedule.Next(ByHeightsOrTime, 0, 0, 9, ref scanned, _ => 10_000, h => h >= 4));
        Assert.Equal(3UL, scanned);

        // The same pass again reads nothing below what it already passed over.
        var read = new List<ulong>();
        Assert.Equal(4UL, StatementSchedule.Next(ByHeightsOrTime, 0, 0, 9, ref scanned, _ => 10_000, h => { read.Add(h); return h >= 4; }));
        Assert.Equal([4UL], read);

        // By heights alone the statement moves to the next multiple of the interval, the only heights peers take.
        scanned = 0;
        Assert.Equal(30UL, StatementSchedule.Next(ByHeights, 0, 0, 35, ref scanned, _ => 0, h => h >= 25));

        // Not yet certified that far, or the header not held: no statement yet, rather than one on a refused height.
        scanned = 0;
        Assert.Null(StatementSchedule.Next(ByHeights, 0, 0, 29, ref scanned, _ => 0, h => h >= 25));
        scanned = 0;
        Assert.Null(StatementSchedule.Next(ByHeightsOrTime, 0, 0, 9, ref scanned, _ => 10_000, h => h < 2 ? false : null));
        Assert.Equal(1UL, scanned);
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

using System.Numerics;

namespace Fairway.Settlement.Tests;

/// Slash reports for evidence the L1 cannot check: gathered per offence, by staked keys only, relayed past 2/3.
public class SlashReportPoolTests
{
    const string LightClient = "0x00000000000000000000000000000000000000c1";
    static readonly BigInteger ChainId = 31337;
    const string Offender = "0x00000000000000000000000000000000000000aa";

    static (SettlementKey[] Keys, StakeSnapshot Snapshot) Validators(int count, int unstaked = 0)
    {
        var keys = Enumerable.Range(0, count + unstaked).Select(_ => SettlementKey.Generate()).ToArray();
        var entries = keys.Take(count).Select((k, i) => new StakeTableEntry($"0x{i + 1:x40}", new string('0', 64), k.Address, "", 1, 0, false, false, 100)).ToList();
        return (keys, new StakeSnapshot(10, "0x", 1, entries, 100 * count, 0, new byte[32]));
    }

    static SlashReport Report(SettlementKey key, byte[] evidence, string offender = Offender) =>
        new(offender, evidence, key.Sign(SettlementDigests.SlashReport(ChainId, LightClient, offender, evidence)));

    [Fact]
    public void A_report_is_ready_only_past_two_thirds_of_the_weight_with_signatures_ascending_by_signer()
    {
        var (keys, snapshot) = Validators(4);
        var pool = new SlashReportPool(ChainId, LightClient);
        var evidence = L1.Random32();
        Assert.True(pool.Add(Report(keys[0], evidence), snapshot));
        Assert.True(pool.Add(Report(keys[1], evidence), snapshot));
        Assert.Empty(pool.Ready(snapshot));

        Assert.True(pool.Add(Report(keys[2], evidence), snapshot));
        var (validator, hash, signatures) = Assert.Single(pool.Ready(snapshot));
        Assert.Equal(Offender, validator);
        Assert.Equal(evidence, hash);
        Assert.Equal(3 * SettlementKey.SignatureSize, signatures.Length);
        var digest = SettlementDigests.SlashReport(ChainId, LightClient, Offender, evidence);
        var signers = Enumerable.Range(0, 3).Select(i => SettlementKey.Recover(digest, signatures.AsSpan(i * 65, 65))!.ToLowerInvariant()).ToList();
        Assert.Equal(signers.Order(StringComparer.Ordinal), signers);

        pool.MarkDone(Offender, evidence);
        Assert.Empty(pool.Ready(snapshot));
    }

    [Fact]
    public void Signatures_by_keys_without_stake_over_other_reports_or_twice_by_one_key_do_not_count()
    {
        var (keys, snapshot) = Validators(4, unstaked: 3);
        var pool = new SlashReportPool(ChainId, LightClient);
        var evidence = L1.Random32();
        Assert.True(pool.Add(Report(keys[0], evidence), snapshot));
        Assert.False(pool.Add(Report(keys[0], evidence), snapshot));
        foreach (var stranger in keys.Skip(4))
        {
            Assert.False(pool.Add(Report(stranger, evidence), snapshot));
        }

        // A signature over another offender's report is refused for this one.
        var forged = Report(keys[1], evidence, "0x00000000000000000000000000000000000000bb") with { Validator = Offender };
        Assert.False(pool.Add(forged, snapshot));
        Assert.True(pool.Add(Report(keys[1], L1.Random32()), snapshot));
        Assert.Empty(pool.Ready(snapshot));
        Assert.False(pool.Add(new SlashReport(Offender, new byte[31], new byte[65]), snapshot));
    }

    [Fact]
    public void The_pool_holds_a_bounded_number_of_offences()
    {
        var (keys, snapshot) = Validators(1);
        var pool = new SlashReportPool(ChainId, LightClient);
        for (var i = 0; i < SlashReportPool.ReportsMax; i++)
        {
            Assert.True(pool.Add(Report(keys[0], L1.Random32()), snapshot));
        }

        Assert.False(pool.Add(Report(keys[0], L1.Random32()), snapshot));
        Assert.Equal(SlashReportPool.ReportsMax, pool.Count);
    }
}

using System.Numerics;

namespace Fairway.Settlement.Tests;

/// The pool alone, no L1: which signatures make a quorum, in what order, and what it refuses or keeps as evidence.
public sealed class AttestationPoolTests
{
    const ulong Interval = 10;
    static readonly SettlementDomain Domain = new(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3", Interval);
    static readonly byte[] Genesis = new byte[32];

    /// A snapshot holding `keys` with the given weights (same order), nothing else.
    static StakeSnapshot Snapshot(IReadOnlyList<SettlementKey> keys, params int[] weights)
    {
        var entries = keys.Select((k, i) => new StakeTableEntry(
            "0x" + Convert.ToHexStringLower(L1.Random32().AsSpan(0, 20)), "00", k.Address, "", 0, 0, false, false, weights[i])).ToList();
        return new StakeSnapshot(100, "0xaa", 1, entries, entries.Aggregate(BigInteger.Zero, (s, e) => s + e.Weight), 0, Genesis);
    }

    static Attestation Sign(SettlementKey key, ulong height, byte[] parent, byte[] output) =>
        new(height, parent, output, key.Sign(SettlementStatement.Create(Domain, height, parent, output).Digest));

    static List<SettlementKey> Keys(int n) => Enumerable.Range(0, n).Select(_ => SettlementKey.Generate()).ToList();

    static BigInteger AddressValue(string address) => new(Convert.FromHexString(address[2..]), isUnsigned: true, isBigEndian: true);

    [Fact]
    public void Exactly_two_thirds_of_the_weight_is_no_quorum_and_one_more_signer_is()
    {
        var keys = Keys(3);
        var snapshot = Snapshot(keys, 5, 5, 5);
        var pool = new AttestationPool(Domain);
        var output = L1.Random32();
        Assert.Equal(AttestationResult.Added, pool.Add(Sign(keys[0], 10, Genesis, output)));
        Assert.Equal(AttestationResult.Added, pool.Add(Sign(keys[1], 10, Genesis, output)));
        Assert.Null(pool.Quorum(10, Genesis, snapshot));

        Assert.Equal(AttestationResult.Added, pool.Add(Sign(keys[2], 10, Genesis, output)));
        var quorum = pool.Quorum(10, Genesis, snapshot);
        Assert.NotNull(quorum);
        Assert.Equal(15, quorum.Value.Weight);
        Assert.Equal(SettlementStatement.Create(Domain, 10, Genesis, output).Digest, quorum.Value.Statement.Digest);
        Assert.Equal(output, quorum.Value.Statement.OutputHash);
    }

    [Fact]
    public void Quorum_is_weighed_by_stake_not_by_head_count()
    {
        var keys = Keys(3);
        // One heavy signer is 7/10 > 2/3 alone; the two light ones together are 3/10.
        var snapshot = Snapshot(keys, 7, 2, 1);
        var output = L1.Random32();
        var light = new AttestationPool(Domain);
        light.Add(Sign(keys[1], 10, Genesis, output));
        light.Add(Sign(keys[2], 10, Genesis, output));
        Assert.Null(light.Quorum(10, Genesis, snapshot));

        var heavy = new AttestationPool(Domain);
        heavy.Add(Sign(keys[0], 10, Genesis, output));
        Assert.Equal(7, heavy.Quorum(10, Genesis, snapshot)?.Weight);
    }

    [Fact]
    public void Signers_without_weight_are_left_out_and_the_rest_come_in_ascending_signer_order()
    {
        var keys = Keys(5);
        // keys[3] is registered with no weight yet (effective next epoch); keys[4] is not in the snapshot at all.
        var snapshot = Snapshot(keys[..4], 1, 1, 1, 0);
        var pool = new AttestationPool(Domain);
        var output = L1.Random32();
        foreach (var k in new[] { keys[4], keys[3], keys[1], keys[0] })
            Assert.Equal(AttestationResult.Added, pool.Add(Sign(k, 20, Genesis, output)));
        // Two weighted signers of three is exactly 2/3: the weightless ones must not tip it over.
        Assert.Null(pool.Quorum(20, Genesis, snapshot));

        pool.Add(Sign(keys[2], 20, Genesis, output));
        var quorum = pool.Quorum(20, Genesis, snapshot);
        Assert.NotNull(quorum);
        Assert.Equal(3, quorum.Value.Weight);
        var signatures = quorum.Value.Signatures;
        Assert.Equal(3 * SettlementKey.SignatureSize, signatures.Length);
        var digest = quorum.Value.Statement.Digest;
        var signers = signatures.Chunk(SettlementKey.SignatureSize).Select(s => SettlementKey.Recover(digest, s)!).ToList();
        Assert.Equal(keys[..3].Select(k => k.Address).OrderBy(AddressValue), signers);
        Assert.True(signers.Zip(signers.Skip(1)).All(p => AddressValue(p.First) < AddressValue(p.Second)));
    }

    [Fact]
    public void A_repeated_attestation_is_a_duplicate_and_counts_once()
    {
        var keys = Keys(3);
        var snapshot = Snapshot(keys, 1, 1, 1);
        var pool = new AttestationPool(Domain);
        var output = L1.Random32();
        var a = Sign(keys[0], 10, Genesis, output);
        Assert.Equal(AttestationResult.Added, pool.Add(a));
        Assert.Equal(AttestationResult.Duplicate, pool.Add(a));
        Assert.Equal(AttestationResult.Duplicate, pool.Add(a with { Parent = (byte[])Genesis.Clone(), OutputHash = (byte[])output.Clone() }));
        pool.Add(Sign(keys[1], 10, Genesis, output));
        Assert.Null(pool.Quorum(10, Genesis, snapshot));
        Assert.Empty(pool.Conflicts);
    }

    [Fact]
    public void One_key_signing_two_outputs_for_a_height_is_a_conflict_handed_out_once()
    {
        var keys = Keys(2);
        var pool = new AttestationPool(Domain);
        var first = Sign(keys[0], 10, Genesis, L1.Random32());
        var second = Sign(keys[0], 10, Genesis, L1.Random32());
        var otherParent = Sign(keys[0], 10, L1.Random32(), first.OutputHash);
        Assert.Equal(AttestationResult.Added, pool.Add(first));
        // Another key on another output, and the same key at another height, are no evidence.
        Assert.Equal(AttestationResult.Added, pool.Add(Sign(keys[1], 10, Genesis, second.OutputHash)));
        Assert.Equal(AttestationResult.Added, pool.Add(Sign(keys[0], 20, Genesis, second.OutputHash)));
        Assert.Empty(pool.Conflicts);

        Assert.Equal(AttestationResult.Conflict, pool.Add(second));
        var conflict = Assert.Single(pool.TakeConflicts());
        Assert.Equal(keys[0].Address, conflict.Signer);
        Assert.Same(first, conflict.First);
        Assert.Same(second, conflict.Second);
        Assert.Empty(pool.TakeConflicts());

        // Gossip repeats messages: the same pair again is the same evidence, which the L1 slashes only once.
        Assert.NotEqual(AttestationResult.Conflict, pool.Add(second));
        Assert.NotEqual(AttestationResult.Conflict, pool.Add(first));
        Assert.Empty(pool.TakeConflicts());

        // A third statement (here: another parent) is new evidence.
        Assert.Equal(AttestationResult.Conflict, pool.Add(otherParent));
        Assert.Same(otherParent, Assert.Single(pool.TakeConflicts()).Second);
    }

    [Fact]
    public void Heights_off_the_interval_beyond_the_window_or_settled_are_refused()
    {
        var key = SettlementKey.Generate();
        var pool = new AttestationPool(Domain);
        var output = L1.Random32();
        Assert.Equal(AttestationResult.Refused, pool.Add(Sign(key, 0, Genesis, output)));
        Assert.Equal(AttestationResult.Refused, pool.Add(Sign(key, 15, Genesis, output)));
        var windowEnd = Interval * AttestationPool.HeightsMax;
        Assert.Equal(AttestationResult.Added, pool.Add(Sign(key, windowEnd, Genesis, output)));
        Assert.Equal(AttestationResult.Refused, pool.Add(Sign(key, windowEnd + Interval, Genesis, output)));

        pool.OnSettled(30);
        Assert.Equal(AttestationResult.Refused, pool.Add(Sign(key, 30, Genesis, output)));
        Assert.Equal(AttestationResult.Added, pool.Add(Sign(key, 40, Genesis, output)));
        // The window moves with what is settled.
        Assert.Equal(AttestationResult.Added, pool.Add(Sign(key, windowEnd + Interval, Genesis, output)));
    }

    [Fact]
    public void Malformed_signatures_and_hashes_are_refused()
    {
        var key = SettlementKey.Generate();
        var pool = new AttestationPool(Domain);
        var good = Sign(key, 10, Genesis, L1.Random32());
        Assert.Equal(AttestationResult.Refused, pool.Add(good with { Signature = good.Signature[..64] }));
        Assert.Equal(AttestationResult.Refused, pool.Add(good with { Signature = [.. good.Signature, 0] }));
        Assert.Equal(AttestationResult.Refused, pool.Add(good with { Signature = [.. good.Signature[..64], 1] }));
        Assert.Equal(AttestationResult.Refused, pool.Add(good with { Signature = new byte[65] }));
        // r of zero, r past the field, and an r that is no point's x: anyone on the network can send these.
        Assert.Equal(AttestationResult.Refused, pool.Add(good with { Signature = [.. new byte[32], .. good.Signature[32..]] }));
        Assert.Equal(AttestationResult.Refused, pool.Add(good with { Signature = [.. Enumerable.Repeat((byte)0xff, 32), .. good.Signature[32..]] }));
        // A random r recovers nobody or a stranger: never an exception, never the signer.
        for (var i = 0; i < 32; i++)
        {
            var result = pool.Add(good with { Signature = [.. L1.Random32(), .. good.Signature[32..]] });
            Assert.True(result is AttestationResult.Refused or AttestationResult.Added);
        }
        Assert.Null(pool.Quorum(10, Genesis, Snapshot([key], 1)));
        pool = new AttestationPool(Domain);
        Assert.Equal(AttestationResult.Refused, pool.Add(good with { Parent = new byte[31] }));
        Assert.Equal(AttestationResult.Refused, pool.Add(good with { OutputHash = new byte[33] }));
        Assert.Equal(0, pool.Heights);
        Assert.Equal(AttestationResult.Added, pool.Add(good));
    }

    [Fact]
    public void Settling_drops_the_settled_heights_and_keeps_the_rest()
    {
        var keys = Keys(1);
        var snapshot = Snapshot(keys, 1);
        var pool = new AttestationPool(Domain);
        var output = L1.Random32();
        foreach (var h in new ulong[] { 10, 20, 30 })
            pool.Add(Sign(keys[0], h, Genesis, output));
        Assert.Equal(3, pool.Heights);
        Assert.NotNull(pool.Quorum(10, Genesis, snapshot));

        pool.OnSettled(20);
        Assert.Equal(1, pool.Heights);
        Assert.Null(pool.Quorum(10, Genesis, snapshot));
        Assert.Null(pool.Quorum(20, Genesis, snapshot));
        Assert.NotNull(pool.Quorum(30, Genesis, snapshot));
        // An older settled height reported late does not move the mark back.
        pool.OnSettled(10);
        Assert.Equal(AttestationResult.Refused, pool.Add(Sign(keys[0], 20, Genesis, output)));
    }

    [Fact]
    public void Only_signatures_on_the_asked_parent_count()
    {
        var keys = Keys(1);
        var snapshot = Snapshot(keys, 1);
        var pool = new AttestationPool(Domain);
        pool.Add(Sign(keys[0], 10, Genesis, L1.Random32()));
        Assert.Null(pool.Quorum(10, L1.Random32(), snapshot));
        Assert.NotNull(pool.Quorum(10, Genesis, snapshot));
    }

    [Fact]
    public void Keys_without_stake_cannot_crowd_the_validators_out_of_a_height()
    {
        var keys = Keys(3);
        var snapshot = Snapshot(keys, 1, 1, 1);
        var output = L1.Random32();

        // Control: with nothing to weigh signers by, the per-height cap is all there is, and strangers fill it. Random
        // (r, low s) pairs recover to some key about half the time: the cheapest way to mint a thousand signers.
        var blind = new AttestationPool(Domain);
        var strangers = new List<Attestation>();
        for (var tries = 0; strangers.Count < L1Contracts.ValidatorsMax; tries++)
        {
            Assert.True(tries < 8 * L1Contracts.ValidatorsMax, "random signatures stopped recovering");
            var s = L1.Random32();
            s[0] &= 0x3f;
            var stranger = new Attestation(10, Genesis, output, [.. L1.Random32(), .. s, 27]);
            if (blind.Add(stranger) == AttestationResult.Added) strangers.Add(stranger);
        }
        Assert.Equal(AttestationResult.Refused, blind.Add(Sign(keys[0], 10, Genesis, output)));

        // Weighed, a stranger is refused before it takes any room (no height is even opened for it).
        var pool = new AttestationPool(Domain);
        foreach (var a in strangers.Take(16)) Assert.Equal(AttestationResult.Refused, pool.Add(a, snapshot));
        Assert.Equal(0, pool.Heights);
        foreach (var k in keys) Assert.Equal(AttestationResult.Added, pool.Add(Sign(k, 10, Genesis, output), snapshot));
        Assert.Equal(3, pool.Quorum(10, Genesis, snapshot)?.Weight);
    }
}

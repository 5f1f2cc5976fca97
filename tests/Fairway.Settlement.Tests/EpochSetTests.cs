using System.Numerics;

namespace Fairway.Settlement.Tests;

/// The validator set a stake-table snapshot gives: only staked, free, well-formed validators, in one order for everyone.
public class EpochSetTests
{
    static readonly BigInteger Ether = BigInteger.Pow(10, 18);

    static StakeTableEntry Entry(int i, BigInteger weight, string? key = null, string? endpoints = null, bool exited = false, bool jailed = false) =>
        new($"0x{i:x40}", key ?? Convert.ToHexStringLower(L1.Random32()), $"0x{i + 100:x40}",
            endpoints ?? $"p2p=127.0.0.1:{27000 + i} api=http://127.0.0.1:{27100 + i}", weight, 0, exited, jailed, weight);

    static StakeSnapshot Snapshot(params StakeTableEntry[] entries) =>
        new(50, "0x", 2, entries, entries.Aggregate(BigInteger.Zero, (s, e) => s + e.Weight), 0, new byte[32]);

    [Fact]
    public void Staked_validators_form_the_set_ordered_by_consensus_key_with_stakes_in_gwei()
    {
        var snapshot = Snapshot(Entry(1, 100 * Ether), Entry(2, 250 * Ether), Entry(3, 100 * Ether));
        var set = EpochSet.FromSnapshot(snapshot);
        Assert.Empty(set.Refused);
        Assert.Equal(3, set.Members.Count);
        var keys = set.Members.Select(m => m.Validator.PublicKey.ToHex()).ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
        Assert.Contains(set.Members, m => m.Validator.Stake == 250_000_000_000UL && m.Endpoints.P2p == "127.0.0.1:27002");
        var validators = set.ToValidatorSet()!;
        Assert.Equal(450_000_000_000UL, validators.TotalStake);

        // Every node derives the same set from the same snapshot, whatever order the table listed them in.
        var shuffled = EpochSet.FromSnapshot(snapshot with { Validators = snapshot.Validators.Reverse().ToList() });
        Assert.Equal(keys, shuffled.Members.Select(m => m.Validator.PublicKey.ToHex()));
    }

    [Fact]
    public void Jailed_exited_and_weightless_validators_are_left_out_and_malformed_entries_are_named()
    {
        var duplicate = Convert.ToHexStringLower(L1.Random32());
        var set = EpochSet.FromSnapshot(Snapshot(
            Entry(1, 100 * Ether),
            Entry(2, 100 * Ether, jailed: true),
            Entry(3, 100 * Ether, exited: true),
            Entry(4, 0),
            Entry(5, 100 * Ether, key: "not hex"),
            Entry(6, 100 * Ether, endpoints: "http://127.0.0.1:27106"),
            Entry(7, 5, endpoints: "p2p=127.0.0.1:1"),
            Entry(8, 100 * Ether, key: duplicate),
            Entry(9, 100 * Ether, key: duplicate)));
        Assert.Equal(["0x" + 1.ToString("x40"), "0x" + 8.ToString("x40")], set.Members.Select(m => m.Account).Order());
        Assert.Equal(4, set.Refused.Count);
        Assert.Contains(set.Refused, r => r.Contains("consensus key is not", StringComparison.Ordinal));
        Assert.Contains(set.Refused, r => r.Contains("endpoints", StringComparison.Ordinal));
        Assert.Contains(set.Refused, r => r.Contains("below one gwei", StringComparison.Ordinal));
        Assert.Contains(set.Refused, r => r.Contains("registered twice", StringComparison.Ordinal));
        Assert.Null(EpochSet.FromSnapshot(Snapshot(Entry(1, 0))).ToValidatorSet());
    }

    [Theory]
    [InlineData("p2p=127.0.0.1:27000 api=http://127.0.0.1:27100", "127.0.0.1:27000", "http://127.0.0.1:27100")]
    [InlineData("api=http://x:1 p2p=h:2 future=1", "h:2", "http://x:1")]
    [InlineData("p2p=h:2 api=ftp://x", "h:2", null)]
    public void Endpoints_parse_from_key_value_pairs(string text, string p2p, string? api)
    {
        var endpoints = ValidatorEndpoints.TryParse(text)!;
        Assert.Equal(p2p, endpoints.P2p);
        Assert.Equal(api, endpoints.Api);
        Assert.Equal(endpoints, ValidatorEndpoints.TryParse(endpoints.Format()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("http://127.0.0.1:27100")]
    [InlineData("p2p=nohostport")]
    [InlineData("api=http://x:1")]
    [InlineData("=x p2p=h:1")]
    public void Malformed_endpoints_give_nothing(string text) => Assert.Null(ValidatorEndpoints.TryParse(text));

    [Fact]
    public void Endpoints_longer_than_the_stake_table_allows_give_nothing() =>
        Assert.Null(ValidatorEndpoints.TryParse("p2p=h:1 x=" + new string('a', ValidatorEndpoints.TextMax)));
}

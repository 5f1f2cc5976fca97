using System.Numerics;
using Fairway.Core.Crypto;
using Fairway.Core.Validators;

namespace Fairway.Settlement;

/// <summary>One member of the validator set the stake table gives for an epoch, with where to reach it.</summary>
public sealed record EpochMember(Validator Validator, string Account, string SettlementKey, ValidatorEndpoints Endpoints);

/// <summary>
/// The Fairway validator set a stake-table snapshot gives: every registered validator with weight in the snapshot's
/// epoch, not jailed or exited, with a well-formed consensus key and endpoints, ordered by consensus key (so every node
/// derives the same indices), its stake in gwei (wei do not fit the set's 64-bit stakes). What the snapshot holds came
/// from the L1, so entries that do not parse are left out and named, never thrown on.
/// </summary>
public sealed record EpochSet(ulong Epoch, ulong L1Block, IReadOnlyList<EpochMember> Members, IReadOnlyList<string> Refused)
{
    public static readonly BigInteger WeiPerStakeUnit = BigInteger.Pow(10, 9);

    /// <summary>The consensus set, or null when no validator qualifies.</summary>
    public ValidatorSet? ToValidatorSet() => Members.Count == 0 ? null : new ValidatorSet(Members.Select(m => m.Validator));

    public static EpochSet FromSnapshot(StakeSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var members = new List<EpochMember>();
        var refused = new List<string>();
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in snapshot.Validators)
        {
            if (entry.Jailed || entry.Exited || entry.Weight.IsZero)
            {
                continue;
            }

            var stake = entry.Weight / WeiPerStakeUnit;
            if (entry.ConsensusKeyHex is not { Length: 64 } key || !key.All(char.IsAsciiHexDigit) || key.All(c => c == '0'))
            {
                refused.Add($"{entry.Validator}: consensus key is not 32 bytes of hex");
            }
            else if (ValidatorEndpoints.TryParse(entry.Endpoints) is not { } endpoints)
            {
                refused.Add($"{entry.Validator}: endpoints \"{Truncate(entry.Endpoints)}\" are not 'p2p=HOST:PORT api=URL'");
            }
            else if (stake.IsZero || stake > ulong.MaxValue / (ulong)ValidatorSet.CountMax)
            {
                refused.Add($"{entry.Validator}: weight {entry.Weight} wei is below one gwei or too large");
            }
            else if (!keys.Add(key))
            {
                refused.Add($"{entry.Validator}: consensus key registered twice");
            }
            else
            {
                members.Add(new EpochMember(
                    new Validator(entry.Validator, PublicKey.ParseHex(key), (ulong)stake), entry.Validator, entry.SettlementKey, endpoints));
            }
        }

        members.Sort((a, b) => string.CompareOrdinal(a.Validator.PublicKey.ToHex(), b.Validator.PublicKey.ToHex()));
        if (members.Count > ValidatorSet.CountMax)
        {
            refused.Add($"{members.Count - ValidatorSet.CountMax} validators beyond the {ValidatorSet.CountMax} a set holds");
            members = members.OrderByDescending(m => m.Validator.Stake).Take(ValidatorSet.CountMax)
                .OrderBy(m => m.Validator.PublicKey.ToHex(), StringComparer.Ordinal).ToList();
        }

        return new EpochSet(snapshot.Epoch, snapshot.L1Block, members, refused);
    }

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";
}

using Fairway.Core.Validators;

namespace Fairway.Settlement;

/// <summary>
/// The consensus stakes a stake-table epoch gives a network's roster (its validators by index, as genesis lists them):
/// each member's weight in the epoch, in gwei, found by its consensus key; zero for a member that is not registered,
/// has left or was jailed (the stake table has already made its weight zero from the next epoch). Only weights are
/// read, never the jailed or exited flags, which change within an epoch: every snapshot of one epoch gives the same
/// stakes, so every validator computes the same set whichever block of the epoch it read.
/// </summary>
public static class RosterStakes
{
    /// <summary>The stakes, or null with a reason when the epoch gives the roster no stake or a stake too large to count.</summary>
    public static ulong[]? From(StakeSnapshot snapshot, ValidatorSet roster, out string reason)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(roster);
        var stakes = new ulong[roster.Count];
        var cap = ulong.MaxValue / (ulong)ValidatorSet.CountMax;
        for (var i = 0; i < roster.Count; i++)
        {
            var key = roster[i].PublicKey.ToHex();
            // A key registered twice counts once: the earliest registration, as the stake table lists them.
            var entry = snapshot.Validators.FirstOrDefault(v => string.Equals(v.ConsensusKeyHex, key, StringComparison.OrdinalIgnoreCase));
            if (entry is null || entry.Weight.Sign <= 0)
            {
                continue;
            }

            var gwei = entry.Weight / EpochSet.WeiPerStakeUnit;
            if (gwei > cap)
            {
                reason = $"{roster[i].Name}'s weight {entry.Weight} wei is too large to count";
                return null;
            }

            stakes[i] = (ulong)gwei;
        }

        if (stakes.All(s => s == 0))
        {
            reason = $"stake-table epoch {snapshot.Epoch} gives no roster member stake";
            return null;
        }

        reason = "";
        return stakes;
    }
}

using Fairway.Core.Encoding;
using Fairway.Core.Validators;

namespace Fairway.Core.Chain;

/// <summary>
/// What a block that ends an epoch carries: the number of the next epoch (the stake table's epoch whose weights it
/// takes) and the stake of every roster member in it, by roster index. The first committed block carrying one is the
/// last block of its epoch; consensus restarts on top of it with these stakes, and a client that trusts the set
/// certifying the block learns the next set from the block itself.
/// </summary>
public sealed record EpochChange(ulong Epoch, IReadOnlyList<ulong> Stakes) : ICanonical
{
    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteU64(Epoch);
        writer.WriteCount(Stakes.Count);
        foreach (var stake in Stakes)
        {
            writer.WriteU64(stake);
        }
    }

    public static EpochChange Decode(ref CanonicalReader reader)
    {
        var epoch = reader.ReadU64("epoch change epoch");
        var count = reader.ReadCount(ValidatorSet.CountMax, "epoch change stakes");
        var stakes = new ulong[count];
        ulong total = 0;
        for (var i = 0; i < count; i++)
        {
            stakes[i] = reader.ReadU64("epoch change stake");
            total = stakes[i] > ulong.MaxValue - total ? throw new EncodingException("epoch change: stakes overflow") : total + stakes[i];
        }

        if (epoch == 0 || total == 0)
        {
            throw new EncodingException("epoch change: the next epoch must be above 0 and give someone stake");
        }

        return new EpochChange(epoch, stakes);
    }

    /// <summary>The set this change gives <paramref name="roster"/>; throws if it does not fit the roster.</summary>
    public ValidatorSet Apply(ValidatorSet roster)
    {
        ArgumentNullException.ThrowIfNull(roster);
        return roster.WithStakes(Stakes);
    }

    public bool Equals(EpochChange? other) => other is not null && other.Epoch == Epoch && other.Stakes.SequenceEqual(Stakes);

    public override int GetHashCode() => HashCode.Combine(Epoch, Stakes.Count);
}

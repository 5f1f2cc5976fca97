using System.Buffers.Binary;
using Fairway.Core.Crypto;

namespace Fairway.Core.Validators;

/// <summary>
/// The fixed, ordered set of validators for an epoch. A validator is named by its index in this set.
/// A member may hold zero stake: it is on the network's roster (keeps its index, follows the chain, may be given stake
/// by a later epoch) but it never leads and its signatures count for nothing. Quorum is more than two thirds of the total stake, so any two quorums share more than a third of it,
/// and therefore at least one honest validator while the faulty stake stays at or below <see cref="FaultyStakeMax"/>.
/// </summary>
public sealed class ValidatorSet
{
    public const int CountMax = 1024;

    private readonly Validator[] _validators;
    private readonly ulong[] _cumulativeStake;
    private readonly Dictionary<PublicKey, int> _indexByKey;

    public ValidatorSet(IEnumerable<Validator> validators)
    {
        ArgumentNullException.ThrowIfNull(validators);
        _validators = validators.ToArray();
        if (_validators.Length == 0)
        {
            throw new ArgumentException("a validator set needs at least one validator", nameof(validators));
        }

        if (_validators.Length > CountMax)
        {
            throw new ArgumentException($"at most {CountMax} validators, got {_validators.Length}", nameof(validators));
        }

        _cumulativeStake = new ulong[_validators.Length];
        _indexByKey = new Dictionary<PublicKey, int>(_validators.Length);
        ulong total = 0;
        for (var i = 0; i < _validators.Length; i++)
        {
            var v = _validators[i];
            if (!_indexByKey.TryAdd(v.PublicKey, i))
            {
                throw new ArgumentException($"validator {v.Name} repeats the key of another validator", nameof(validators));
            }

            total = checked(total + v.Stake);
            _cumulativeStake[i] = total;
        }

        if (total == 0)
        {
            throw new ArgumentException("a validator set needs a member with stake", nameof(validators));
        }

        Staked = [.. Enumerable.Range(0, _validators.Length).Where(i => _validators[i].Stake > 0)];
        TotalStake = total;
        // Largest f with 3f < total: the stake that may be faulty without breaking safety.
        FaultyStakeMax = (total - 1) / 3;
        QuorumStake = total - FaultyStakeMax;
    }

    public int Count => _validators.Length;

    /// <summary>Indices of the members with stake, ascending: the ones that can lead and whose signatures count.</summary>
    public IReadOnlyList<int> Staked { get; }

    /// <summary>
    /// The same members, keys and order with other stakes: the next epoch of a roster whose weights come from the stake
    /// table. Indices stay valid across epochs, so peers, logs and evidence keep naming the same validators.
    /// </summary>
    public ValidatorSet WithStakes(IReadOnlyList<ulong> stakes)
    {
        ArgumentNullException.ThrowIfNull(stakes);
        if (stakes.Count != _validators.Length)
        {
            throw new ArgumentException($"{stakes.Count} stakes for a roster of {_validators.Length}", nameof(stakes));
        }

        return new ValidatorSet(_validators.Select((v, i) => v with { Stake = stakes[i] }));
    }

    /// <summary>Whether <paramref name="other"/> gives every member the same stake as this set (same roster assumed).</summary>
    public bool SameStakes(ValidatorSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return other.Count == Count && Enumerable.Range(0, Count).All(i => other.StakeOf(i) == StakeOf(i));
    }

    public ulong TotalStake { get; }

    /// <summary>Stake needed for a certificate: strictly more than two thirds of the total.</summary>
    public ulong QuorumStake { get; }

    /// <summary>The most stake that can be Byzantine while safety and liveness still hold (f).</summary>
    public ulong FaultyStakeMax { get; }

    /// <summary>Stake that guarantees at least one honest member: f + 1.</summary>
    public ulong ValidityStake => FaultyStakeMax + 1;

    public Validator this[int index] => _validators[index];

    public IReadOnlyList<Validator> Validators => _validators;

    public bool Contains(int index) => index >= 0 && index < _validators.Length;

    public int IndexOf(PublicKey key) => _indexByKey.TryGetValue(key, out var i) ? i : -1;

    public ulong StakeOf(int index) => _validators[index].Stake;

    /// <summary>
    /// The leader of a round: a stake-weighted draw from a hash of the round, so a validator with twice the stake
    /// leads twice as often, and every node computes the same leader with no communication.
    /// </summary>
    public int LeaderOf(ulong round) => StakeWeightedDraw(round, _cumulativeStake);

    /// <summary>
    /// The position a hash of <paramref name="round"/> picks in a list of members given by their running stake totals;
    /// the same rule for the whole set and for any subset of it.
    /// </summary>
    public static int StakeWeightedDraw(ulong round, ulong[] cumulativeStake)
    {
        ArgumentNullException.ThrowIfNull(cumulativeStake);
        Span<byte> seed = stackalloc byte[16];
        "leader\0\0"u8.CopyTo(seed);
        BinaryPrimitives.WriteUInt64LittleEndian(seed[8..], round);
        if (cumulativeStake.Length == 0 || cumulativeStake[^1] == 0)
        {
            throw new ArgumentException("a draw needs a member with stake", nameof(cumulativeStake));
        }

        var draw = Hash.Compute(seed).Prefix64 % cumulativeStake[^1];
        var index = Array.BinarySearch(cumulativeStake, draw + 1);
        index = index >= 0 ? index : ~index;
        // A zero-stake member repeats its predecessor's running total: the first holder of the total is the one with stake.
        while (index > 0 && cumulativeStake[index - 1] == cumulativeStake[index])
        {
            index--;
        }

        return index;
    }
}

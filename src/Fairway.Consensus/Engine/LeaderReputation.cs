using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Validators;

namespace Fairway.Consensus.Engine;

/// <summary>
/// Who may lead a round, decided from the chain a proposal extends, so that any validator can check a proposal with
/// nothing but the blocks it already holds and every validator that holds them computes the same leader.
/// <para>
/// The leader of round r built on anchor block A is a stake-weighted draw, from a hash of r, among the validators that
/// showed up in the last <c>window</c> blocks ending at A (authored one of them or signed one of their QCs) and did not
/// fail to lead in that window (a round skipped between a block and its parent is a failed round; its expected leader
/// is drawn the same way from the parent's window, without the failure filter, which keeps the look-back bounded to
/// two windows); if those hold no more than f stake, all that showed up are eligible, so an honest validator always
/// is. A crashed validator signs nothing and so stops being drawn once a window passes; it is drawn again
/// once its votes reappear in QCs. Until a chain is a window long, and whenever the filter would leave no one, every
/// validator is eligible, with the plain schedule of <see cref="ValidatorSet.LeaderOf"/>; the same holds for the first
/// window of each epoch, so a validator the epoch gave stake can lead at once.
/// </para>
/// Liveness alone depends on this choice: the voting rule keeps safety whoever leads.
/// </summary>
internal sealed class LeaderReputation
{
    private const int CacheEntriesMax = 4_096;

    /// <summary>Rounds of one gap looked at for failed leaders; a longer gap blames only its most recent rounds.</summary>
    private const int FailedRoundsPerGapMax = 16;

    private readonly ValidatorSet _validators;
    private readonly int _window;
    private readonly Func<Hash, Block?> _lookup;
    private readonly Dictionary<Hash, Eligible?> _active = [];
    private readonly Dictionary<Hash, Eligible?> _eligible = [];

    public LeaderReputation(ValidatorSet validators, int windowBlocks, Func<Hash, Block?> lookup)
    {
        _validators = validators;
        _window = windowBlocks;
        _lookup = lookup;
    }

    /// <summary>How many committed ancestors below any anchor the computation may read.</summary>
    public static int HistoryBlocksNeeded(int windowBlocks) => windowBlocks <= 0 ? 0 : (2 * windowBlocks) + 2;

    /// <summary>The leader of <paramref name="round"/> on a chain ending at <paramref name="anchor"/>; null if the anchor is unknown.</summary>
    public int? LeaderFor(ulong round, Hash anchor)
    {
        if (_window <= 0)
        {
            return _validators.LeaderOf(round);
        }

        var block = _lookup(anchor);
        if (block is null)
        {
            return null;
        }

        var eligible = EligibleAt(block);
        return eligible is null ? _validators.LeaderOf(round) : eligible.Draw(round);
    }

    /// <summary>The validators eligible to lead on top of <paramref name="anchor"/>, or null when all are.</summary>
    public IReadOnlyList<int>? EligibleAfter(Hash anchor)
    {
        var block = _lookup(anchor);
        return block is null || _window <= 0 ? null : EligibleAt(block)?.Members;
    }

    private Eligible? EligibleAt(Block anchor)
    {
        if (_eligible.TryGetValue(anchor.Hash, out var known))
        {
            return known;
        }

        var active = ActiveAt(anchor);
        Eligible? result = null;
        if (active is not null)
        {
            var failed = new HashSet<int>();
            var cursor = anchor;
            for (var i = 0; i < _window && !cursor.IsGenesis; i++)
            {
                var parent = _lookup(cursor.ParentHash);
                if (parent is null)
                {
                    break;
                }

                // A block justified by a root certificate (no signers) opens an epoch: the rounds skipped before it
                // were never run, so no leader failed them.
                var firstSkipped = cursor.Justify.Signatures.Count == 0
                    ? cursor.Round
                    : Math.Max(parent.Round + 1, cursor.Round > FailedRoundsPerGapMax ? cursor.Round - FailedRoundsPerGapMax : 0);
                if (firstSkipped < cursor.Round)
                {
                    var parentActive = ActiveAt(parent);
                    for (var r = firstSkipped; r < cursor.Round; r++)
                    {
                        failed.Add(parentActive?.Draw(r) ?? _validators.LeaderOf(r));
                    }
                }

                cursor = parent;
            }

            // Fewer than f+1 stake might be all faulty, and while no QC forms the anchor and so the set stay the same:
            // draws among only faulty validators would never end. More than f stake always holds an honest validator.
            var members = active.Members.Where(v => !failed.Contains(v)).ToArray();
            var stake = members.Aggregate(0UL, (sum, v) => sum + _validators.StakeOf(v));
            result = stake < _validators.ValidityStake ? active : new Eligible(_validators, members);
            if (result.Members.Length == _validators.Staked.Count)
            {
                result = null;
            }
        }

        Remember(_eligible, anchor.Hash, result);
        return result;
    }

    /// <summary>Validators that authored or co-certified one of the last window blocks; null while the chain is shorter.</summary>
    private Eligible? ActiveAt(Block anchor)
    {
        if (_active.TryGetValue(anchor.Hash, out var known))
        {
            return known;
        }

        var seen = new bool[_validators.Count];
        var cursor = anchor;
        var counted = 0;
        while (counted < _window)
        {
            if (cursor.IsGenesis)
            {
                break;
            }

            if (_validators.Contains(cursor.Author))
            {
                seen[cursor.Author] = true;
            }

            foreach (var signature in cursor.Justify.Signatures)
            {
                if (_validators.Contains(signature.Signer))
                {
                    seen[signature.Signer] = true;
                }
            }

            counted++;
            // The window does not reach back across an epoch's start: members given stake by the new epoch could not
            // have shown up before it, and until the epoch is a window long every member with stake may lead.
            if (counted == _window || cursor.Justify.Signatures.Count == 0)
            {
                break;
            }

            var parent = _lookup(cursor.ParentHash);
            if (parent is null)
            {
                break;
            }

            cursor = parent;
        }

        Eligible? result = null;
        if (counted == _window)
        {
            var members = _validators.Staked.Where(v => seen[v]).ToArray();
            // Nobody with stake showed up only if the window is made of blocks from unknown authors or members an epoch
            // change left without stake; then fall back to everyone with stake.
            result = new Eligible(_validators, members.Length == 0 ? [.. _validators.Staked] : members);
        }

        Remember(_active, anchor.Hash, result);
        return result;
    }

    private static void Remember(Dictionary<Hash, Eligible?> cache, Hash key, Eligible? value)
    {
        // Every entry can be recomputed from the chain, so dropping them all is safe and keeps the bound trivial.
        if (cache.Count >= CacheEntriesMax)
        {
            cache.Clear();
        }

        cache[key] = value;
    }

    /// <summary>A subset of the validators with their cumulative stakes, for a stake-weighted draw.</summary>
    private sealed class Eligible
    {
        private readonly ulong[] _cumulative;

        public Eligible(ValidatorSet validators, int[] members)
        {
            Members = members;
            _cumulative = new ulong[members.Length];
            ulong total = 0;
            for (var i = 0; i < members.Length; i++)
            {
                total += validators.StakeOf(members[i]);
                _cumulative[i] = total;
            }
        }

        public int[] Members { get; }

        public int Draw(ulong round) => Members[ValidatorSet.StakeWeightedDraw(round, _cumulative)];
    }
}

using Fairway.Core.Crypto;

namespace Fairway.Core.Chain;

/// <summary>
/// A block of the L1 a Fairway block names: a final block of the leader's L1 watcher, which voters check against
/// their own. Committed references never decrease, so the chain agrees on how far the L1 has got: where the stake
/// table's epochs begin, and what the validator set of the next epoch is.
/// </summary>
public sealed record L1Reference(ulong Number, Hash BlockHash)
{
    /// <summary>
    /// Why a voter refuses a block naming <paramref name="l1"/> on a parent naming <paramref name="parent"/>, or null: a
    /// reference is never dropped once named, never goes back, and when new must be final in the voter's own view
    /// (<paramref name="finalHere"/>). The node and the simulator both judge by it.
    /// </summary>
    public static string? Refusal(L1Reference? l1, L1Reference? parent, Func<L1Reference, bool> finalHere)
    {
        ArgumentNullException.ThrowIfNull(finalHere);
        if (l1 is null)
        {
            return parent is null ? null : "drops its parent's L1 reference";
        }

        if (parent is not null && l1.Number < parent.Number)
        {
            return $"L1 reference {l1.Number} goes back from its parent's {parent.Number}";
        }

        return l1 == parent || finalHere(l1) ? null : $"L1 block {l1.Number} is not final here with that hash";
    }

    public override string ToString() => $"L1#{Number}({BlockHash.ToHex()[..8]})";
}

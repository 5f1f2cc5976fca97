using Fairway.Core.Crypto;

namespace Fairway.Core.Chain;

/// <summary>
/// A block of the L1 a Fairway block names: a final block of the leader's L1 watcher, which voters check against
/// their own. Committed references never decrease, so the chain agrees on how far the L1 has got: where the stake
/// table's epochs begin, and what the validator set of the next epoch is.
/// </summary>
public sealed record L1Reference(ulong Number, Hash BlockHash)
{
    public override string ToString() => $"L1#{Number}({BlockHash.ToHex()[..8]})";
}

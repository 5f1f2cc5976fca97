using System.Numerics;

namespace Fairway.Settlement;

/// <summary>One validator as the stake table holds it at some L1 block, with its weight in the epoch read.</summary>
public sealed record StakeTableEntry(
    string Validator,
    string ConsensusKeyHex,
    string SettlementKey,
    string Endpoints,
    BigInteger SelfStake,
    BigInteger DelegatedStake,
    bool Exited,
    bool Jailed,
    BigInteger Weight);

/// <summary>
/// The stake table at one final L1 block: its epoch, the validators and their weights in that epoch (final, since
/// changes made during an epoch count from the next), and the light client's settled height at the same block.
/// </summary>
public sealed record StakeSnapshot(
    ulong L1Block,
    string L1BlockHash,
    ulong Epoch,
    IReadOnlyList<StakeTableEntry> Validators,
    BigInteger TotalWeight,
    ulong SettledHeight,
    byte[] SettledHeaderHash)
{
    /// <summary>Weight by settlement key address (case-insensitive): who counts toward a settlement quorum.</summary>
    public BigInteger WeightOfSettlementKey(string address) =>
        Validators.FirstOrDefault(v => string.Equals(v.SettlementKey, address, StringComparison.OrdinalIgnoreCase))?.Weight ?? BigInteger.Zero;

    /// <summary>More than two thirds of the epoch's total weight, in integers.</summary>
    public bool IsQuorum(BigInteger signedWeight) => TotalWeight > 0 && 3 * signedWeight > 2 * TotalWeight;
}

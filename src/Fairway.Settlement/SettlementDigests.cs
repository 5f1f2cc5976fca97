using System.Numerics;
using Nethereum.ABI;
using Nethereum.Util;

namespace Fairway.Settlement;

/// <summary>
/// The digests the contracts compute, computed here without an L1 call, so a validator signs exactly what the light
/// client and the stake table will recover. Each names a tag, the L1 chain id and the verifying contract, so a signature
/// cannot be replayed on another contract, chain or kind of statement. Layouts: docs/SETTLEMENT.md.
/// </summary>
public static class SettlementDigests
{
    private static readonly byte[] HeaderTag = Keccak("FAIRWAY_SETTLEMENT_HEADER_V1"u8);
    private static readonly byte[] SlashTag = Keccak("FAIRWAY_SLASH_REPORT_V1"u8);
    private static readonly byte[] SettlementKeyTag = Keccak("FAIRWAY_SETTLEMENT_KEY_V1"u8);

    /// <summary>The light client's <c>headerDigest(height, parent, outputHash)</c>: what a settlement statement's signers sign, and the parent of the next statement.</summary>
    public static byte[] Header(BigInteger l1ChainId, string lightClient, ulong height, ReadOnlySpan<byte> parent, ReadOnlySpan<byte> outputHash) =>
        Keccak(new ABIEncode().GetABIEncoded(
            new ABIValue("bytes32", HeaderTag),
            new ABIValue("uint256", l1ChainId),
            new ABIValue("address", lightClient),
            new ABIValue("uint64", height),
            new ABIValue("bytes32", parent.ToArray()),
            new ABIValue("bytes32", outputHash.ToArray())));

    /// <summary>The light client's <c>slashDigest(validator, evidenceHash)</c>: what more than 2/3 of the stake sign to report evidence the L1 cannot check itself.</summary>
    public static byte[] SlashReport(BigInteger l1ChainId, string lightClient, string validator, ReadOnlySpan<byte> evidenceHash) =>
        Keccak(new ABIEncode().GetABIEncoded(
            new ABIValue("bytes32", SlashTag),
            new ABIValue("uint256", l1ChainId),
            new ABIValue("address", lightClient),
            new ABIValue("address", validator),
            new ABIValue("bytes32", evidenceHash.ToArray())));

    /// <summary>The stake table's <c>settlementKeyDigest(validator)</c>: the settlement key's proof of possession at registration.</summary>
    public static byte[] SettlementKeyProof(BigInteger l1ChainId, string stakeTable, string validator) =>
        Keccak(new ABIEncode().GetABIEncoded(
            new ABIValue("bytes32", SettlementKeyTag),
            new ABIValue("uint256", l1ChainId),
            new ABIValue("address", stakeTable),
            new ABIValue("address", validator)));

    public static byte[] Keccak(ReadOnlySpan<byte> data) => Sha3Keccack.Current.CalculateHash(data.ToArray());
}

using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Rollups.Accounts;

/// <summary>The checks every demo rollup makes before a transaction counts, and the state decoders' shared opening.</summary>
internal static class Admission
{
    /// <summary>Null when the transaction is signed for this namespace and carries its sender's next nonce; else why it is skipped.</summary>
    public static RollupReceipt? Check(RollupTransaction tx, ulong @namespace, ISignatureVerifier verifier, ulong expectedNonce)
    {
        if (!tx.HasValidSignature(@namespace, verifier))
        {
            return RollupReceipt.Skipped("bad signature");
        }

        return tx.Nonce == expectedNonce ? null : RollupReceipt.Skipped($"nonce {tx.Nonce}, expected {expectedNonce}");
    }

    /// <summary>A reader after the state's domain prefix, which must be there.</summary>
    public static CanonicalReader OpenState(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> domain, string what)
    {
        if (!bytes.StartsWith(domain))
        {
            throw new EncodingException($"not {what}");
        }

        return new CanonicalReader(bytes[domain.Length..]);
    }
}

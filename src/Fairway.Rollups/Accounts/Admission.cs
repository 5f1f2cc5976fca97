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

    /// <summary>
    /// Admits a transaction to a state's accounts: null, with its sender's account (opened when new, within
    /// <paramref name="accountsMax"/>) and its nonce used, when it counts; else why it is skipped, with nothing changed.
    /// </summary>
    public static RollupReceipt? Admit<TAccount>(
        RollupTransaction tx, ulong @namespace, ISignatureVerifier verifier, Dictionary<PublicKey, TAccount> accounts, int accountsMax, out TAccount account)
        where TAccount : NoncedAccount, new()
    {
        ArgumentNullException.ThrowIfNull(verifier);
        account = accounts.GetValueOrDefault(tx.Sender)!;
        if (Check(tx, @namespace, verifier, account?.Nonce ?? 0) is { } skipped)
        {
            return skipped;
        }

        if (account is null)
        {
            if (accounts.Count >= accountsMax)
            {
                return RollupReceipt.Skipped("the rollup holds as many accounts as it may");
            }

            accounts[tx.Sender] = account = new TAccount();
        }

        // From here the transaction counts: its nonce is used whether or not it succeeds, as on any chain.
        account.Nonce++;
        return null;
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

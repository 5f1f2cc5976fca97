using Fairway.Core.Crypto;
using Fairway.Rollups.Market;

namespace Fairway.Rollups.Accounts;

/// <summary>
/// What the perps and options rollups share: accounts with nonces, the way a payload becomes a transaction, the refusal
/// of a bundle leg met on its own, and the entry points a bundle uses to run a leg or use its nonce.
/// </summary>
public abstract class AccountRollupState<TAccount>(ulong @namespace, string what) : IRollupState
    where TAccount : NoncedAccount, new()
{
    public ulong Namespace { get; } = @namespace;

    /// <summary>The accounts, by key; each state bounds them with <see cref="AccountsLimit"/>.</summary>
    private protected Dictionary<PublicKey, TAccount> AccountMap { get; } = [];

    private protected abstract int AccountsLimit { get; }

    public int AccountCount => AccountMap.Count;

    public TAccount? Find(PublicKey key) => AccountMap.GetValueOrDefault(key);

    public IEnumerable<KeyValuePair<PublicKey, TAccount>> Accounts => AccountMap;

    public RollupReceipt Apply(ReadOnlySpan<byte> payload, ISignatureVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        if (ApplyChainRecord(payload) is { } record)
        {
            return record;
        }

        return RollupTransaction.TryDecode(payload) is { } tx ? Apply(tx, verifier) : RollupReceipt.Skipped($"not {what} transaction");
    }

    public RollupReceipt Apply(RollupTransaction tx, ISignatureVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return BundleLeg.IsLeg(tx.Kind)
            ? RollupReceipt.Skipped("a bundle leg: only its bundle executes it")
            : Execute(tx, tx.Kind, tx.Body, verifier);
    }

    /// <summary>A bundle's leg, its commitment already checked: the kind without the leg flag, the body after the commitment.</summary>
    internal RollupReceipt ApplyLeg(RollupTransaction tx, byte[] body, ISignatureVerifier verifier) =>
        Execute(tx, (byte)(tx.Kind & ~BundleLeg.KindFlag), body, verifier);

    /// <summary>Uses the transaction's nonce and nothing else, when it would be admitted (a reverted bundle's leg).</summary>
    internal bool UseNonce(RollupTransaction tx, ISignatureVerifier verifier) => Admit(tx, verifier, out _) is null;

    public abstract byte[] Encode();

    public Hash StateRoot() => Hash.Compute(Encode());

    private protected RollupReceipt? Admit(RollupTransaction tx, ISignatureVerifier verifier, out TAccount account) =>
        Admission.Admit(tx, Namespace, verifier, AccountMap, AccountsLimit, out account);

    /// <summary>
    /// A payload the chain itself wrote into the stream rather than a client (unsigned, without a nonce), taken before
    /// the payload is read as a transaction: its receipt, or null when the payload is no such record (the default:
    /// a rollup that trusts none). Never throws on what the payload holds.
    /// </summary>
    private protected virtual RollupReceipt? ApplyChainRecord(ReadOnlySpan<byte> payload) => null;

    /// <summary>Runs a transaction of <paramref name="kind"/> with <paramref name="body"/>: admits it, then applies it.</summary>
    private protected abstract RollupReceipt Execute(RollupTransaction tx, byte kind, byte[] body, ISignatureVerifier verifier);
}

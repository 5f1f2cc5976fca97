namespace Fairway.Ordering.Output;

/// <summary>
/// The encrypted lane: a namespace whose transactions are threshold ciphertexts to the validators' shared key. While
/// sealed they are ordered by the <see cref="FairPolicy"/> rules (candidate lists, f+1 inclusion, median receive time),
/// so every position is fixed before anyone can read a transaction; once the block commits, validators release their
/// decryption shares and the output carries each plaintext at the position already fixed (or a fixed undecryptable
/// entry). No validator, leader included, sees a transaction's contents before its place is final.
/// </summary>
public sealed class EncryptedPolicy : IOrderingPolicy
{
    public const string PolicyName = "encrypted";

    public static readonly EncryptedPolicy Instance = new();

    public string Name => PolicyName;

    public bool FairOrdered => true;

    public bool Encrypted => true;

    public string Description =>
        "threshold-encrypted to the validators' key (POST /v1/submit/encrypted); ordered by the fair rules while sealed, " +
        "decrypted by f+1 validators' shares only after the block commits, the plaintext output at the position fixed before";

    /// <summary>As <see cref="FairPolicy"/>: the stage orders these namespaces itself; this is the order within one fair time.</summary>
    public IReadOnlyList<OrderingCandidate> Order(ulong @namespace, IReadOnlyList<OrderingCandidate> inBlockOrder) => inBlockOrder;
}

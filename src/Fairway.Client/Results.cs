using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Client;

/// <summary>A node accepted a transaction; the receipt's signature was checked against that validator's key.</summary>
public sealed record SubmitResult(Hash Hash, int Validator, ulong ReceivedAtMs, bool Duplicate, Signature Signature = default);

/// <summary>
/// An atomic bundle a node accepted: its hash (what the receipt signs), its legs' transaction hashes in the given order
/// (what to wait for and read), and the verified receipt.
/// </summary>
public sealed record BundleSubmitResult(Hash Hash, IReadOnlyList<Hash> Legs, SubmitResult Receipt);

/// <summary>One transaction of a batch submission: accepted (its hash) or refused (the node's error). Batches carry no receipts.</summary>
public sealed record BatchSubmitResult(Hash? Accepted, string? ErrorCode, string? ErrorMessage);

public enum Commitment
{
    Received = 0,

    /// <summary>Fair namespaces: a proposal's candidate lists from more than a third of the stake name it.</summary>
    Included = 1,
    Soft = 2,
    Firm = 3,

    /// <summary>Firm, and the L1's light client accepted an output header at or above the transaction's height.</summary>
    Settled = 4,
}

/// <summary>
/// A transaction sent to several validators at once (a fair namespace's way to submit): the verified receipts, the
/// validators that failed to answer or refused, and whether the receipts' signers hold more than the faulty stake, which
/// makes the transaction <c>included</c>: at least one honest validator holds it and will list it.
/// </summary>
public sealed record FanOutSubmitResult(Hash Hash, IReadOnlyList<SubmitResult> Receipts, IReadOnlyDictionary<int, string> Failures, bool Included);

/// <summary>
/// A validator's word on a transaction, not verified: <see cref="FairwayClient.GetTransactionAsync"/> is the verified
/// read. <paramref name="Index"/> is the position in the block's ordered output.
/// </summary>
public sealed record TransactionStatus(Commitment Level, ulong? Height, int? Index);

/// <summary>
/// A namespace's transactions at one height, verified: certified block, certified output header (firm), and a proof that
/// they are exactly the namespace's part of that output, in output order.
/// </summary>
public sealed record VerifiedNamespaceBlock(ulong Height, Hash BlockHash, ulong Namespace, IReadOnlyList<Transaction> Transactions)
{
    /// <summary>The certified output header's hash: what a rollup records as the point it has read up to.</summary>
    public Hash OutputHash { get; init; }
}

/// <summary>
/// A firm transaction, verified against a certified output header: it is in the output of the block at
/// <paramref name="Height"/> at block-wide position <paramref name="Index"/>, and <paramref name="NamespaceIndex"/> is its
/// position among that output's transactions of its namespace (the index in <see cref="VerifiedNamespaceBlock.Transactions"/>
/// for that height). Both are proven.
/// </summary>
public sealed record VerifiedTransaction(Transaction Transaction, ulong Height, int Index, int NamespaceIndex, Hash BlockHash)
{
    /// <summary>
    /// For an encrypted submission, the ciphertext transaction as submitted (its hash is the one asked for);
    /// <see cref="Transaction"/> is then the plaintext the certified output holds at <see cref="Index"/>.
    /// </summary>
    public Transaction? Sealed { get; init; }

    /// <summary>For an encrypted submission, the decryption shares (encoded) that opened <see cref="Sealed"/>; checked by <see cref="FairwayClient.GetTransactionAsync"/>.</summary>
    public byte[] Opening { get; init; } = [];
}

/// <summary>A namespace's entry in the registry: its ordering policy (declared in genesis, or the chain's default).</summary>
public sealed record NamespaceInfo(ulong Id, string? Name, string Policy, bool Declared, string PolicyDescription);

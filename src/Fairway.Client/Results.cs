using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Client;

/// <summary>A node accepted a transaction; the receipt's signature was checked against that validator's key.</summary>
public sealed record SubmitResult(Hash Hash, int Validator, ulong ReceivedAtMs, bool Duplicate);

/// <summary>One transaction of a batch submission: accepted (its hash) or refused (the node's error). Batches carry no receipts.</summary>
public sealed record BatchSubmitResult(Hash? Accepted, string? ErrorCode, string? ErrorMessage);

public enum Commitment
{
    Received = 0,
    Soft = 1,
    Firm = 2,
}

/// <summary>
/// A validator's word on a transaction, not verified: <see cref="FairwayClient.GetTransactionAsync"/> is the verified
/// read. <paramref name="Index"/> is the position in the block's ordered list, which no proof can establish.
/// </summary>
public sealed record TransactionStatus(Commitment Level, ulong? Height, int? Index);

/// <summary>A namespace's transactions at one height, verified: certified header, and a proof that they are exactly the namespace's, in order.</summary>
public sealed record VerifiedNamespaceBlock(ulong Height, Hash BlockHash, ulong Namespace, IReadOnlyList<Transaction> Transactions);

/// <summary>
/// A committed transaction, verified against a certified header: it is in the block at <paramref name="Height"/>, and
/// <paramref name="NamespaceIndex"/> is its proven position among that block's transactions of its namespace (the
/// index in <see cref="VerifiedNamespaceBlock.Transactions"/> for that height).
/// </summary>
public sealed record VerifiedTransaction(Transaction Transaction, ulong Height, int NamespaceIndex, Hash BlockHash);

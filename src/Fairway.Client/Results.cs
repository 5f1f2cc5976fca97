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

public sealed record TransactionStatus(Commitment Level, ulong? Height, int? Index);

/// <summary>A namespace's transactions at one height, verified: certified header, and a proof that they are exactly the namespace's, in order.</summary>
public sealed record VerifiedNamespaceBlock(ulong Height, Hash BlockHash, ulong Namespace, IReadOnlyList<Transaction> Transactions);

/// <summary>A committed transaction, verified against a certified header.</summary>
public sealed record VerifiedTransaction(Transaction Transaction, ulong Height, int Index, Hash BlockHash);

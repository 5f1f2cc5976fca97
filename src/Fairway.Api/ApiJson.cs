using Fairway.Core.Chain;
using Fairway.Core.Encoding;
using Fairway.Storage;
using Fairway.Storage.Query;

namespace Fairway.Api;

/// <summary>
/// The JSON shapes of the API. Hashes are lowercase hex and bytes (payloads, canonical headers, certificates, proofs)
/// are base64 everywhere, so a transaction's hash reads the same in every response.
/// </summary>
public static class ApiJson
{
    public static object Header(CommittedBlock committed)
    {
        ArgumentNullException.ThrowIfNull(committed);
        var block = committed.Block;
        return new
        {
            height = block.Height,
            hash = block.Hash.ToHex(),
            parent = block.ParentHash.ToHex(),
            round = block.Round,
            author = block.Author,
            timestamp_ms = block.TimestampMs,
            header = Convert.ToBase64String(Canonical.Encode(block)),
            qc = Convert.ToBase64String(Canonical.Encode(committed.Certificate)),
        };
    }

    public static object Block(CommittedBlock committed)
    {
        ArgumentNullException.ThrowIfNull(committed);
        var block = committed.Block;
        return new
        {
            height = block.Height,
            hash = block.Hash.ToHex(),
            parent = block.ParentHash.ToHex(),
            round = block.Round,
            author = block.Author,
            timestamp_ms = block.TimestampMs,
            header = Convert.ToBase64String(Canonical.Encode(block)),
            qc = Convert.ToBase64String(Canonical.Encode(committed.Certificate)),
            namespaces = committed.Transactions.Select(t => t.Namespace).Distinct().Order().ToList(),
            batches = block.BatchDigests.Count,
            transactions = committed.Transactions.Count,
            size = committed.Transactions.Sum(t => (long)t.Payload.Length),
        };
    }

    public static object Namespace(CommittedBlock committed, Core.Proofs.BlockProofBuilder proofs, IReadOnlyList<IndexedTransaction> transactions, ulong @namespace)
    {
        ArgumentNullException.ThrowIfNull(committed);
        ArgumentNullException.ThrowIfNull(transactions);
        var block = committed.Block;
        return new
        {
            height = block.Height,
            hash = block.Hash.ToHex(),
            @namespace,
            transactions = transactions.Select(t => Transaction(t.Transaction)).ToList(),
            proof = Convert.ToBase64String(Canonical.Encode(proofs.ForNamespace(@namespace))),
            header = Convert.ToBase64String(Canonical.Encode(block)),
            qc = Convert.ToBase64String(Canonical.Encode(committed.Certificate)),
        };
    }

    public static object Transaction(Transaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return new { hash = transaction.Hash.ToHex(), payload = Convert.ToBase64String(transaction.Payload.Span) };
    }

    public static object TransactionWithProof(IndexedTransaction found, CommittedBlock committed, IReadOnlyList<Batch> batches)
    {
        ArgumentNullException.ThrowIfNull(found);
        ArgumentNullException.ThrowIfNull(committed);
        var tx = found.Transaction;
        return new
        {
            transaction = new { hash = tx.Hash.ToHex(), @namespace = tx.Namespace, payload = Convert.ToBase64String(tx.Payload.Span) },
            height = found.Height,
            index = found.Index,
            proof = ProofJson.Transaction(committed.Block, batches, tx.Hash),
            header = Convert.ToBase64String(Canonical.Encode(committed.Block)),
            qc = Convert.ToBase64String(Canonical.Encode(committed.Certificate)),
        };
    }

    public static object Receipt(SubmitOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return new
        {
            hash = outcome.Hash.ToHex(),
            duplicate = outcome.Status == SubmitStatus.Duplicate,
            receipt = outcome.Receipt is { } r
                ? new { validator = r.Validator, received_at_ms = r.ReceivedAtMs, signature = r.Signature.ToHex() }
                : null,
        };
    }
}

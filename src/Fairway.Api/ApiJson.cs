using System.Text.Json.Nodes;
using Fairway.Core.Chain;
using Fairway.Core.Encoding;
using Fairway.Core.Proofs;
using Fairway.Storage;
using Fairway.Storage.Query;

namespace Fairway.Api;

/// <summary>
/// The JSON shapes of the API. Hashes are lowercase hex and bytes (payloads, canonical headers, certificates, proofs)
/// are base64 everywhere, so a transaction's hash reads the same in every response.
/// </summary>
public static class ApiJson
{
    /// <summary>A committed block's header fields with the canonical header and its QC; every block-shaped answer starts here.</summary>
    public static JsonObject Header(CommittedBlock committed)
    {
        ArgumentNullException.ThrowIfNull(committed);
        var block = committed.Block;
        return new JsonObject
        {
            ["height"] = block.Height,
            ["hash"] = block.Hash.ToHex(),
            ["parent"] = block.ParentHash.ToHex(),
            ["round"] = block.Round,
            ["author"] = block.Author,
            ["timestamp_ms"] = block.TimestampMs,
            ["l1"] = block.L1 is { } l1 ? new System.Text.Json.Nodes.JsonObject { ["number"] = l1.Number, ["hash"] = "0x" + l1.BlockHash.ToHex() } : null,
            ["signers"] = new JsonArray(committed.Certificate.Signatures.Select(s => (JsonNode)s.Signer).ToArray()),
            ["next_epoch"] = block.NextEpoch is { } change
                ? new JsonObject { ["epoch"] = change.Epoch, ["stakes"] = new JsonArray(change.Stakes.Select(s => (JsonNode)s).ToArray()) }
                : null,
            ["inbox"] = block.Inbox is { } inbox
                ? new JsonObject { ["index"] = inbox.Index, ["first_index"] = inbox.FirstIndex, ["entries"] = inbox.Entries.Count }
                : null,
            ["header"] = Base64(block),
            ["qc"] = Base64(committed.Certificate),
            ["output_hash"] = committed.Output.Header.Hash.ToHex(),
            ["output_header"] = Base64(committed.Output.Header),
            ["output_certificate"] = committed.OutputCertificate is { } certificate ? Base64(certificate) : null,
        };
    }

    public static JsonObject Block(CommittedBlock committed)
    {
        var json = Header(committed);
        json["namespaces"] = new JsonArray(committed.Transactions.Select(t => t.Namespace).Distinct().Order().Select(ns => (JsonNode)ns).ToArray());
        json["batches"] = committed.Block.BatchDigests.Count;
        json["transactions"] = committed.Transactions.Count;
        json["size"] = committed.Transactions.Sum(t => (long)t.Payload.Length);
        return json;
    }

    public static JsonObject Namespace(CommittedBlock committed, OutputProofBuilder proofs, IReadOnlyList<IndexedTransaction> transactions, ulong @namespace)
    {
        ArgumentNullException.ThrowIfNull(proofs);
        ArgumentNullException.ThrowIfNull(transactions);
        var json = Header(committed);
        json["namespace"] = @namespace;
        json["transactions"] = new JsonArray(transactions.Select(t => (JsonNode)Transaction(t.Transaction)).ToArray());
        json["proof"] = Base64(proofs.ForNamespace(@namespace));
        return json;
    }

    public static JsonObject Transaction(Transaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return new JsonObject { ["hash"] = transaction.Hash.ToHex(), ["payload"] = Convert.ToBase64String(transaction.Payload.Span) };
    }

    public static JsonObject TransactionWithProof(IndexedTransaction found, CommittedBlock committed, OutputProofBuilder proofs)
    {
        ArgumentNullException.ThrowIfNull(found);
        ArgumentNullException.ThrowIfNull(proofs);
        ArgumentNullException.ThrowIfNull(committed);
        // An encrypted submission is found by its ciphertext's hash; the output holds its plaintext at that position.
        var output = committed.Output.Transactions;
        var revealed = (uint)found.Index < (uint)output.Count && output[found.Index].Hash != found.Transaction.Hash;
        var tx = revealed ? output[found.Index] : found.Transaction;
        var transaction = Transaction(tx);
        transaction["namespace"] = tx.Namespace;
        var header = Header(committed);
        var json = new JsonObject
        {
            ["transaction"] = transaction,
            ["height"] = found.Height,
            // Both positions are provable against the certified output: the block-wide index by the inclusion proof,
            // the position within the namespace by the namespace proof.
            ["index"] = found.Index,
            ["proof"] = revealed ? Base64(proofs.ForIndex(found.Index)) : proofs.ForTransaction(tx.Hash) is { } proof ? Base64(proof) : null,
            ["namespace_index"] = NamespaceIndex(committed, found),
            ["namespace_proof"] = Base64(proofs.ForNamespace(tx.Namespace)),
        };
        if (revealed)
        {
            // The ciphertext as submitted: what the block's batch holds and what the client's hash names.
            var submitted = Transaction(found.Transaction);
            submitted["namespace"] = found.Transaction.Namespace;
            json["sealed"] = submitted;
            // The shares that opened it here: with the key set, a client opens the ciphertext itself.
            var opening = committed.Output.Revealed.FirstOrDefault(r => r.Position == found.Index).Opening ?? [];
            json["opening"] = Convert.ToBase64String(opening);
        }

        foreach (var name in (string[])["header", "qc", "output_hash", "output_header", "output_certificate"])
        {
            json[name] = header[name]?.DeepClone();
        }

        return json;
    }

    private static int NamespaceIndex(CommittedBlock committed, IndexedTransaction found)
    {
        var ns = found.Transaction.Namespace;
        var before = 0;
        for (var i = 0; i < found.Index; i++)
        {
            if (committed.Transactions[i].Namespace == ns)
            {
                before++;
            }
        }

        return before;
    }

    public static Dictionary<string, object?> Receipt(SubmitOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return new()
        {
            ["hash"] = outcome.Hash.ToHex(),
            ["duplicate"] = outcome.Status == SubmitStatus.Duplicate,
            ["receipt"] = outcome.Receipt is { } r
                ? new { validator = r.Validator, received_at_ms = r.ReceivedAtMs, signature = r.Signature.ToHex() }
                : null,
        };
    }

    private static string Base64(ICanonical value) => Convert.ToBase64String(Canonical.Encode(value));
}

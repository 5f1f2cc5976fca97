using System.Text.Json;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Proofs;

namespace Fairway.Client;

/// <summary>Checks node responses against the trusted chain. Everything is recomputed here; nothing the node claims is taken on faith.</summary>
public sealed class ResponseVerifier(TrustedChain trust)
{
    private readonly CertifiedHeaderVerifier _headers = new(trust.ChainId, trust.Validators, trust.Verifier);

    /// <summary>Verifies a namespace response (<c>{height, hash, transactions, proof, header, qc}</c>), from the REST API or a stream.</summary>
    public VerifiedNamespaceBlock VerifyNamespace(JsonElement json, ulong expectedNamespace, ulong? expectedHeight = null)
    {
        var (block, _) = VerifyHeader(json, expectedHeight);
        var transactions = new List<Transaction>();
        foreach (var item in Property(json, "transactions").EnumerateArray())
        {
            var tx = new Transaction(expectedNamespace, Base64(item, "payload"));
            if (!string.Equals(tx.Hash.ToHex(), Text(item, "hash"), StringComparison.Ordinal))
            {
                throw new VerificationException($"height {block.Height}: a transaction's hash does not match its payload in namespace {expectedNamespace}");
            }

            transactions.Add(tx);
        }

        var proof = Decode(json, "proof", NamespaceProof.Decode);
        if (!proof.Verify(block, expectedNamespace, transactions))
        {
            throw new VerificationException($"height {block.Height}: the transactions are not exactly namespace {expectedNamespace}'s (dropped, reordered, altered or injected)");
        }

        return new VerifiedNamespaceBlock(block.Height, block.Hash, expectedNamespace, transactions);
    }

    /// <summary>Verifies a transaction-by-hash response.</summary>
    public VerifiedTransaction VerifyTransaction(JsonElement json, Hash expectedHash)
    {
        var (block, _) = VerifyHeader(json, null);
        var txJson = Property(json, "transaction");
        var tx = new Transaction(Property(txJson, "namespace").GetUInt64(), Base64(txJson, "payload"));
        if (tx.Hash != expectedHash)
        {
            throw new VerificationException("the returned transaction is not the one asked for");
        }

        var proof = Decode(json, "proof", TransactionProof.Decode);
        if (!proof.Verify(block, tx))
        {
            throw new VerificationException($"the transaction is not in the certified block at height {block.Height}");
        }

        return new VerifiedTransaction(tx, block.Height, VerifyNamespaceIndex(json, block, tx), block.Hash);
    }

    /// <summary>
    /// The transaction's position within its namespace at that height, proven by the namespace proof, and refuses a node
    /// that claims another. The block-wide "index" is left out: the certified header commits each batch's transactions
    /// per namespace, not how namespaces interleave in the batch, so no proof can establish it.
    /// </summary>
    private static int VerifyNamespaceIndex(JsonElement json, Block block, Transaction tx)
    {
        var proof = Decode(json, "namespace_proof", NamespaceProof.Decode);
        if (proof.ProvenHashes(block, tx.Namespace) is not { } hashes)
        {
            throw new VerificationException($"height {block.Height}: the namespace proof does not hold for namespace {tx.Namespace}");
        }

        var proven = -1;
        for (var i = 0; i < hashes.Count && proven < 0; i++)
        {
            proven = hashes[i] == tx.Hash ? i : -1;
        }

        var claimed = Property(json, "namespace_index");
        if (proven < 0 || claimed.ValueKind != JsonValueKind.Number || !claimed.TryGetInt32(out var index) || index != proven)
        {
            throw new VerificationException(
                $"height {block.Height}: the node places the transaction at {claimed} in namespace {tx.Namespace}, its proof at {proven}");
        }

        return proven;
    }

    /// <summary>Decodes the header and QC of a response and checks the QC certifies the header on the trusted chain.</summary>
    public (Block Block, QuorumCertificate Qc) VerifyHeader(JsonElement json, ulong? expectedHeight)
    {
        var block = Decode(json, "header", Block.Decode);
        var qc = Decode(json, "qc", QuorumCertificate.Decode);
        if (!_headers.Verify(block, qc, out var reason))
        {
            throw new VerificationException($"the header is not certified by the trusted validators: {reason}");
        }

        if (expectedHeight is { } h && block.Height != h)
        {
            throw new VerificationException($"asked for height {h}, got a header for height {block.Height}");
        }

        if (json.TryGetProperty("height", out var height) && height.GetUInt64() != block.Height
            || json.TryGetProperty("hash", out var hash) && !string.Equals(hash.GetString(), block.Hash.ToHex(), StringComparison.Ordinal))
        {
            throw new VerificationException("the response's height or hash disagrees with its certified header");
        }

        return (block, qc);
    }

    /// <summary>Checks a submission receipt's signature against the validator's key.</summary>
    public bool VerifyReceipt(Hash transaction, int validator, ulong receivedAtMs, Signature signature) =>
        trust.Validators.Contains(validator)
        && trust.Verifier.Verify(trust.Validators[validator].PublicKey, SigningDomain.ReceiptMessage(trust.ChainId, transaction, (ushort)validator, receivedAtMs), signature);

    private static T Decode<T>(JsonElement json, string name, CanonicalDecoder<T> decoder)
    {
        try
        {
            return Canonical.Decode(Base64(json, name), decoder, name);
        }
        catch (EncodingException e)
        {
            throw new VerificationException($"malformed {name}: {e.Message}", e);
        }
    }

    private static JsonElement Property(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value) ? value : throw new VerificationException($"the response has no \"{name}\"");

    private static string Text(JsonElement json, string name) =>
        Property(json, name).ValueKind == JsonValueKind.String ? Property(json, name).GetString()! : throw new VerificationException($"\"{name}\" is not a string");

    private static byte[] Base64(JsonElement json, string name)
    {
        try
        {
            return Convert.FromBase64String(Text(json, name));
        }
        catch (FormatException e)
        {
            throw new VerificationException($"\"{name}\" is not base64", e);
        }
    }
}

using System.Text.Json;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Output;
using Fairway.Core.Proofs;

namespace Fairway.Client;

/// <summary>Checks node responses against the trusted chain. Everything is recomputed here; nothing the node claims is taken on faith.</summary>
public sealed class ResponseVerifier(TrustedChain trust)
{

    /// <summary>
    /// Verifies a namespace response (<c>{height, hash, transactions, proof, header, qc, output_header,
    /// output_certificate}</c>), from the REST API or a stream.
    /// </summary>
    public VerifiedNamespaceBlock VerifyNamespace(JsonElement json, ulong expectedNamespace, ulong? expectedHeight = null)
    {
        var (block, _) = VerifyHeader(json, expectedHeight);
        var output = VerifyOutput(json, block);
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
        if (!proof.Verify(output, expectedNamespace, transactions))
        {
            throw new VerificationException($"height {block.Height}: the transactions are not exactly namespace {expectedNamespace}'s part of the certified output (dropped, reordered, altered or injected)");
        }

        return new VerifiedNamespaceBlock(block.Height, block.Hash, expectedNamespace, transactions) { OutputHash = output.Hash };
    }

    /// <summary>Verifies a transaction-by-hash response.</summary>
    public VerifiedTransaction VerifyTransaction(JsonElement json, Hash expectedHash)
    {
        var (block, _) = VerifyHeader(json, null);
        var output = VerifyOutput(json, block);
        var txJson = Property(json, "transaction");
        var tx = new Transaction(Property(txJson, "namespace").GetUInt64(), Base64(txJson, "payload"));
        Transaction? sealedTx = null;
        if (json.TryGetProperty("sealed", out var sealedJson) && sealedJson.ValueKind == JsonValueKind.Object)
        {
            // An encrypted submission: the hash asked for is the ciphertext's, the output holds its plaintext.
            sealedTx = new Transaction(Property(sealedJson, "namespace").GetUInt64(), Base64(sealedJson, "payload"));
            if (sealedTx.Namespace != tx.Namespace)
            {
                throw new VerificationException("the returned plaintext is in another namespace than its ciphertext");
            }
        }

        if ((sealedTx ?? tx).Hash != expectedHash)
        {
            throw new VerificationException("the returned transaction is not the one asked for");
        }

        var proof = Decode(json, "proof", TransactionProof.Decode);
        if (!proof.Verify(output, tx))
        {
            throw new VerificationException($"the transaction is not in the certified output at height {block.Height}");
        }

        var claimedIndex = Property(json, "index");
        if (claimedIndex.ValueKind != JsonValueKind.Number || !claimedIndex.TryGetInt32(out var index) || index != proof.Index)
        {
            throw new VerificationException($"height {block.Height}: the node places the transaction at {claimedIndex} in the output, its proof at {proof.Index}");
        }

        var opening = sealedTx is not null && json.TryGetProperty("opening", out var openingJson) && openingJson.ValueKind == JsonValueKind.String
            ? Base64(json, "opening")
            : [];
        return new VerifiedTransaction(tx, block.Height, proof.Index, VerifyNamespaceIndex(json, output, tx), block.Hash) { Sealed = sealedTx, Opening = opening };
    }

    /// <summary>
    /// Checks that <paramref name="plaintext"/> is what <paramref name="sealedTx"/> opens to under <paramref name="keySet"/>:
    /// the opening's shares are combined here and the result must pass the ciphertext's key check (or, failing that, each
    /// share is checked against its holder's verification key), so a node cannot
    /// pass off another plaintext (or a false "undecryptable") as this ciphertext's. A ciphertext that fails its check
    /// must have come out as the undecryptable entry.
    /// </summary>
    public static void VerifyOpening(Crypto.Threshold.ThresholdKeySet keySet, Transaction sealedTx, Transaction plaintext, ReadOnlySpan<byte> opening)
    {
        ArgumentNullException.ThrowIfNull(keySet);
        ArgumentNullException.ThrowIfNull(sealedTx);
        ArgumentNullException.ThrowIfNull(plaintext);
        var undecryptable = Core.Chain.UndecryptableEntry.Payload(sealedTx.Hash);
        var ciphertext = Crypto.Threshold.ThresholdCiphertext.TryDecode(sealedTx.Payload.Span);
        if (ciphertext is null || Crypto.Threshold.ThresholdEncryption.Check(keySet, ciphertext, Core.Chain.EncryptionLabel.Of(sealedTx.Namespace)) is not null)
        {
            if (!plaintext.Payload.Span.SequenceEqual(undecryptable))
            {
                throw new VerificationException("the ciphertext fails its check, yet the node serves a plaintext for it");
            }

            return;
        }

        Crypto.Threshold.DecryptionResult result;
        try
        {
            // A combination that passes the ciphertext's key check is the right key; otherwise each share is checked.
            var shares = Crypto.Threshold.DecryptionShare.DecodeList(opening, keySet.ShareCount);
            result = Crypto.Threshold.ThresholdEncryption.TryCombineUnchecked(keySet, ciphertext, shares)
                ?? Crypto.Threshold.ThresholdEncryption.Combine(keySet, ciphertext, shares);
        }
        catch (Exception e) when (e is EncodingException or InvalidOperationException or ArgumentException)
        {
            throw new VerificationException($"the node's opening of the ciphertext does not hold: {e.Message}", e);
        }

        var expected = result.Plaintext ?? undecryptable;
        if (!plaintext.Payload.Span.SequenceEqual(expected))
        {
            throw new VerificationException("the plaintext in the output is not what the ciphertext opens to");
        }
    }

    /// <summary>
    /// The output header of the response, checked: it is the output of <paramref name="block"/> and validators holding more
    /// than the faulty stake signed it. Proofs are then checked against it, never against anything the node merely claims.
    /// </summary>
    public OutputHeader VerifyOutput(JsonElement json, Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var header = Decode(json, "output_header", OutputHeader.Decode);
        if (Property(json, "output_certificate").ValueKind != JsonValueKind.String)
        {
            throw new VerificationException($"height {block.Height}: the output is not certified yet (no output_certificate)");
        }

        var certificate = Decode(json, "output_certificate", OutputCertificate.Decode);
        if (header.BlockHash != block.Hash || header.Height != block.Height)
        {
            throw new VerificationException($"height {block.Height}: the output header is for another block");
        }

        if (!trust.Epochs.At(block.Height).Outputs.Verify(header, certificate, out var reason))
        {
            throw new VerificationException($"height {block.Height}: the output header is not certified by the trusted validators: {reason}");
        }

        return header;
    }

    /// <summary>
    /// The transaction's position within its namespace at that height, proven by the namespace proof against the certified
    /// output, and refuses a node that claims another.
    /// </summary>
    private static int VerifyNamespaceIndex(JsonElement json, OutputHeader output, Transaction tx)
    {
        var proof = Decode(json, "namespace_proof", NamespaceProof.Decode);
        if (proof.ProvenHashes(output, tx.Namespace) is not { } hashes)
        {
            throw new VerificationException($"height {output.Height}: the namespace proof does not hold for namespace {tx.Namespace}");
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
                $"height {output.Height}: the node places the transaction at {claimed} in namespace {tx.Namespace}, its proof at {proven}");
        }

        return proven;
    }

    /// <summary>Decodes the header and QC of a response and checks the QC certifies the header on the trusted chain.</summary>
    public (Block Block, QuorumCertificate Qc) VerifyHeader(JsonElement json, ulong? expectedHeight)
    {
        var block = Decode(json, "header", Block.Decode);
        var qc = Decode(json, "qc", QuorumCertificate.Decode);
        var epoch = trust.Epochs.At(block.Height);
        if (!epoch.Headers.Verify(block, qc, out var reason))
        {
            throw new VerificationException($"the header is not certified by the trusted validators of epoch {epoch.Epoch}: {reason}");
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

    /// <summary>
    /// Follows the hand-over in a block response (<c>GET /v1/availability/block/{height}</c> of an epoch's last block):
    /// its header carries the change and its output is certified by the newest trusted epoch (see <see cref="TrustedEpochs.Adopt"/>).
    /// </summary>
    public TrustedEpoch AdoptEpoch(JsonElement json)
    {
        var block = Decode(json, "header", Block.Decode);
        if (Property(json, "output_certificate").ValueKind != JsonValueKind.String)
        {
            throw new VerificationException($"height {block.Height}: the output is not certified yet, so it cannot hand an epoch over");
        }

        return trust.Epochs.Adopt(block, Decode(json, "output_header", OutputHeader.Decode), Decode(json, "output_certificate", OutputCertificate.Decode));
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

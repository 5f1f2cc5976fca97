using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fairway.Client;
using Fairway.Core.Chain;
using Fairway.Core.Encoding;
using Fairway.Crypto.Threshold;

namespace Fairway.Api.Tests;

/// <summary>
/// The encrypted lane through the API and the SDK on a real one-validator node (its key generation runs at genesis):
/// a sealed round trip to a verified plaintext, and every kind of bad ciphertext refused with a clear 4xx and nothing kept.
/// </summary>
public sealed class EncryptedSubmitTests(SqliteNodeFixture node) : IClassFixture<SqliteNodeFixture>
{
    /// <summary>The demo encrypted namespace every generated network declares.</summary>
    private const ulong EncryptedNamespace = 3;

    [Fact]
    public async Task A_sealed_submission_comes_out_as_its_plaintext_with_a_proof_of_both()
    {
        Assert.Equal("encrypted", node.Trust.PolicyOf(EncryptedNamespace));
        using var client = node.Client();
        await WaitForKeyAsync(client);
        var plaintext = Encoding.UTF8.GetBytes($"liquidate 0xabc {Guid.NewGuid()}");

        var result = await client.SubmitEncryptedAsync(EncryptedNamespace, plaintext);

        Assert.True(result.Included);
        var firm = await client.WaitForAsync(result.Hash, Commitment.Firm, TimeSpan.FromSeconds(60));
        var verified = await client.GetTransactionAsync(result.Hash);
        Assert.Equal(plaintext, verified.Transaction.Payload.ToArray());
        Assert.Equal(result.Hash, verified.Sealed!.Hash);
        Assert.Equal(firm.Index, verified.Index);
        var ciphertext = Canonical.Decode(verified.Sealed.Payload.Span, ThresholdCiphertext.Decode, "ciphertext");
        Assert.Equal(EncryptionLabel.Of(EncryptedNamespace), ciphertext.Label.ToArray());
        var block = await client.GetNamespaceAsync(firm.Height!.Value, EncryptedNamespace);
        Assert.Contains(block.Transactions, t => t.Payload.Span.SequenceEqual(plaintext));
        Assert.DoesNotContain(block.Transactions, t => t.Hash == result.Hash);

        // GetTransactionAsync opened the ciphertext with the served shares. The same check catches a node that serves
        // another plaintext, another ciphertext's shares, or no shares at all.
        var keySet = await client.GetEncryptionKeyAsync();
        Assert.NotEmpty(verified.Opening);
        ResponseVerifier.VerifyOpening(keySet, verified.Sealed, verified.Transaction, verified.Opening);
        var other = await client.SubmitEncryptedAsync(EncryptedNamespace, "another order"u8.ToArray());
        await client.WaitForAsync(other.Hash, Commitment.Firm, TimeSpan.FromSeconds(60));
        var otherRead = await client.GetTransactionAsync(other.Hash);
        Assert.Throws<VerificationException>(() => ResponseVerifier.VerifyOpening(keySet, verified.Sealed, otherRead.Transaction, verified.Opening));
        Assert.Throws<VerificationException>(() => ResponseVerifier.VerifyOpening(keySet, verified.Sealed, verified.Transaction, otherRead.Opening));
        Assert.Throws<VerificationException>(() => ResponseVerifier.VerifyOpening(keySet, verified.Sealed, verified.Transaction, []));
        Assert.Throws<VerificationException>(() => ResponseVerifier.VerifyOpening(
            keySet, verified.Sealed, new Transaction(EncryptedNamespace, UndecryptableEntry.Payload(verified.Sealed.Hash)), verified.Opening));
    }

    [Fact]
    public async Task Bad_ciphertexts_are_refused_with_a_clear_error_and_nothing_is_kept()
    {
        using var client = node.Client();
        var keySet = await WaitForKeyAsync(client);
        var label = EncryptionLabel.Of(EncryptedNamespace);
        var good = ThresholdEncryption.Encrypt(keySet, label, "order"u8);
        var otherKey = new ThresholdKeySet(Core.Crypto.Hash.Compute("another chain"u8), keySet.Threshold, keySet.PublicKey, keySet.VerificationKeys);
        var mauledBody = good.Body.ToArray();
        mauledBody[0] ^= 1;

        var cases = new (string What, ulong Namespace, byte[] Payload, HttpStatusCode Status, string Code)[]
        {
            ("not a ciphertext", EncryptedNamespace, "plain text"u8.ToArray(), HttpStatusCode.BadRequest, "malformed_ciphertext"),
            ("trailing bytes", EncryptedNamespace, [.. Canonical.Encode(good), 0], HttpStatusCode.BadRequest, "malformed_ciphertext"),
            ("to another key set", EncryptedNamespace, Canonical.Encode(ThresholdEncryption.Encrypt(otherKey, label, "order"u8)), HttpStatusCode.BadRequest, "wrong_key_set"),
            ("replayed from namespace 1", EncryptedNamespace, Canonical.Encode(ThresholdEncryption.Encrypt(keySet, EncryptionLabel.Of(1), "order"u8)), HttpStatusCode.BadRequest, "wrong_label"),
            ("mauled", EncryptedNamespace, Canonical.Encode(new ThresholdCiphertext(good.KeySetId, label, good.U, good.UBar, mauledBody, good.Proof)), HttpStatusCode.BadRequest, "invalid_ciphertext"),
            ("oversized", EncryptedNamespace, Canonical.Encode(ThresholdEncryption.Encrypt(keySet, label, new byte[Limits.TransactionPayloadBytesMax])), HttpStatusCode.RequestEntityTooLarge, "payload_too_large"),
            ("to a namespace that is not encrypted", 1, Canonical.Encode(ThresholdEncryption.Encrypt(keySet, EncryptionLabel.Of(1), "order"u8)), HttpStatusCode.BadRequest, "not_encrypted_namespace"),
        };

        foreach (var (what, ns, payload, status, code) in cases)
        {
            using var response = await node.Http.PostAsJsonAsync(
                new Uri(node.BaseUrl, "/v1/submit/encrypted"), new { @namespace = ns, ciphertext = Convert.ToBase64String(payload) });
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode, $"{what}: {(int)response.StatusCode} {body}");
            Assert.True(body.Contains(code, StringComparison.Ordinal), $"{what}: {body}");
            if (payload.Length <= Limits.TransactionPayloadBytesMax)
            {
                Assert.Null(await client.GetStatusAsync(new Transaction(ns, payload).Hash));
            }
        }

        // Every other path into an encrypted namespace checks the same: the plain endpoint and the binary batch.
        using (var plain = await node.Http.PostAsJsonAsync(
            new Uri(node.BaseUrl, "/v1/submit"), new { @namespace = EncryptedNamespace, payload = Convert.ToBase64String("in the clear"u8.ToArray()) }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
            Assert.Contains("malformed_ciphertext", await plain.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var valid = Canonical.Encode(ThresholdEncryption.Encrypt(keySet, label, "fine"u8));
        var mixed = new (ulong, ReadOnlyMemory<byte>)[] { (EncryptedNamespace, valid), (EncryptedNamespace, "in the clear"u8.ToArray()) };
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.SubmitBatchAsync(mixed));
        Assert.Contains("malformed_ciphertext", refused.Message, StringComparison.Ordinal);
        Assert.Null(await client.GetStatusAsync(new Transaction(EncryptedNamespace, valid).Hash));

        // The field is named for what it holds.
        using var wrongField = await node.Http.PostAsJsonAsync(
            new Uri(node.BaseUrl, "/v1/submit/encrypted"), new { @namespace = EncryptedNamespace, payload = Convert.ToBase64String(valid) });
        Assert.Equal(HttpStatusCode.BadRequest, wrongField.StatusCode);
        Assert.Contains("unknown_field", await wrongField.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    internal static async Task<ThresholdKeySet> WaitForKeyAsync(FairwayClient client)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                return await client.GetEncryptionKeyAsync();
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}

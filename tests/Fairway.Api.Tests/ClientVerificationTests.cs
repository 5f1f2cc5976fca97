using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fairway.Client;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Output;
using Fairway.Core.Proofs;
using Fairway.Core.Validators;
using Fairway.Crypto;

namespace Fairway.Api.Tests;

/// <summary>A lying node: real responses, tampered in every way a client must catch, are refused by the SDK's verifier.</summary>
public sealed class ClientVerificationTests(SqliteNodeFixture node) : IClassFixture<SqliteNodeFixture>
{
    private const ulong Ns = 77;

    private async Task<(JsonObject Json, ulong Height)> RealNamespaceResponseAsync()
    {
        using var client = node.Client();
        var batch = Enumerable.Range(0, 30).Select(i => (Ns, (ReadOnlyMemory<byte>)System.Text.Encoding.UTF8.GetBytes($"tx-{i}-{Guid.NewGuid()}"))).ToList();
        var results = await client.SubmitBatchAsync(batch);
        var heights = new List<ulong>();
        foreach (var r in results)
        {
            heights.Add((await client.WaitForAsync(r.Accepted!.Value, Commitment.Firm, TimeSpan.FromSeconds(60))).Height!.Value);
        }

        // Thirty submissions arrive within a few ticks, so a handful of batches carry them: some block holds several.
        var height = heights.GroupBy(h => h).OrderByDescending(g => g.Count()).First().Key;
        var body = await node.Http.GetStringAsync(new Uri(node.BaseUrl, $"/v1/availability/block/{height}/namespace/{Ns}"));
        var json = JsonNode.Parse(body)!.AsObject();
        Assert.True(json["transactions"]!.AsArray().Count >= 2, "the test needs at least two transactions in one block");
        return (json, height);
    }

    private static JsonElement Element(JsonObject json) => JsonDocument.Parse(json.ToJsonString()).RootElement.Clone();

    [Fact]
    public async Task The_untampered_response_verifies()
    {
        var (json, height) = await RealNamespaceResponseAsync();

        var verified = new ResponseVerifier(node.Trust).VerifyNamespace(Element(json), Ns, height);

        Assert.Equal(json["transactions"]!.AsArray().Count, verified.Transactions.Count);
    }

    public static TheoryData<string> Tamperings => new()
    {
        "dropped", "reordered", "altered", "injected", "forged qc", "qc of another block", "other height", "no output certificate",
        "forged output certificate", "output of another block", "reordered output with its own header and proof",
    };

    [Theory]
    [MemberData(nameof(Tamperings))]
    public async Task A_tampered_namespace_response_is_refused(string tampering)
    {
        var (json, height) = await RealNamespaceResponseAsync();
        var txs = json["transactions"]!.AsArray();
        switch (tampering)
        {
            case "dropped":
                txs.RemoveAt(0);
                break;
            case "reordered":
                var first = txs[0]!.DeepClone();
                txs[0] = txs[1]!.DeepClone();
                txs[1] = first;
                break;
            case "altered":
                var payload = System.Text.Encoding.UTF8.GetBytes("altered");
                txs[0] = new JsonObject { ["hash"] = new Transaction(Ns, payload).Hash.ToHex(), ["payload"] = Convert.ToBase64String(payload) };
                break;
            case "injected":
                var extra = System.Text.Encoding.UTF8.GetBytes("injected");
                txs.Add(new JsonObject { ["hash"] = new Transaction(Ns, extra).Hash.ToHex(), ["payload"] = Convert.ToBase64String(extra) });
                break;
            case "forged qc":
                var qcBytes = Convert.FromBase64String(json["qc"]!.GetValue<string>());
                qcBytes[^5] ^= 0x40;
                json["qc"] = Convert.ToBase64String(qcBytes);
                break;
            case "qc of another block":
                var otherHeight = height > 1 ? height - 1 : height + 1;
                while (await node.Http.GetFromJsonAsync<ulong>(new Uri(node.BaseUrl, "/v1/node/block-height")) < otherHeight)
                {
                    await Task.Delay(20);
                }

                var other = await node.Http.GetStringAsync(new Uri(node.BaseUrl, $"/v1/availability/header/{otherHeight}"));
                json["qc"] = JsonNode.Parse(other)!["qc"]!.GetValue<string>();
                break;
            case "other height":
                height += 1;
                break;
            case "no output certificate":
                json["output_certificate"] = null;
                break;
            case "forged output certificate":
                var certificate = Convert.FromBase64String(json["output_certificate"]!.GetValue<string>());
                certificate[^7] ^= 0x10;
                json["output_certificate"] = Convert.ToBase64String(certificate);
                break;
            case "output of another block":
                var otherBlock = height > 1 ? height - 1 : height + 1;
                while (await node.Http.GetFromJsonAsync<ulong>(new Uri(node.BaseUrl, "/v1/node/block-height")) < otherBlock)
                {
                    await Task.Delay(20);
                }

                var another = JsonNode.Parse(await node.Http.GetStringAsync(new Uri(node.BaseUrl, $"/v1/availability/header/{otherBlock}")))!;
                json["output_header"] = another["output_header"]!.GetValue<string>();
                json["output_certificate"] = another["output_certificate"]!.GetValue<string>();
                break;
            case "reordered output with its own header and proof":
                // A node that reorders the namespace and serves a self-consistent output for it: only the validators'
                // certificate can tell, and it certifies the real output header.
                var real = Canonical.Decode(Convert.FromBase64String(json["output_header"]!.GetValue<string>()), OutputHeader.Decode, "output header");
                var reordered = txs.Select(t => new Transaction(Ns, Convert.FromBase64String(t!["payload"]!.GetValue<string>()))).Reverse().ToList();
                var forged = OutputHeader.Over(real.ChainId, real.Height, real.BlockHash, real.PreviousOutputHash, reordered);
                var output = new BlockOutput(forged, reordered, [.. reordered.Select((_, i) => new OutputSource(0, i))]);
                json["output_header"] = Convert.ToBase64String(Canonical.Encode(forged));
                json["proof"] = Convert.ToBase64String(Canonical.Encode(new OutputProofBuilder(output).ForNamespace(Ns)));
                json["transactions"] = new JsonArray([.. reordered.Select(t => (JsonNode)new JsonObject { ["hash"] = t.Hash.ToHex(), ["payload"] = Convert.ToBase64String(t.Payload.Span) })]);
                break;
        }

        Assert.Throws<VerificationException>(() => new ResponseVerifier(node.Trust).VerifyNamespace(Element(json), Ns, height));
    }

    [Fact]
    public async Task A_header_from_another_chain_is_refused()
    {
        var (json, height) = await RealNamespaceResponseAsync();
        var otherChain = node.Trust with { ChainId = Hash.Compute("another chain"u8) };

        Assert.Throws<VerificationException>(() => new ResponseVerifier(otherChain).VerifyNamespace(Element(json), Ns, height));
    }

    [Fact]
    public async Task A_header_certified_by_validators_the_client_does_not_trust_is_refused()
    {
        var (json, height) = await RealNamespaceResponseAsync();
        var stranger = Ed25519Signer.FromSeedPhrase("a stranger");
        var strangers = node.Trust with { Validators = new ValidatorSet([new Validator("stranger", stranger.PublicKey, 1)]) };

        Assert.Throws<VerificationException>(() => new ResponseVerifier(strangers).VerifyNamespace(Element(json), Ns, height));
    }

    [Fact]
    public async Task A_tampered_transaction_proof_is_refused()
    {
        using var client = node.Client();
        var receipt = await client.SubmitAsync(Ns, "lonely"u8.ToArray());
        await client.WaitForAsync(receipt.Hash, Commitment.Firm, TimeSpan.FromSeconds(60));
        var body = await node.Http.GetStringAsync(new Uri(node.BaseUrl, $"/v1/availability/transaction/hash/{receipt.Hash.ToHex()}"));
        var json = JsonNode.Parse(body)!.AsObject();
        Assert.NotNull(new ResponseVerifier(node.Trust).VerifyTransaction(Element(json), receipt.Hash));

        var proof = Convert.FromBase64String(json["proof"]!.GetValue<string>());
        proof[^3] ^= 0x01;
        json["proof"] = Convert.ToBase64String(proof);

        Assert.Throws<VerificationException>(() => new ResponseVerifier(node.Trust).VerifyTransaction(Element(json), receipt.Hash));
    }

    /// <summary>A real transaction answer for the second of several transactions of <see cref="Ns"/> in one block.</summary>
    private async Task<(JsonObject Json, Hash Hash)> RealSecondTransactionAsync()
    {
        var (block, _) = await RealNamespaceResponseAsync();
        var hash = Hash.ParseHex(block["transactions"]!.AsArray()[1]!["hash"]!.GetValue<string>());
        var body = await node.Http.GetStringAsync(new Uri(node.BaseUrl, $"/v1/availability/transaction/hash/{hash.ToHex()}"));
        return (JsonNode.Parse(body)!.AsObject(), hash);
    }

    [Fact]
    public async Task A_transaction_is_placed_where_the_verified_namespace_answer_has_it()
    {
        var (json, hash) = await RealSecondTransactionAsync();

        var verified = new ResponseVerifier(node.Trust).VerifyTransaction(Element(json), hash);

        // Second in the namespace answer fetched (and verified) separately, so second here.
        Assert.Equal(1, verified.NamespaceIndex);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(-1)]
    public async Task A_transaction_answer_with_a_wrong_index_is_refused(int lie)
    {
        var (json, hash) = await RealSecondTransactionAsync();
        json["index"] = lie;
        json["namespace_index"] = lie;

        Assert.Throws<VerificationException>(() => new ResponseVerifier(node.Trust).VerifyTransaction(Element(json), hash));
    }

    [Fact]
    public async Task A_transaction_answer_with_a_wrong_block_wide_index_is_refused()
    {
        var (json, hash) = await RealSecondTransactionAsync();
        Assert.Equal(json["index"]!.GetValue<int>(), new ResponseVerifier(node.Trust).VerifyTransaction(Element(json), hash).Index);
        json["index"] = json["index"]!.GetValue<int>() + 1;

        Assert.Throws<VerificationException>(() => new ResponseVerifier(node.Trust).VerifyTransaction(Element(json), hash));
    }

    [Fact]
    public async Task A_transaction_answer_with_another_namespaces_proof_is_refused()
    {
        var (json, hash) = await RealSecondTransactionAsync();
        var height = json["height"]!.GetValue<ulong>();
        var other = await node.Http.GetStringAsync(new Uri(node.BaseUrl, $"/v1/availability/block/{height}/namespace/{Ns + 1}"));
        json["namespace_proof"] = JsonNode.Parse(other)!["proof"]!.GetValue<string>();

        Assert.Throws<VerificationException>(() => new ResponseVerifier(node.Trust).VerifyTransaction(Element(json), hash));
    }
}

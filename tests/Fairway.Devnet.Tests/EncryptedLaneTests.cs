using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fairway.Client;

namespace Fairway.Devnet.Tests;

/// <summary>
/// The encrypted lane on real processes. Three of four validators withhold their decryption shares (a test-only
/// setting), so a committed encrypted block is held below the threshold: its plaintext must then be nowhere, in no
/// validator's files and no API answer. Then one withholding validator is killed for good and the other two restart
/// honest, mid-decryption: the others' shares complete the decryption, and the plaintext comes out firm, at one
/// position every validator agrees on, provable to the SDK together with the ciphertext that was submitted.
/// </summary>
[Collection("processes")]
public class EncryptedLaneTests
{
    private const ulong EncryptedNamespace = 3;

    [Fact]
    public async Task A_sealed_transaction_is_unreadable_until_its_block_commits_and_decrypts_without_a_killed_validator()
    {
        await using var cluster = new TestCluster { AllowTestSettings = true };
        foreach (var i in new[] { 1, 2, 3 })
        {
            cluster.SetConfig(i, "test_withhold_shares", true);
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await StartWithKeyAsync(cluster, http);

        using var client = new FairwayClient(new Uri(cluster.Nodes[0].ApiUrl), TrustedChain.FromGenesisFile(Path.Combine(cluster.Directory, "genesis.json")));
        var secret = Encoding.UTF8.GetBytes($"sealed-order-{Guid.NewGuid():N}");
        var submitted = await client.SubmitEncryptedAsync(EncryptedNamespace, secret);
        Assert.True(submitted.Included, string.Join("; ", submitted.Failures.Select(f => $"{f.Key}: {f.Value}")));

        // Its block is certified by consensus, then held: one share (validator 0's) is below the threshold of two.
        await TestCluster.WaitUntilAsync(
            async () => (await client.GetStatusAsync(submitted.Hash))?.Level == Commitment.Soft, "the ciphertext's block certified");
        var soft = (await client.GetStatusAsync(submitted.Hash))!;
        var round = await cluster.MetricAsync(0, "fairway_consensus_round") ?? 0;
        await TestCluster.WaitUntilAsync(
            async () => await cluster.MetricAsync(0, "fairway_consensus_round") >= round + 5, "consensus going on past the held block");
        Assert.True(await cluster.MetricAsync(0, "fairway_committed_height") < soft.Height, "validator 0 applied the encrypted block without a threshold of shares");
        Assert.NotEqual(Commitment.Firm, (await client.GetStatusAsync(submitted.Hash))!.Level);
        for (var i = 0; i < 4; i++)
        {
            Assert.False(FilesHold(Path.Combine(cluster.Directory, cluster.Nodes[i].Name), secret), $"validator {i} stored the plaintext before decryption");
            using var found = await http.GetAsync(new Uri($"{cluster.Nodes[i].ApiUrl}/v1/availability/transaction/hash/{submitted.Hash.ToHex()}"));
            Assert.Equal(System.Net.HttpStatusCode.NotFound, found.StatusCode);
        }

        // Mid-decryption: validator 3 dies for good, validators 1 and 2 restart without withholding.
        cluster.Kill(3);
        foreach (var i in new[] { 1, 2 })
        {
            cluster.Kill(i);
            cluster.SetConfig(i, "test_withhold_shares", false);
            cluster.Start(i);
        }

        var firm = await client.WaitForAsync(submitted.Hash, Commitment.Firm, TestCluster.Deadline);
        var verified = await client.GetTransactionAsync(submitted.Hash);
        Assert.Equal(secret, verified.Transaction.Payload.ToArray());
        Assert.Equal(submitted.Hash, verified.Sealed!.Hash);
        Assert.Equal(EncryptedNamespace, verified.Transaction.Namespace);
        Assert.Equal(firm.Height, verified.Height);
        Assert.Equal(firm.Index, verified.Index);

        // Every live validator reveals the same output: the plaintext sits where the sealed ordering put the ciphertext.
        await cluster.WaitForHeightAsync([0, 1, 2], verified.Height);
        var headers = await Task.WhenAll(new[] { 0, 1, 2 }.Select(i => cluster.BlockAsync(i, verified.Height)));
        Assert.All(headers, h => Assert.Equal(headers[0]!.Value.GetProperty("output_hash").GetString(), h!.Value.GetProperty("output_hash").GetString()));
        var inNamespace = await client.GetNamespaceAsync(verified.Height, EncryptedNamespace);
        Assert.Equal(secret, inNamespace.Transactions[verified.NamespaceIndex].Payload.ToArray());

        // The scan above can see a plaintext: now that it is output, validator 0's files hold it.
        Assert.True(FilesHold(Path.Combine(cluster.Directory, cluster.Nodes[0].Name), secret), "the plaintext is not in validator 0's files after decryption");
        Assert.Contains("fairway_ciphertexts_decided_total", await cluster.MetricsAsync(0), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_validator_sending_wrong_shares_is_caught_and_decryption_completes_without_it()
    {
        // Validator 3 lies; 1 and 2 withhold, so validator 0 must check 3's shares: its own alone is below the threshold.
        await using var cluster = new TestCluster { AllowTestSettings = true };
        cluster.SetConfig(3, "test_corrupt_shares", true);
        cluster.SetConfig(1, "test_withhold_shares", true);
        cluster.SetConfig(2, "test_withhold_shares", true);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await StartWithKeyAsync(cluster, http);
        using var client = new FairwayClient(new Uri(cluster.Nodes[0].ApiUrl), TrustedChain.FromGenesisFile(Path.Combine(cluster.Directory, "genesis.json")));
        var plaintext = Encoding.UTF8.GetBytes($"order {Guid.NewGuid():N}");
        var submitted = await client.SubmitEncryptedAsync(EncryptedNamespace, plaintext);

        await TestCluster.WaitUntilAsync(async () => (await BadShareEvidenceAsync(http, cluster, 0)).Count > 0, "bad-decryption-share evidence at validator 0");
        Assert.All(await BadShareEvidenceAsync(http, cluster, 0), e => Assert.Equal(3, e.GetProperty("validator").GetInt32()));
        Assert.NotEqual(Commitment.Firm, (await client.GetStatusAsync(submitted.Hash))?.Level);

        // Validator 1 comes back honest: 0 and 1 open it between them; the liar's shares were never used.
        cluster.Kill(1);
        cluster.SetConfig(1, "test_withhold_shares", false);
        cluster.Start(1);
        await client.WaitForAsync(submitted.Hash, Commitment.Firm, TestCluster.Deadline);
        Assert.Equal(plaintext, (await client.GetTransactionAsync(submitted.Hash)).Transaction.Payload.ToArray());
        Assert.Empty(await BadShareEvidenceAsync(http, cluster, 3));
    }

    private static async Task<List<JsonElement>> BadShareEvidenceAsync(HttpClient http, TestCluster cluster, int i)
    {
        var body = await http.GetFromJsonAsync<JsonElement>(new Uri(cluster.Nodes[i].ApiUrl + "/v1/evidence"));
        return [.. body.GetProperty("evidence").EnumerateArray().Where(e => e.GetProperty("kind").GetString() == "bad-decryption-share").Select(e => e.Clone())];
    }

    /// <summary>True when any file under <paramref name="directory"/> (logs and the lock file aside) holds the bytes; files replaced meanwhile are skipped.</summary>
    private static bool FilesHold(string directory, byte[] needle) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".log", StringComparison.Ordinal) && !f.EndsWith(".lock", StringComparison.Ordinal))
            .Any(f =>
            {
                try
                {
                    return File.ReadAllBytes(f).AsSpan().IndexOf(needle) >= 0;
                }
                catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
                {
                    return false;
                }
            });

    /// <summary>Starts every validator and waits until each serves the key generated at genesis.</summary>
    internal static async Task StartWithKeyAsync(TestCluster cluster, HttpClient http)
    {
        cluster.StartAll();
        await TestCluster.WaitUntilAsync(
            async () => (await Task.WhenAll(Enumerable.Range(0, 4).Select(i => KeyStateAsync(http, cluster, i)))).All(s => s == "ready"),
            "every validator's encryption key ready");
    }

    private static async Task<string?> KeyStateAsync(HttpClient http, TestCluster cluster, int i)
    {
        try
        {
            var view = await http.GetFromJsonAsync<JsonElement>(new Uri(cluster.Nodes[i].ApiUrl + "/v1/node/encryption-key"));
            return view.GetProperty("state").GetString();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }
}

using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace Fairway.Devnet.Tests;

/// <summary>
/// Censorship evidence on real validator processes. Validator 3 runs the test-only censor for the fair namespace: it
/// gives a user a signed receipt and drops the transaction. The user reports the receipt to validator 0; validator 3's
/// next committed lists leave the transaction out, so validator 0 turns receipt and list into evidence, and sends it to
/// the others, which check it and keep it too; a leader then puts it in a block, which every validator commits.
/// </summary>
[Collection("processes")]
public class CensorshipEvidenceTests(ITestOutputHelper output)
{
    private const ulong FairNamespace = 2;
    private const int Censor = 3;
    private static readonly int[] All = [0, 1, 2, 3];

    [Fact]
    public async Task A_receipt_the_signer_then_leaves_out_of_its_lists_becomes_evidence_every_validator_holds()
    {
        await using var cluster = new TestCluster();
        cluster.SetConfig(Censor, "test_censor_namespace", FairNamespace);
        cluster.AllowTestSettings = true;
        cluster.StartAll();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await cluster.WaitForHeightAsync(All, 3);

        using var submitted = await http.PostAsJsonAsync(
            new Uri(cluster.Nodes[Censor].ApiUrl + "/v1/submit"),
            new { @namespace = FairNamespace, payload = Convert.ToBase64String(Encoding.UTF8.GetBytes($"censored {Guid.NewGuid():N}")) });
        var body = await submitted.Content.ReadAsStringAsync();
        Assert.True(submitted.IsSuccessStatusCode, body);
        using var receipt = JsonDocument.Parse(body);
        var hash = receipt.RootElement.GetProperty("hash").GetString()!;
        var signed = receipt.RootElement.GetProperty("receipt");
        Assert.Equal(Censor, signed.GetProperty("validator").GetInt32());

        using var reported = await http.PostAsJsonAsync(
            new Uri(cluster.Nodes[0].ApiUrl + "/v1/evidence/receipts"),
            new { transaction = hash, receipts = new[] { signed } });
        Assert.Equal(System.Net.HttpStatusCode.Accepted, reported.StatusCode);

        foreach (var node in new[] { 0, 1, 2 })
        {
            JsonElement? found = null;
            await TestCluster.WaitUntilAsync(async () =>
            {
                found = await CensorshipRecordAsync(http, cluster, node);
                return found is not null;
            }, $"censorship evidence against validator {Censor} at validator {node}");
            var record = found!.Value;
            Assert.Equal(Censor, record.GetProperty("validator").GetInt32());
            Assert.StartsWith(hash, record.GetProperty("first").GetString(), StringComparison.Ordinal);
            output.WriteLine($"validator {node}: censorship by {Censor} in round {record.GetProperty("round")}, height {record.GetProperty("height")}");
        }

        // A leader carries the evidence in a block: every validator, the censor too, commits it.
        foreach (var node in All)
        {
            await TestCluster.WaitUntilAsync(
                async () => await cluster.MetricAsync(node, "fairway_evidence_carried_total") >= 1,
                $"a committed block carrying the evidence at validator {node}");
        }

        // The transaction never reached a batch: the censor dropped it, and it is nowhere in the chain.
        using var status = await http.GetAsync(new Uri($"{cluster.Nodes[0].ApiUrl}/v1/status/tx/{hash}"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, status.StatusCode);
        Assert.True(await cluster.MetricAsync(1, "fairway_evidence_total") >= 1);
    }

    private static async Task<JsonElement?> CensorshipRecordAsync(HttpClient http, TestCluster cluster, int node)
    {
        try
        {
            using var page = JsonDocument.Parse(await http.GetStringAsync(new Uri($"{cluster.Nodes[node].ApiUrl}/v1/evidence")));
            return page.RootElement.GetProperty("evidence").EnumerateArray()
                .Where(e => e.GetProperty("kind").GetString() == "censorship")
                .Select(e => (JsonElement?)e.Clone())
                .FirstOrDefault();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}

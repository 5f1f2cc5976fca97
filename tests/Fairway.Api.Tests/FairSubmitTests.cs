using Fairway.Client;

namespace Fairway.Api.Tests;

/// <summary>A fair namespace through the API and the SDK on a real node: fan-out submit, the included level, a verified read.</summary>
public sealed class FairSubmitTests(SqliteNodeFixture node) : IClassFixture<SqliteNodeFixture>
{
    /// <summary>The demo fair namespace every generated network declares.</summary>
    private const ulong FairNamespace = 2;

    [Fact]
    public async Task A_fan_out_submit_holds_receipts_of_more_than_the_faulty_stake_and_the_transaction_becomes_firm_in_its_fair_namespace()
    {
        Assert.Equal("fair", node.Trust.PolicyOf(FairNamespace));
        using var client = node.Client();
        var payload = System.Text.Encoding.UTF8.GetBytes($"fair {Guid.NewGuid()}");

        var result = await client.SubmitAsync(FairNamespace, payload, stake: null);

        Assert.True(result.Included);
        Assert.Empty(result.Failures);
        Assert.Equal([0], result.Receipts.Select(r => r.Validator));
        var firm = await client.WaitForAsync(result.Hash, Commitment.Firm, TimeSpan.FromSeconds(60));
        var block = await client.GetNamespaceAsync(firm.Height!.Value, FairNamespace);
        Assert.Contains(block.Transactions, t => t.Hash == result.Hash);
    }

    [Fact]
    public async Task A_validator_that_does_not_answer_is_reported_and_the_result_is_not_included_without_enough_stake()
    {
        // The genesis API URL of the only validator points nowhere: no receipt, so nothing vouches for the transaction.
        var nowhere = node.Trust with { ApiUrls = new Dictionary<int, Uri> { [0] = new("http://127.0.0.1:9") } };
        using var client = new FairwayClient(node.BaseUrl, nowhere);

        var result = await client.SubmitAsync(FairNamespace, "unheard"u8.ToArray(), stake: null);

        Assert.False(result.Included);
        Assert.Empty(result.Receipts);
        Assert.Contains(0, result.Failures.Keys);
    }

    [Fact]
    public async Task The_evidence_endpoint_pages_what_was_found_and_refuses_a_bad_query()
    {
        // One honest validator finds nothing to report; the page is empty and says where to resume.
        using var page = System.Text.Json.JsonDocument.Parse(await node.Http.GetStringAsync(new Uri(node.BaseUrl, "/v1/evidence?from=0&limit=10")));
        Assert.Equal(0, page.RootElement.GetProperty("evidence").GetArrayLength());
        Assert.Equal(0, page.RootElement.GetProperty("next").GetInt64());

        foreach (var bad in new[] { "/v1/evidence?from=-1", "/v1/evidence?limit=0", "/v1/evidence?limit=1001", "/v1/evidence?from=x" })
        {
            using var response = await node.Http.GetAsync(new Uri(node.BaseUrl, bad));
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("bad_query", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Reported_receipts_are_watched_and_bad_reports_are_refused()
    {
        using var client = node.Client();
        var result = await client.SubmitAsync(FairNamespace, System.Text.Encoding.UTF8.GetBytes($"watched {Guid.NewGuid()}"), stake: null);
        Assert.Equal(1, await client.ReportReceiptsAsync(result.Hash, result.Receipts));

        // The one validator lists what it received: once the transaction is firm, no censorship was found.
        await client.WaitForAsync(result.Hash, Commitment.Firm, TimeSpan.FromSeconds(60));
        using var page = System.Text.Json.JsonDocument.Parse(await node.Http.GetStringAsync(new Uri(node.BaseUrl, "/v1/evidence")));
        Assert.DoesNotContain(page.RootElement.GetProperty("evidence").EnumerateArray(), e => e.GetProperty("kind").GetString() == "censorship");

        var receipt = result.Receipts[0];
        var signature = receipt.Signature.ToHex();
        var forged = (signature[0] == '0' ? "1" : "0") + signature[1..];
        foreach (var (body, expected) in new (string, string)[]
        {
            ("{}", "bad_transaction"),
            ($$"""{"transaction":"{{result.Hash.ToHex()}}","receipts":[]}""", "bad_receipts"),
            ($$"""{"transaction":"{{result.Hash.ToHex()}}","receipts":[{"validator":0}]}""", "bad_receipts"),
            ($$"""{"transaction":"{{result.Hash.ToHex()}}","receipts":[{"validator":0,"received_at_ms":{{receipt.ReceivedAtMs}},"signature":"{{forged}}"}]}""", "does not verify"),
            ($$"""{"transaction":"{{result.Hash.ToHex()}}","receipts":[{"validator":7,"received_at_ms":1,"signature":"{{signature}}"}]}""", "does not verify"),
            ("[1]", "bad_transaction"),
        })
        {
            using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
            using var response = await node.Http.PostAsync(new Uri(node.BaseUrl, "/v1/evidence/receipts"), content);
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }
}

using System.Net;
using System.Text.Json;
using Fairway.Client;

namespace Fairway.Api.Tests;

/// <summary><c>/v1/availability/block/{height}/fair</c>: a fair block's candidate lists and who listed each included transaction.</summary>
public sealed class FairBlockEndpointTests(SqliteNodeFixture node) : IClassFixture<SqliteNodeFixture>
{
    /// <summary>The demo fair namespace every generated network declares.</summary>
    private const ulong FairNamespace = 2;

    [Fact]
    public async Task A_firm_fair_transaction_is_shown_listed_by_more_than_the_faulty_stake()
    {
        using var client = node.Client();
        var result = await client.SubmitAsync(FairNamespace, System.Text.Encoding.UTF8.GetBytes($"listed {Guid.NewGuid()}"), stake: null);
        var firm = await client.WaitForAsync(result.Hash, Commitment.Firm, TimeSpan.FromSeconds(60));

        using var body = JsonDocument.Parse(await node.Http.GetStringAsync(new Uri(node.BaseUrl, $"/v1/availability/block/{firm.Height}/fair")));
        var root = body.RootElement;
        Assert.Equal(firm.Height, root.GetProperty("height").GetUInt64());
        Assert.NotEqual(0, root.GetProperty("lists").GetArrayLength());
        var tx = root.GetProperty("transactions").EnumerateArray().Single(t => t.GetProperty("hash").GetString() == result.Hash.ToHex());
        Assert.Equal(FairNamespace, tx.GetProperty("namespace").GetUInt64());
        Assert.Equal(firm.Index, tx.GetProperty("index").GetInt32());
        Assert.True(tx.GetProperty("listed_stake").GetUInt64() >= root.GetProperty("inclusion_stake").GetUInt64());
        Assert.All(tx.GetProperty("listed_by").EnumerateArray(), l => Assert.True(l.GetProperty("received_at_ms").GetUInt64() > 0));
    }

    [Theory]
    [InlineData("0", HttpStatusCode.BadRequest)]
    [InlineData("abc", HttpStatusCode.BadRequest)]
    [InlineData("999999999", HttpStatusCode.NotFound)]
    public async Task A_bad_or_unknown_height_is_refused(string height, HttpStatusCode expected)
    {
        using var response = await node.Http.GetAsync(new Uri(node.BaseUrl, $"/v1/availability/block/{height}/fair"));
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_describes_it()
    {
        using var body = JsonDocument.Parse(await node.Http.GetStringAsync(new Uri(node.BaseUrl, "/v1/openapi.json")));
        Assert.True(body.RootElement.GetProperty("paths").TryGetProperty("/v1/availability/block/{height}/fair", out _));
        Assert.True(body.RootElement.GetProperty("components").GetProperty("schemas").TryGetProperty("FairBlock", out _));
    }
}

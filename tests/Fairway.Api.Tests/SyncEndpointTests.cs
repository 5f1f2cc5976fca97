using System.Net;
using System.Text;
using System.Text.Json;
using Fairway.Client;
using Fairway.Core.Encoding;
using Fairway.Storage;

namespace Fairway.Api.Tests;

/// <summary><c>GET /v1/sync/block/{height}</c>, what full nodes read: a firm height whole, and nothing a reader must trust.</summary>
public sealed class SyncEndpointTests(SqliteNodeFixture node) : IClassFixture<SqliteNodeFixture>
{
    [Fact]
    public async Task A_firm_height_comes_whole_and_any_change_to_its_batches_is_caught_on_decoding()
    {
        using var client = node.Client();
        var payload = Encoding.UTF8.GetBytes($"synced {Guid.NewGuid():N}");
        var receipt = await client.SubmitAsync(7, payload);
        var firm = await client.WaitForAsync(receipt.Hash, Commitment.Firm, TimeSpan.FromSeconds(60));

        using var response = await node.Http.GetAsync(new Uri(node.BaseUrl, $"/v1/sync/block/{firm.Height}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(FirmBlock.ContentType, response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var decoded = FirmBlock.Decode(bytes);
        Assert.Equal(firm.Height, decoded.Committed.Height);
        Assert.NotNull(decoded.Committed.OutputCertificate);
        Assert.Contains(decoded.Committed.Transactions, t => t.Hash == receipt.Hash);
        using (var block = JsonDocument.Parse(await node.Http.GetStringAsync(new Uri(node.BaseUrl, $"/v1/availability/block/{firm.Height}"))))
        {
            Assert.Equal(block.RootElement.GetProperty("hash").GetString(), decoded.Committed.Block.Hash.ToHex());
        }

        // The last bytes are the last batch's last payload: changed, the batch is no longer the one the block names.
        var tampered = (byte[])bytes.Clone();
        tampered[^1] ^= 0x01;
        var refused = Assert.Throws<InvalidDataException>(() => FirmBlock.Decode(tampered));
        Assert.Contains("not the one the block names", refused.Message, StringComparison.Ordinal);
        Assert.Throws<EncodingException>(() => FirmBlock.Decode(bytes.AsSpan(0, bytes.Length - 1)));
    }

    [Theory]
    [InlineData("/v1/sync/block/0", HttpStatusCode.BadRequest, "bad_height")]
    [InlineData("/v1/sync/block/x", HttpStatusCode.BadRequest, "bad_height")]
    [InlineData("/v1/sync/block/1?wait_ms=10001", HttpStatusCode.BadRequest, "bad_wait")]
    [InlineData("/v1/sync/block/99999999?wait_ms=50", HttpStatusCode.NotFound, "not_firm_yet")]
    public async Task Bad_or_early_requests_get_a_clear_answer(string path, HttpStatusCode status, string code)
    {
        using var response = await node.Http.GetAsync(new Uri(node.BaseUrl, path));

        Assert.Equal(status, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(code, json.RootElement.GetProperty("error").GetProperty("code").GetString());
    }
}

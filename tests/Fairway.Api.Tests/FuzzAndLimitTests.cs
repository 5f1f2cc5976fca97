using System.Net;
using System.Text;

namespace Fairway.Api.Tests;

/// <summary>Random and mutated requests never make the node fail, and a client over its rate gets 429s.</summary>
public sealed class FuzzAndLimitTests(SqliteNodeFixture node) : IClassFixture<SqliteNodeFixture>
{
    private static readonly string[] Paths =
    [
        "/v1/submit", "/v1/submit/batch", "/v1/submit/encrypted", "/v1/submit/bundle", "/v1/status/tx/{h}", "/v1/availability/header/{n}", "/v1/availability/block/{n}",
        "/v1/availability/block/{n}/namespace/{n}", "/v1/availability/block/{n}/{n}/namespace/{n}", "/v1/availability/transaction/hash/{h}",
        "/v1/node/block-height", "/v1/node/validators", "/v1/status/metrics", "/v1/openapi.json", "/v1/stream/blocks/{n}",
    ];

    private static readonly string[] Bodies =
    [
        "{\"namespace\": 1, \"payload\": \"aGVsbG8=\"}", "[{\"namespace\": 2, \"payload\": \"\"}]", "{}", "[]", "null", "\"x\"",
        "{\"namespace\": 18446744073709551615, \"payload\": \"QQ==\"}", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        "{\"legs\": [{\"namespace\": 1, \"payload\": \"aGk=\"}, {\"namespace\": 2, \"payload\": \"aGk=\"}]}",
    ];

    [Fact]
    public async Task Random_and_mutated_requests_never_break_the_node_and_it_still_commits()
    {
        var random = new Random(20261122);
        var serverErrors = new List<string>();
        for (var i = 0; i < 1500; i++)
        {
            var path = Mutate(random, Paths[random.Next(Paths.Length)].Replace("{n}", Number(random), StringComparison.Ordinal).Replace("{h}", HexLike(random), StringComparison.Ordinal));
            using var request = new HttpRequestMessage(random.Next(3) == 0 ? HttpMethod.Get : HttpMethod.Post, new Uri(node.BaseUrl, path));
            if (request.Method == HttpMethod.Post)
            {
                request.Content = new StringContent(Mutate(random, Bodies[random.Next(Bodies.Length)]), Encoding.UTF8, random.Next(5) == 0 ? "text/plain" : "application/json");
            }

            using var response = await node.Http.SendAsync(request);
            if ((int)response.StatusCode >= 500)
            {
                serverErrors.Add($"{request.Method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }

        Assert.Empty(serverErrors);
        using var client = node.Client();
        var receipt = await client.SubmitAsync(7, Encoding.UTF8.GetBytes("after the storm " + Guid.NewGuid()));
        await client.WaitForAsync(receipt.Hash, Fairway.Client.Commitment.Firm, TimeSpan.FromSeconds(60));
    }

    private static string Number(Random random) => random.Next(6) switch
    {
        0 => "0",
        1 => "-1",
        2 => "18446744073709551616",
        3 => random.Next(1, 5).ToString(System.Globalization.CultureInfo.InvariantCulture),
        4 => "1e3",
        _ => random.NextInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string HexLike(Random random)
    {
        var bytes = new byte[random.Next(0, 40)];
        random.NextBytes(bytes);
        return Convert.ToHexString(bytes);
    }

    private static string Mutate(Random random, string text)
    {
        if (text.Length == 0 || random.Next(3) > 0)
        {
            return text;
        }

        var chars = text.ToCharArray();
        for (var k = random.Next(1, 4); k > 0; k--)
        {
            const string noise = "{}[]\":,0aZ%/\\\u00e9";
            chars[random.Next(chars.Length)] = noise[random.Next(noise.Length)];
        }

        return new string(chars);
    }
}

/// <summary>A node that allows a client 20 requests per second (burst 40).</summary>
public sealed class RateLimitedNodeFixture : NodeFixture
{
    protected override int RequestsPerSecond => 20;

    protected override System.Text.Json.Nodes.JsonObject? QueryConfig() => null;
}

public sealed class RateLimitTests(RateLimitedNodeFixture node) : IClassFixture<RateLimitedNodeFixture>
{
    [Fact]
    public async Task A_client_above_its_rate_gets_429_with_a_json_error()
    {
        // The fixture allows 20 requests/s with a burst of 40: 300 at once must overflow it.
        var responses = await Task.WhenAll(Enumerable.Range(0, 300).Select(_ => node.Http.GetAsync(new Uri(node.BaseUrl, "/v1/node/block-height"))));
        try
        {
            var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
            Assert.NotEmpty(limited);
            await ApiContract<SqliteNodeFixture>.AssertErrorAsync(limited[0], 429);
            Assert.Equal(TimeSpan.FromSeconds(ApiError.RetryAfterSeconds), limited[0].Headers.RetryAfter?.Delta);
        }
        finally
        {
            foreach (var r in responses)
            {
                r.Dispose();
            }
        }
    }

}

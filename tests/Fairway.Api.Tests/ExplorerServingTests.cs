using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Fairway.Api.Tests;

/// <summary>The explorer's files as a node serves them: from the binary, with their types, a strict CSP and nothing loaded from elsewhere.</summary>
public sealed partial class ExplorerServingTests(SqliteNodeFixture node) : IClassFixture<SqliteNodeFixture>
{
    /// <summary>The explorer's embedded files by name, as the API assembly carries them.</summary>
    private static IReadOnlyList<string> AssetNames { get; } = typeof(ApiEndpoints).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith("explorer/", StringComparison.Ordinal)).Select(n => n["explorer/".Length..]).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task The_index_is_served_at_the_root_with_a_strict_content_security_policy()
    {
        using var response = await node.Http.GetAsync(new Uri(node.BaseUrl, "/"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<script type=\"module\" src=\"/explorer/app.js\"></script>", html, StringComparison.Ordinal);

        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.StartsWith("default-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains($"ws://{node.BaseUrl.Authority}", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Every_asset_is_served_with_its_content_type_and_an_etag_that_answers_304()
    {
        Assert.Contains("index.html", AssetNames);
        Assert.Contains("app.js", AssetNames);
        Assert.Contains("proof.js", AssetNames);
        Assert.Contains("explorer.css", AssetNames);
        var expected = new Dictionary<string, string> { [".html"] = "text/html", [".js"] = "text/javascript", [".css"] = "text/css", [".svg"] = "image/svg+xml" };
        foreach (var name in AssetNames)
        {
            using var response = await node.Http.GetAsync(new Uri(node.BaseUrl, "/explorer/" + name));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(expected[Path.GetExtension(name)], response.Content.Headers.ContentType?.MediaType);
            var etag = response.Headers.ETag;
            Assert.NotNull(etag);

            using var again = new HttpRequestMessage(HttpMethod.Get, new Uri(node.BaseUrl, "/explorer/" + name));
            again.Headers.IfNoneMatch.Add(etag);
            using var cached = await node.Http.SendAsync(again);
            Assert.Equal(HttpStatusCode.NotModified, cached.StatusCode);
        }
    }

    [Theory]
    [InlineData("/explorer/nope.js")]
    [InlineData("/explorer/..%2Fgenesis.json")]
    [InlineData("/explorer/mev-lab/report.json")]
    public async Task An_unknown_file_is_a_json_404(string path)
    {
        using var response = await node.Http.GetAsync(new Uri(node.BaseUrl, path));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("not_found", body.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task No_asset_loads_anything_from_another_origin()
    {
        foreach (var name in AssetNames)
        {
            var text = await node.Http.GetStringAsync(new Uri(node.BaseUrl, "/explorer/" + name));
            // The SVG namespace is a name in markup and in createElementNS, never fetched.
            var urls = ExternalUrl().Matches(text).Select(m => m.Value).Where(u => u != "http://www.w3.org/2000/svg").ToList();
            Assert.True(urls.Count == 0, $"{name} names {string.Join(", ", urls)}");
            Assert.DoesNotContain("//cdn", text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Every_module_import_names_a_served_file()
    {
        foreach (var name in AssetNames.Where(n => n.EndsWith(".js", StringComparison.Ordinal)))
        {
            var text = await node.Http.GetStringAsync(new Uri(node.BaseUrl, "/explorer/" + name));
            foreach (Match import in ImportPath().Matches(text))
            {
                Assert.Contains(import.Groups[1].Value, AssetNames);
            }
        }
    }

    [Fact]
    public async Task The_page_learns_what_this_node_has_without_404s()
    {
        using var body = JsonDocument.Parse(await node.Http.GetStringAsync(new Uri(node.BaseUrl, "/explorer/node.json")));
        Assert.False(body.RootElement.GetProperty("settlement").GetBoolean());
        Assert.False(body.RootElement.GetProperty("mev_lab").GetBoolean());
    }

    [Fact]
    public void The_policy_names_the_websocket_origin_only_for_a_well_formed_host()
    {
        Assert.Contains("ws://127.0.0.1:27100 wss://127.0.0.1:27100", Explorer.ExplorerEndpoints.ContentSecurityPolicy("127.0.0.1:27100"), StringComparison.Ordinal);
        Assert.DoesNotContain("ws://", Explorer.ExplorerEndpoints.ContentSecurityPolicy("evil.example; script-src *"), StringComparison.Ordinal);
        Assert.DoesNotContain("ws://", Explorer.ExplorerEndpoints.ContentSecurityPolicy(null), StringComparison.Ordinal);
    }

    [GeneratedRegex("https?://[^\\s\"'`)<>]+")]
    private static partial Regex ExternalUrl();

    [GeneratedRegex("from \"\\./([a-z]+\\.js)\"")]
    private static partial Regex ImportPath();
}

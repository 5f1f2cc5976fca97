using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Fairway.Api.Tests;

/// <summary>Requests a person gets slightly wrong (method, fields, JSON, content type, body) are answered with what was wrong, in the JSON error shape.</summary>
public sealed class CarelessRequestTests(SqliteNodeFixture node) : IClassFixture<SqliteNodeFixture>
{
    [Theory]
    [InlineData("GET", "/v1/submit", "POST")]
    [InlineData("PUT", "/v1/submit/batch", "POST")]
    [InlineData("POST", "/v1/node/block-height", "GET")]
    [InlineData("DELETE", "/v1/availability/block/1", "GET")]
    [InlineData("POST", "/v1/status/tx/0000000000000000000000000000000000000000000000000000000000000000", "GET")]
    [InlineData("POST", "/v1/openapi.json", "GET")]
    public async Task A_wrong_method_on_an_existing_route_gets_405_with_allow_and_a_json_error(string method, string path, string allowed)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(node.BaseUrl, path));
        if (method is "POST" or "PUT")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        using var response = await node.Http.SendAsync(request);

        var (code, message) = await ErrorAsync(response, 405);
        Assert.Equal("method_not_allowed", code);
        Assert.Equal([allowed], response.Content.Headers.Allow);
        Assert.Equal($"{method} is not allowed here; use {allowed}", message);
    }

    [Fact]
    public async Task An_unknown_route_is_still_404_whatever_the_method()
    {
        using var get = await node.Http.GetAsync(new Uri(node.BaseUrl, "/v1/no/such/thing"));
        using var post = await node.Http.PostAsync(new Uri(node.BaseUrl, "/v1/no/such/thing"), new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(("not_found", "no such endpoint"), await ErrorAsync(get, 404));
        Assert.Equal(("not_found", "no such endpoint"), await ErrorAsync(post, 404));
    }

    [Theory]
    [InlineData("{\"payload\": \"aGk=\"}", "namespace")]
    [InlineData("{\"namespace\": 1}", "payload")]
    [InlineData("{}", "namespace")]
    public async Task A_submit_missing_a_field_names_it(string body, string field)
    {
        using var response = await PostAsync("/v1/submit", body, "application/json");

        Assert.Equal(("missing_field", $"missing field: {field}"), await ErrorAsync(response, 400));
    }

    [Fact]
    public async Task A_batch_entry_missing_a_field_names_it_and_the_others_still_go_in()
    {
        using var response = await PostAsync("/v1/submit/batch", $"[{{\"namespace\": 5}}, {{\"namespace\": 5, \"payload\": \"{Convert.ToBase64String(Guid.NewGuid().ToByteArray())}\"}}]", "application/json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement[0].GetProperty("error");
        Assert.Equal("missing_field", error.GetProperty("code").GetString());
        Assert.Equal("missing field: payload", error.GetProperty("message").GetString());
        Assert.Equal(64, json.RootElement[1].GetProperty("hash").GetString()!.Length);
    }

    [Theory]
    [InlineData("/v1/submit", "{\"namespace\": 1,", "malformed JSON at line 1, position 16")]
    [InlineData("/v1/submit", "{\"namespace\": 1,\n \"payload\": aGk=}", "malformed JSON at line 2, position 13")]
    [InlineData("/v1/submit", "{'namespace': 1}", "malformed JSON at line 1, position 2")]
    [InlineData("/v1/submit/batch", "[{\"namespace\": 1, \"payload\": \"\"},]", "malformed JSON at line 1, position 34")]
    public async Task Malformed_json_gets_a_short_message_with_where_not_the_parser_text(string path, string body, string message)
    {
        using var response = await PostAsync(path, body, "application/json");

        Assert.Equal(("malformed_json", message), await ErrorAsync(response, 400));
    }

    [Fact]
    public async Task Json_nested_too_deep_is_refused_without_the_parser_text()
    {
        using var response = await PostAsync("/v1/submit/batch", new string('[', 40) + new string(']', 40), "application/json");

        var (code, message) = await ErrorAsync(response, 400);
        Assert.Equal("malformed_json", code);
        Assert.StartsWith("malformed JSON at line 1, position ", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/submit", "text/plain", "this endpoint does not take that Content-Type: send Content-Type: application/json")]
    [InlineData("/v1/submit", null, "no Content-Type header: send Content-Type: application/json")]
    [InlineData("/v1/submit/batch", "application/x-www-form-urlencoded", "this endpoint does not take that Content-Type: send Content-Type: application/json or application/vnd.fairway.batch")]
    public async Task A_wrong_or_missing_content_type_gets_415_saying_what_to_send(string path, string? contentType, string message)
    {
        using var response = await PostAsync(path, "{\"namespace\": 1, \"payload\": \"aGk=\"}", contentType);

        Assert.Equal(("unsupported_media_type", message), await ErrorAsync(response, 415));
    }

    [Theory]
    [InlineData("/v1/submit", false)]
    [InlineData("/v1/submit", true)]
    [InlineData("/v1/submit/batch", false)]
    [InlineData("/v1/submit/batch", true)]
    public async Task An_empty_body_gets_400_empty_body(string path, bool chunked)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(node.BaseUrl, path)) { Content = new ByteArrayContent([]) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (chunked)
        {
            request.Headers.TransferEncodingChunked = true;
        }
        else
        {
            request.Content.Headers.ContentLength = 0;
        }

        using var response = await node.Http.SendAsync(request);

        Assert.Equal(("empty_body", "the request body is empty"), await ErrorAsync(response, 400));
    }

    [Fact]
    public async Task A_chunked_json_body_is_still_read_whole_after_the_empty_check()
    {
        var payload = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(node.BaseUrl, "/v1/submit"))
        {
            Content = new StringContent($"{{\"namespace\": 6, \"payload\": \"{payload}\"}}", Encoding.UTF8, "application/json"),
        };
        request.Headers.TransferEncodingChunked = true;

        using var response = await node.Http.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(new Core.Chain.Transaction(6, Convert.FromBase64String(payload)).Hash.ToHex(), json.RootElement.GetProperty("hash").GetString());
    }

    [Fact]
    public async Task The_openapi_document_describes_these_answers()
    {
        using var json = JsonDocument.Parse(await node.Http.GetStringAsync(new Uri(node.BaseUrl, "/v1/openapi.json")));
        var paths = json.RootElement.GetProperty("paths");

        var submit = paths.GetProperty("/v1/submit").GetProperty("post").GetProperty("responses");
        foreach (var status in new[] { "400", "405", "413", "415", "429" })
        {
            Assert.True(submit.TryGetProperty(status, out _), status);
        }

        var badRequest = submit.GetProperty("400").GetProperty("description").GetString()!;
        foreach (var code in new[] { "malformed_json", "empty_body", "missing_field" })
        {
            Assert.Contains(code, badRequest, StringComparison.Ordinal);
        }

        Assert.Contains("Allow", paths.GetProperty("/v1/node/block-height").GetProperty("get").GetProperty("responses").GetProperty("405").GetProperty("description").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_with_broken_chunked_framing_gets_a_plain_400_not_the_server_text()
    {
        // HttpClient cannot send broken framing, so this one is written by hand on a socket.
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(node.BaseUrl.Host, node.BaseUrl.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /v1/submit HTTP/1.1\r\nHost: {node.BaseUrl.Authority}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZ\r\n{{}}\r\n"));

        using var reader = new StreamReader(stream, Encoding.ASCII);
        var answer = await reader.ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 400 ", answer, StringComparison.Ordinal);
        // The answer may itself be chunked: the JSON is the one object in it.
        using var json = JsonDocument.Parse(answer[answer.IndexOf('{', StringComparison.Ordinal)..(answer.LastIndexOf('}') + 1)]);
        Assert.Equal("bad_request", json.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("the request body could not be read: its framing is malformed or it ended early", json.RootElement.GetProperty("error").GetProperty("message").GetString());
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string body, string? contentType)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = contentType is null ? null : new MediaTypeHeaderValue(contentType);
        using (content)
        {
            return await node.Http.PostAsync(new Uri(node.BaseUrl, path), content);
        }
    }

    private static async Task<(string Code, string Message)> ErrorAsync(HttpResponseMessage response, int status)
    {
        await ApiContract<SqliteNodeFixture>.AssertErrorAsync(response, status);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty("error");
        return (error.GetProperty("code").GetString()!, error.GetProperty("message").GetString()!);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fairway.Core.Encoding;
using Fairway.Node.Hosting;
using Fairway.Node.Setup;

namespace Fairway.Api.Tests;

/// <summary>
/// Admission control on a real validator: one of four, started alone, can order nothing (no quorum), so the batches it
/// cuts pile up; once they pass <c>admission_backlog_transactions_max</c> it refuses new work quickly, on every submit
/// form, without reading the body, and says why; its metrics count the refusals by bound. (The wait bound does not
/// fire here: it counts only while the chain commits, since refusing does not end a stall.)
/// </summary>
public sealed class AdmissionTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fairway-admission-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private Microsoft.AspNetCore.Builder.WebApplication? _app;
    private Uri _baseUrl = new("http://127.0.0.1");

    public async Task InitializeAsync()
    {
        var node = NetworkGenerator.Generate(_directory, 4, FreePorts.BaseFor(4)).Nodes[0];
        var config = JsonNode.Parse(await File.ReadAllTextAsync(node.ConfigPath))!.AsObject();
        config["admission_backlog_transactions_max"] = 3;
        await File.WriteAllTextAsync(node.ConfigPath, config.ToJsonString());
        _app = NodeHost.Build(node.ConfigPath);
        await _app.StartAsync();
        _baseUrl = new Uri(node.ApiUrl);
    }

    [Fact]
    public async Task A_validator_whose_backlog_is_full_refuses_new_submissions_quickly_and_says_why()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        HttpResponseMessage? refused = null;
        for (var i = 0; refused is null; i++)
        {
            var response = await _http.PostAsJsonAsync(new Uri(_baseUrl, "/v1/submit"), new { @namespace = 1, payload = Convert.ToBase64String(Encoding.UTF8.GetBytes($"admission {i}")) }, deadline.Token);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
                break;
            }

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
            await Task.Delay(20, deadline.Token);
        }

        using (refused)
        {
            Assert.Equal("1", refused.Headers.GetValues("Retry-After").Single());
            using var json = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(deadline.Token));
            Assert.Equal("busy", json.RootElement.GetProperty("error").GetProperty("code").GetString());
            Assert.Contains("retry later", json.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        // Refused before the body is read: a binary batch that is not even well formed gets the same quick answer.
        // (While a leader round of its own has taken the backlog into a proposal it takes work again, and the garbage is
        // then refused as malformed: it is sent until the busy answer comes, within the deadline.)
        HttpStatusCode status;
        do
        {
            using var garbage = new ByteArrayContent([1, 2, 3]);
            garbage.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(SubmitBatchFormat.RequestContentType);
            using var batch = await _http.PostAsync(new Uri(_baseUrl, "/v1/submit/batch"), garbage, deadline.Token);
            status = batch.StatusCode;
            Assert.True(status is HttpStatusCode.TooManyRequests or HttpStatusCode.BadRequest, $"answered {status}");
            if (status == HttpStatusCode.BadRequest)
            {
                await _http.PostAsJsonAsync(new Uri(_baseUrl, "/v1/submit"), new { @namespace = 1, payload = Convert.ToBase64String(Encoding.UTF8.GetBytes(Guid.NewGuid().ToString())) }, deadline.Token);
            }
        }
        while (status != HttpStatusCode.TooManyRequests);

        var metrics = await _http.GetStringAsync(new Uri(_baseUrl, "/v1/status/metrics"), deadline.Token);
        Assert.Matches("fairway_admission_refused_total\\{reason=\"backlog\"\\} [1-9]", metrics);
        Assert.DoesNotContain("reason=\"waiting\"", metrics, StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _http.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

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
/// The free-space reserve on a real validator: with <c>disk_reserve_bytes</c> at its 1 TiB maximum, any ordinary disk
/// is below it, so the node is "disk low" from its first probe. It must refuse every submit form with 503 <c>disk_full</c>
/// before reading the body, say where and by how much, show it in its metrics, and keep committing (it holds all the
/// stake, so it orders alone). The real fill and recovery on a tmpfs are in the devnet's DiskFullTests.
/// </summary>
public sealed class DiskReserveTests : IAsyncLifetime
{
    private const long ReserveBytes = 1L << 40;

    private readonly string _directory = Directory.CreateTempSubdirectory("fairway-disk-reserve-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private Microsoft.AspNetCore.Builder.WebApplication? _app;
    private Uri _baseUrl = new("http://127.0.0.1");
    private string _dataDir = "";

    public async Task InitializeAsync()
    {
        var node = NetworkGenerator.Generate(_directory, 1, FreePorts.BaseFor(1)).Nodes[0];
        var config = JsonNode.Parse(await File.ReadAllTextAsync(node.ConfigPath))!.AsObject();
        config["disk_reserve_bytes"] = ReserveBytes;
        await File.WriteAllTextAsync(node.ConfigPath, config.ToJsonString());
        _dataDir = Node.Config.ConfigLoader.LoadNodeConfig(node.ConfigPath, new Dictionary<string, string?>()).DataDir;
        _app = NodeHost.Build(node.ConfigPath);
        await _app.StartAsync();
        _baseUrl = new Uri(node.ApiUrl);
    }

    [Fact]
    public async Task A_validator_below_its_disk_reserve_refuses_submissions_with_503_unread_and_keeps_committing()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using (var refused = await _http.PostAsJsonAsync(new Uri(_baseUrl, "/v1/submit"), new { @namespace = 1, payload = Convert.ToBase64String(Encoding.UTF8.GetBytes("disk low")) }, deadline.Token))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            using var json = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(deadline.Token));
            var error = json.RootElement.GetProperty("error");
            Assert.Equal("disk_full", error.GetProperty("code").GetString());
            var message = error.GetProperty("message").GetString()!;
            Assert.Contains(_dataDir, message, StringComparison.Ordinal);
            Assert.Contains($"reserve of {ReserveBytes} bytes", message, StringComparison.Ordinal);
            Assert.Matches("[0-9]+ bytes free", message);
        }

        // Refused before the body is read: bodies that would otherwise be 400 (malformed) get the same answer.
        foreach (var (path, contentType) in new[]
        {
            ("/v1/submit/batch", SubmitBatchFormat.RequestContentType),
            ("/v1/submit/batch", "application/json"),
            ("/v1/submit/bundle", "application/json"),
            ("/v1/submit/encrypted", "application/json"),
        })
        {
            using var garbage = new ByteArrayContent([1, 2, 3]);
            garbage.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
            using var response = await _http.PostAsync(new Uri(_baseUrl, path), garbage, deadline.Token);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("\"disk_full\"", await response.Content.ReadAsStringAsync(deadline.Token), StringComparison.Ordinal);
        }

        // Consensus goes on on the reserve: the chain keeps growing.
        var height = await HeightAsync(deadline.Token);
        while (await HeightAsync(deadline.Token) < height + 2)
        {
            await Task.Delay(50, deadline.Token);
        }

        var metrics = await _http.GetStringAsync(new Uri(_baseUrl, "/v1/status/metrics"), deadline.Token);
        Assert.Contains("\nfairway_disk_low 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains($"\nfairway_disk_reserve_bytes {ReserveBytes}\n", metrics, StringComparison.Ordinal);
        Assert.Matches("\nfairway_disk_free_bytes [1-9][0-9]*\n", metrics);
        Assert.Matches("fairway_admission_refused_total\\{reason=\"disk_full\"\\} [5-9]", metrics);
        var (exit, output) = await Promtool.CheckMetricsAsync(metrics);
        Assert.True(exit == 0, output);
    }

    private async Task<ulong> HeightAsync(CancellationToken ct) =>
        await _http.GetFromJsonAsync<ulong>(new Uri(_baseUrl, "/v1/node/block-height"), ct);

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

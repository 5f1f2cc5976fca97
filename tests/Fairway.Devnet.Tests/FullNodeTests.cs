using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Fairway.Client;
using Fairway.Core.Crypto;
using Fairway.Core.Output;
using Fairway.Node.Setup;
using Fairway.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Fairway.Devnet.Tests;

/// <summary>
/// A full node on real processes: it follows four validators, first through a source that serves heights with a forged
/// output certificate (refused, counted, and the next source taken), then from the validators; rollups read verified
/// transactions and streams from it; it refuses writes; it carries on when the validator it reads from is killed; and a
/// restart resumes from its own store.
/// </summary>
[Collection("processes")]
public sealed class FullNodeTests : IAsyncLifetime
{
    private const ulong Namespace = 1;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private Process? _full;
    private WebApplication? _forger;

    [Fact]
    public async Task A_full_node_serves_what_the_validators_certified_refuses_forgeries_and_writes_and_outlives_its_source()
    {
        await using var cluster = new TestCluster();
        cluster.StartAll();
        var forgerUrl = await StartForgerAsync(new Uri(cluster.Nodes[0].ApiUrl));
        // Until validator 0 serves a firm height the forger can only pass its errors on, and the full node would move past
        // the forger without ever being handed a forgery.
        await TestCluster.WaitUntilAsync(async () => await cluster.MetricAsync(0, "fairway_certified_height") >= 1, "validator 0 certifying its first height");
        var apiPort = FreePorts.BaseFor(1) + NetworkGenerator.ApiPortOffset;
        var fullUrl = $"http://127.0.0.1:{apiPort}";
        var dir = Path.Combine(cluster.Directory, "full0");
        Directory.CreateDirectory(dir);
        var configPath = Path.Combine(dir, "config.json");
        await File.WriteAllTextAsync(configPath, new JsonObject
        {
            ["role"] = "full",
            ["genesis_file"] = "../genesis.json",
            ["data_dir"] = "data",
            ["api_listen"] = fullUrl,
            ["follow"] = new JsonArray(forgerUrl, cluster.Nodes[0].ApiUrl, cluster.Nodes[1].ApiUrl),
        }.ToJsonString());
        StartFull(configPath, Path.Combine(dir, "node.log"));

        var trust = TrustedChain.FromGenesisFile(Path.Combine(cluster.Directory, "genesis.json"));
        using var validator = new FairwayClient(new Uri(cluster.Nodes[1].ApiUrl), trust);
        using var full = new FairwayClient(new Uri(fullUrl), trust);
        await TestCluster.WaitUntilAsync(async () => await FullHeightAsync(fullUrl) >= 3, "the full node indexing its first heights");

        // The forger was asked first and refused: counted as an error, and nothing it served was indexed.
        var metrics = await _http.GetStringAsync(new Uri($"{fullUrl}/v1/status/metrics"));
        Assert.Matches("fairway_full_node_follow_errors_total [1-9]", metrics);
        Assert.Contains("not certified", File.ReadAllText(Path.Combine(dir, "node.log")), StringComparison.Ordinal);
        var checkedHeight = await FullHeightAsync(fullUrl);
        await cluster.WaitForHeightAsync([0], checkedHeight);
        for (var h = 1UL; h <= checkedHeight; h++)
        {
            Assert.Equal(await cluster.BlockHashAsync(0, h), await BlockHashAsync(fullUrl, h));
        }

        // A rollup reads a transaction with its proof, and a namespace stream, from the full node.
        var payload = Encoding.UTF8.GetBytes($"read me from a full node {Guid.NewGuid():N}");
        var receipt = await validator.SubmitAsync(Namespace, payload);
        await TestCluster.WaitUntilAsync(async () => (await full.GetStatusAsync(receipt.Hash))?.Level == Commitment.Firm, "the transaction firm on the full node");
        var read = await full.GetTransactionAsync(receipt.Hash);
        Assert.Equal(payload, read.Transaction.Payload.ToArray());
        using (var streaming = new CancellationTokenSource(TestCluster.Deadline))
        {
            await foreach (var block in full.StreamNamespaceAsync(read.Height, Namespace, streaming.Token))
            {
                Assert.Contains(block.Transactions, t => t.Hash == receipt.Hash);
                break;
            }
        }

        // Writes go to validators.
        using (var post = await _http.PostAsync(new Uri($"{fullUrl}/v1/submit"), new StringContent("{\"namespace\":1,\"payload\":\"aGk=\"}", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
            Assert.Contains("not_a_validator", await post.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // The validator it reads from dies: it goes on from another.
        cluster.Kill(0);
        var second = await validator.SubmitAsync(Namespace, Encoding.UTF8.GetBytes($"after the source died {Guid.NewGuid():N}"));
        await TestCluster.WaitUntilAsync(async () => (await full.GetStatusAsync(second.Hash))?.Level == Commitment.Firm, "a transaction firm on the full node after its source was killed");

        // Restarted, it resumes from its own store rather than from height 1.
        var before = await FullHeightAsync(fullUrl);
        StopFull();
        StartFull(configPath, Path.Combine(dir, "node.log"));
        await TestCluster.WaitUntilAsync(async () => await FullHeightAsync(fullUrl) > before, "the restarted full node advancing");
        var resumedAt = System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(Path.Combine(dir, "node.log")), "full node starting at indexed height ([0-9]+)")[^1].Groups[1].Value;
        Assert.True(ulong.Parse(resumedAt, System.Globalization.CultureInfo.InvariantCulture) >= before, $"resumed at {resumedAt}, had indexed {before}");
        Assert.Equal(payload, (await full.GetTransactionAsync(receipt.Hash)).Transaction.Payload.ToArray());
    }

    /// <summary>A source that serves each height as the validator has it, but with one signature of the output certificate changed.</summary>
    private async Task<string> StartForgerAsync(Uri validator)
    {
        var port = FreePorts.BaseFor(1) + NetworkGenerator.ApiPortOffset;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        _forger = builder.Build();
        _forger.MapGet("/v1/sync/block/{height}", async (string height, HttpContext context) =>
        {
            using var upstream = await _http.GetAsync(new Uri(validator, $"/v1/sync/block/{height}?wait_ms=5000"));
            if (!upstream.IsSuccessStatusCode)
            {
                context.Response.StatusCode = (int)upstream.StatusCode;
                await context.Response.WriteAsync(await upstream.Content.ReadAsStringAsync());
                return;
            }

            var firm = FirmBlock.Decode(await upstream.Content.ReadAsByteArrayAsync());
            var certificate = firm.Committed.OutputCertificate!;
            var forged = certificate.Signatures[0].Signature.ToArray();
            forged[0] ^= 0xFF;
            var signatures = certificate.Signatures.Select((s, i) => i == 0 ? s with { Signature = new Signature(forged) } : s).ToList();
            var tampered = firm with { Committed = firm.Committed with { OutputCertificate = new OutputCertificate(certificate.Height, certificate.HeaderHash, signatures) } };
            context.Response.ContentType = FirmBlock.ContentType;
            await context.Response.Body.WriteAsync(tampered.Encode());
        });
        await _forger.StartAsync();
        return $"http://127.0.0.1:{port}";
    }

    private void StartFull(string configPath, string log)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec dotnet \"$0\" node --config \"$1\" >>\"$2\" 2>&1");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "fairway.dll"));
        start.ArgumentList.Add(configPath);
        start.ArgumentList.Add(log);
        _full = Process.Start(start) ?? throw new InvalidOperationException("could not start the full node");
    }

    private void StopFull()
    {
        if (_full is { } p)
        {
            p.Kill();
            p.WaitForExit();
            p.Dispose();
            _full = null;
        }
    }

    private async Task<ulong> FullHeightAsync(string url)
    {
        try
        {
            return ulong.Parse(await _http.GetStringAsync(new Uri($"{url}/v1/node/block-height")), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    private async Task<string?> BlockHashAsync(string url, ulong height)
    {
        using var json = System.Text.Json.JsonDocument.Parse(await _http.GetStringAsync(new Uri($"{url}/v1/availability/block/{height}")));
        return json.RootElement.GetProperty("hash").GetString();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        StopFull();
        if (_forger is not null)
        {
            await _forger.DisposeAsync();
        }

        _http.Dispose();
    }
}

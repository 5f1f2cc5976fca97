using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Fairway.Client;
using Fairway.Node.Hosting;
using Fairway.Node.Setup;
using Microsoft.AspNetCore.Builder;

namespace Fairway.Api.Tests;

/// <summary>
/// A real one-validator chain served by the real HTTP stack on loopback (Kestrel, not a test server), with its query
/// index on SQLite or on a real PostgreSQL server. One validator holds all the stake, so it commits on its own.
/// </summary>
public abstract class NodeFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("fairway-api-").FullName;

    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1");

    public TrustedChain Trust { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    protected virtual int RequestsPerSecond => 2_000;

    protected virtual ulong StreamLagHeightsMax => 100_000;

    /// <summary>The <c>query</c> section of the config, or null for the embedded SQLite default.</summary>
    protected abstract JsonObject? QueryConfig();

    public async Task InitializeAsync()
    {
        var node = NetworkGenerator.Generate(Directory, 1, FreePorts.BaseFor(1)).Nodes[0];
        var config = JsonNode.Parse(await File.ReadAllTextAsync(node.ConfigPath))!.AsObject();
        config["api_requests_per_second"] = RequestsPerSecond;
        config["stream_lag_heights_max"] = StreamLagHeightsMax;
        if (QueryConfig() is { } query)
        {
            config["query"] = query;
        }

        await File.WriteAllTextAsync(node.ConfigPath, config.ToJsonString());
        _app = NodeHost.Build(node.ConfigPath);
        await _app.StartAsync();
        BaseUrl = new Uri(node.ApiUrl);
        Trust = TrustedChain.FromGenesisFile(Path.Combine(Directory, "genesis.json"));
    }

    public FairwayClient Client() => new(BaseUrl, Trust);

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Http.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }


}

public sealed class SqliteNodeFixture : NodeFixture
{
    protected override JsonObject? QueryConfig() => null;
}

public sealed class PostgresNodeFixture : NodeFixture
{
    protected override JsonObject? QueryConfig()
    {
        var connection = Environment.GetEnvironmentVariable("FAIRWAY_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(connection))
        {
            throw new InvalidOperationException(
                "FAIRWAY_TEST_POSTGRES is not set: the API contract suite must run against a real PostgreSQL. Run ./scripts/test, which starts one.");
        }

        return new JsonObject { ["postgres"] = connection, ["schema"] = "api_" + Guid.NewGuid().ToString("N")[..12] };
    }
}

using Fairway.Node.Hosting;
using Fairway.Node.Setup;
using Microsoft.AspNetCore.Builder;

namespace Fairway.Cli.Tests;

/// <summary>
/// Validator 0 of a freshly generated network, served in this process on loopback by the real node host. With a
/// one-validator network it commits on its own; as one of four it receives transactions but can never certify a block.
/// </summary>
internal sealed class LocalValidator : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalValidator(string directory, WebApplication app, Uri apiUrl)
    {
        Directory = directory;
        _app = app;
        ApiUrl = apiUrl;
    }

    public string Directory { get; }

    public Uri ApiUrl { get; }

    /// <param name="configure">Changes to the validator's config.json before it starts.</param>
    public static async Task<LocalValidator> StartAsync(int validators, Action<System.Text.Json.Nodes.JsonObject>? configure = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("fairway-cli-").FullName;
        var node = NetworkGenerator.Generate(directory, validators, FreePorts.BaseFor(validators)).Nodes[0];
        if (configure is not null)
        {
            var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(node.ConfigPath))!.AsObject();
            configure(config);
            File.WriteAllText(node.ConfigPath, config.ToJsonString());
        }

        var app = NodeHost.Build(node.ConfigPath);
        await app.StartAsync();
        return new LocalValidator(directory, app, new Uri(node.ApiUrl));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }


}

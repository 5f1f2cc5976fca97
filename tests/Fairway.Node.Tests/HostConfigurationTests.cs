using Fairway.Node.Hosting;
using Fairway.Node.Setup;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Fairway.Node.Tests;

public class HostConfigurationTests
{
    /// <summary>
    /// A reloading file source keeps a recursive watcher on its directory; under a node's own disk writes that watcher
    /// burned about a tenth of the benchmark machine's CPU. The host must read no file from the working directory and
    /// watch none.
    /// </summary>
    [Fact]
    public async Task The_node_host_watches_no_configuration_file_and_reads_none_from_the_working_directory()
    {
        var dir = Directory.CreateTempSubdirectory("fairway-host-config-").FullName;
        try
        {
            var node = NetworkGenerator.Generate(dir, 1, P2pBindRaceTests.FreeBasePort()).Nodes[0];
            var app = NodeHost.Build(node.ConfigPath);
            await using (app)
            {
                var root = (IConfigurationRoot)app.Configuration;
                var files = root.Providers.OfType<FileConfigurationProvider>().ToList();
                Assert.All(files, f => Assert.False(f.Source.ReloadOnChange, $"{f.Source.Path} is watched for changes"));
                var contentRoot = Path.TrimEndingDirectorySeparator(app.Environment.ContentRootPath);
                Assert.Equal(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory), contentRoot);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

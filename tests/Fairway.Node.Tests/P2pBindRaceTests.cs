using System.Net;
using System.Net.Sockets;
using Fairway.Node.Hosting;
using Fairway.Node.Runtime;
using Fairway.Node.Setup;
using Microsoft.Extensions.DependencyInjection;

namespace Fairway.Node.Tests;

public class P2pBindRaceTests
{
    /// <summary>
    /// The port is taken after NodeHost.Build's check and before the transport binds, the window a real race hits; the
    /// host must stop by itself and leave the one-line reason for the command to print.
    /// </summary>
    [Fact]
    public async Task A_p2p_port_taken_after_the_startup_check_stops_the_node_with_a_p2p_listen_reason()
    {
        var dir = Directory.CreateTempSubdirectory("fairway-p2p-race-").FullName;
        try
        {
            var node = NetworkGenerator.Generate(dir, 1, FreeBasePort()).Nodes[0];
            var app = NodeHost.Build(node.ConfigPath);
            await using (app)
            {
                // Resolved before running: RunAsync disposes the app's services when it returns.
                var validator = app.Services.GetRequiredService<ValidatorNode>();
                var p2p = IPEndPoint.Parse(node.P2p);
                using var thief = new TcpListener(p2p);
                thief.Start();

                // RunAsync returns only once the host has stopped; the bound keeps a regression from hanging the run.
                await app.RunAsync().WaitAsync(TimeSpan.FromSeconds(30));

                var failure = validator.StartupFailure;
                Assert.NotNull(failure);
                Assert.Contains("address already in use", failure.Message, StringComparison.Ordinal);
                Assert.Contains("config p2p_listen", failure.Message, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    internal static int FreeBasePort() => FreePorts.BaseFor(1);
}

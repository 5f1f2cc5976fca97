using System.CommandLine;
using Fairway.Node.Config;
using Fairway.Node.Hosting;

namespace Fairway.Cli.Commands;

/// <summary><c>fairway node --config FILE</c>: runs one validator until SIGINT or SIGTERM.</summary>
internal static class NodeCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "the validator's config file", Required = true };
        var command = new Command("node", "run one validator") { config };
        command.SetAction(async (result, ct) =>
        {
            Microsoft.AspNetCore.Builder.WebApplication app;
            try
            {
                app = NodeHost.Build(result.GetValue(config)!);
            }
            catch (Exception e) when (e is ConfigException or IOException or UnauthorizedAccessException or ArgumentException or FormatException)
            {
                Console.Error.WriteLine($"fairway node: {e.Message}");
                return 2;
            }

            await using (app.ConfigureAwait(false))
            {
                await app.RunAsync().ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }
}

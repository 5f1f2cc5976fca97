using System.CommandLine;
using Fairway.Node.Config;
using Fairway.Node.Hosting;
using Fairway.Node.Runtime;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;

namespace Fairway.Cli.Commands;

/// <summary><c>fairway node --config FILE</c>: runs one validator until SIGINT or SIGTERM.</summary>
internal static class NodeCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "the validator's config file", Required = true };
        var command = new Command("node", "run one validator (exit 2: bad config, data directory held by another node, or a listen port in use; exit 3: its disk is full)") { config };
        command.SetAction(async (result, ct) =>
        {
            Microsoft.AspNetCore.Builder.WebApplication app;
            try
            {
                app = NodeHost.Build(result.GetValue(config)!);
            }
            catch (Exception e) when (e is ConfigException or StartupException or IOException or UnauthorizedAccessException or ArgumentException or FormatException)
            {
                Console.Error.WriteLine($"fairway node: {e.Message}");
                return 2;
            }

            await using (app.ConfigureAwait(false))
            {
                // Resolved before running: RunAsync disposes the app's services when it returns.
                var node = app.Services.GetService<ValidatorNode>();
                try
                {
                    await app.RunAsync().ConfigureAwait(false);
                }
                catch (IOException e) when (e.InnerException is AddressInUseException)
                {
                    // Only when another process took the API port between the check in NodeHost.Build and Kestrel's bind.
                    Console.Error.WriteLine($"fairway node: address already in use: {e.Message} (config api_listen)");
                    return 2;
                }

                if (node?.StartupFailure is { } failure)
                {
                    Console.Error.WriteLine($"fairway node: {failure.Message}");
                    return 2;
                }

                if (node?.StoppedOnDiskFull == true)
                {
                    Console.Error.WriteLine($"fairway node: disk full at {node.DataDirectory}: stopping; free space and restart");
                    return 3;
                }

                if (node?.StoppedOnError is { } error)
                {
                    Console.Error.WriteLine($"fairway node: stopped on an unrecoverable error: {error} (the log has the details); restart it to resume from its data");
                    return 1;
                }
            }

            return 0;
        });
        return command;
    }
}

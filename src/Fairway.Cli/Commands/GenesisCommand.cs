using System.CommandLine;
using System.Text.Json;
using Fairway.Node.Setup;

namespace Fairway.Cli.Commands;

/// <summary><c>fairway genesis</c>: keys, a genesis file and one config per validator for a local network.</summary>
internal static class GenesisCommand
{
    public static Command Create()
    {
        var validators = new Option<int>("--validators") { Description = "number of validators", DefaultValueFactory = _ => 4 };
        var output = new Option<string>("--out") { Description = "directory for the network", Required = true };
        var basePort = new Option<int>("--base-port") { Description = "first p2p port; APIs listen 100 above", DefaultValueFactory = _ => 27000 };
        var json = new Option<bool>("--json") { Description = "print the network as JSON" };
        var command = new Command("genesis", "write keys, genesis and configs for a local network") { validators, output, basePort, json };
        command.SetAction(result =>
        {
            try
            {
                var (chainId, nodes) = NetworkGenerator.Generate(result.GetValue(output)!, result.GetValue(validators), result.GetValue(basePort));
                if (result.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(new
                    {
                        chain_id = chainId,
                        nodes = nodes.Select(n => new { name = n.Name, config = n.ConfigPath, api = n.ApiUrl, p2p = n.P2p }),
                    }));
                }
                else
                {
                    Console.WriteLine($"chain {chainId}");
                    foreach (var n in nodes)
                    {
                        Console.WriteLine($"  {n.Name}: config {n.ConfigPath}, api {n.ApiUrl}, p2p {n.P2p}");
                    }
                }

                return 0;
            }
            catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"fairway genesis: {e.Message}");
                return 2;
            }
        });
        return command;
    }
}

using Fairway.Node.Config;
using Fairway.Node.Setup;
using Fairway.Settlement;
using Fairway.Settlement.Dev;

namespace Fairway.Cli.Commands;

/// <summary>
/// The devnet's L1: an anvil on <c>--base-port</c> + 200 whose chain is kept in the network directory
/// (<see cref="StateFile"/>), with the network put on it by <see cref="NetworkL1"/> (contracts deployed from anvil's
/// first development account, every validator registered and staked). Run again on the same directory, it starts the
/// same chain from its saved state.
/// </summary>
internal static class DevnetL1
{
    public const string StateFile = "l1-state.json";
    public const int PortOffset = 200;

    /// <summary>Seconds between anvil's blocks: epochs and confirmations advance on their own, as on a real L1.</summary>
    public const int BlockTimeSeconds = 1;

    public const int Confirmations = 2;

    public static int PortFor(int basePort) => basePort + PortOffset;

    /// <summary>A new network: starts anvil, then deploys, registers and stakes every validator.</summary>
    public static async Task<(AnvilProcess Anvil, L1Addresses Contracts)> SetUpAsync(
        string directory, IReadOnlyList<GeneratedNode> nodes, int basePort, TextWriter progress, CancellationToken cancel)
    {
        var anvil = await AnvilProcess.StartAsync(BlockTimeSeconds, PortFor(basePort), Path.Combine(directory, StateFile), cancel).ConfigureAwait(false);
        try
        {
            progress.WriteLine($"fairway devnet: L1 (anvil) at {anvil.Url}, deploying the contracts and staking the validators");
            var addresses = await NetworkL1.AttachAsync(directory, nodes, anvil.Url, AnvilProcess.DevAccountKey, Confirmations, cancel).ConfigureAwait(false);
            return (anvil, addresses);
        }
        catch
        {
            await anvil.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>An existing network that settles: its anvil again, on the port its configs name, from the saved chain.</summary>
    public static async Task<AnvilProcess> ResumeAsync(string directory, IReadOnlyList<GeneratedNode> nodes, CancellationToken cancel)
    {
        var config = ConfigLoader.LoadNodeConfig(nodes[0].ConfigPath, new Dictionary<string, string?>());
        var url = config.L1?.Url ?? throw new ConfigException($"{nodes[0].ConfigPath} has no l1 section, but genesis names settlement contracts");
        return await AnvilProcess.StartAsync(BlockTimeSeconds, new Uri(url).Port, Path.Combine(directory, StateFile), cancel).ConfigureAwait(false);
    }
}

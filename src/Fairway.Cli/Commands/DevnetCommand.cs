using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Fairway.Node.Hosting;
using Fairway.Node.Setup;

namespace Fairway.Cli.Commands;

/// <summary>
/// <c>fairway devnet</c>: creates a local network (unless the directory already holds one) and runs every validator as
/// its own OS process until Ctrl-C, then stops them all. A validator that exits is reported and the rest keep running
/// (see <see cref="DevnetSupervisor"/>); one devnet per directory, enforced by a lock file.
/// </summary>
internal static class DevnetCommand
{
    private const string Help = """
        run a local network of validator processes until Ctrl-C or SIGTERM (exit 0).
        When a validator exits, devnet prints which one (index, pid, exit code or signal) and the command to start it
        again, and keeps the others running; with --restart it restarts it itself after a back-off, and gives up
        (stopping the network, exit 1) when one exits 3 times within 10 s of starting. Exit 1 also when every
        validator has exited. Only one devnet runs per directory (lock file DIR/devnet.lock): a second one exits 2.
        A new network gets an L1: anvil on --base-port + 200 (its chain saved in DIR/l1-state.json), the stake table,
        light client and forced-inclusion inbox deployed, every validator registered and staked; --no-l1 leaves it out.
        --full-nodes N also runs N full nodes (DIR/fullN, APIs from --base-port + 164): no key, no vote, reads only.
        With --json, one JSON line on stdout once every node answers:
        {"validators":[{"name","api"}...],"full_nodes":[{"name","api"}...],"l1_url","contracts":{name:address}}.
        """;

    public static Command Create()
    {
        var validators = new Option<int>("--validators") { Description = "number of validators", DefaultValueFactory = _ => 4 };
        var dir = new Option<string>("--dir") { Description = "network directory", DefaultValueFactory = _ => ".devnet" };
        var basePort = new Option<int>("--base-port") { Description = "first p2p port; APIs listen 100 above", DefaultValueFactory = _ => 27000 };
        var restart = new Option<bool>("--restart") { Description = "restart a validator that exits (back-off 1, 2, 4 s; give up after 3 exits within 10 s of starting)" };
        var standby = new Option<int>("--standby")
        {
            Description = "of a new network's validators, how many (the last ones) start as standbys: on the roster with stake 0, "
                + "following the chain, given stake and a vote by staking them on the L1 (fairway stake)",
            DefaultValueFactory = _ => 0,
        };
        var noL1 = new Option<bool>("--no-l1") { Description = "a new network without the L1 (no anvil, no settlement, no stake table)" };
        var json = new Option<bool>("--json") { Description = "print one JSON line (validators, l1_url, contracts) when the network is up; other messages go to stderr" };
        var fullNodes = new Option<int>("--full-nodes")
        {
            Description = $"also run this many full nodes (0..{NetworkGenerator.FullNodesMax}): no key, no vote; each follows the validators, verifies every certificate and serves the read API and the streams",
            DefaultValueFactory = _ => 0,
        };
        var command = new Command("devnet", Help) { validators, dir, basePort, restart, standby, noL1, json, fullNodes };
        command.SetAction(async (result, ct) =>
        {
            var directory = Path.GetFullPath(result.GetValue(dir)!);
            if ((ValidateNew(result.GetValue(validators), result.GetValue(basePort), result.GetValue(standby))
                 ?? (result.GetValue(fullNodes) is < 0 or > NetworkGenerator.FullNodesMax ? $"--full-nodes must be between 0 and {NetworkGenerator.FullNodesMax}" : null)) is { } invalid)
            {
                Console.Error.WriteLine($"fairway devnet: {invalid}");
                return 2;
            }

            ExclusiveFileLock? devnetLock = null;
            IReadOnlyList<GeneratedNode> nodes;
            IReadOnlyList<GeneratedNode> full = [];
            Fairway.Settlement.Dev.AnvilProcess? anvil = null;
            IReadOnlyDictionary<string, string> contracts = new Dictionary<string, string>();
            var asJson = result.GetValue(json);
            var say = asJson ? Console.Error : Console.Out;
            try
            {
                Directory.CreateDirectory(directory);
                devnetLock = ExclusiveFileLock.TryAcquire(Path.Combine(directory, "devnet.lock"), out var holder);
                if (devnetLock is null)
                {
                    Console.Error.WriteLine($"fairway devnet: a network is already running in {directory}{(holder is { } pid ? $" (devnet pid {pid})" : "")}; stop it first, or use another --dir");
                    return 2;
                }

                var genesisPath = Path.Combine(directory, "genesis.json");
                if (File.Exists(genesisPath))
                {
                    nodes = NetworkGenerator.Load(directory).Nodes;
                    if (Fairway.Node.Config.ConfigLoader.LoadGenesis(genesisPath).Settlement is { } settlement)
                    {
                        anvil = await DevnetL1.ResumeAsync(directory, nodes, ct).ConfigureAwait(false);
                        contracts = new Fairway.Settlement.L1Addresses(settlement.StakeTable, settlement.LightClient, settlement.Inbox).ByName;
                    }
                }
                else
                {
                    nodes = NetworkGenerator.Generate(directory, result.GetValue(validators), result.GetValue(basePort), standby: result.GetValue(standby)).Nodes;
                    if (!result.GetValue(noL1))
                    {
                        var (started, addresses) = await DevnetL1.SetUpAsync(directory, nodes, result.GetValue(basePort), say, ct).ConfigureAwait(false);
                        anvil = started;
                        contracts = addresses.ByName;
                    }
                }

                full = NetworkGenerator.FullNodes(directory, result.GetValue(fullNodes), result.GetValue(basePort));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or Fairway.Node.Config.ConfigException or Fairway.Settlement.L1Exception)
            {
                devnetLock?.Dispose();
                if (anvil is not null)
                {
                    await anvil.DisposeAsync().ConfigureAwait(false);
                }

                Console.Error.WriteLine($"fairway devnet: {e.Message}");
                return 2;
            }

            await using (anvil)
            using (devnetLock)
            {
                var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
                using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
                using var cancelled = ct.Register(() => stop.TrySetResult());
                var supervisor = new DevnetSupervisor([.. nodes, .. full], result.GetValue(restart), full.Count);
                var running = supervisor.RunAsync(stop.Task);

                say.WriteLine($"fairway devnet: {nodes.Count} validators running from {directory} (logs in each nodeN/node.log){(result.GetValue(restart) ? "; --restart: a validator that exits is started again" : "")}");
                foreach (var n in nodes)
                {
                    say.WriteLine($"  {n.Name}  api {n.ApiUrl}  p2p {n.P2p}");
                }

                foreach (var n in full)
                {
                    say.WriteLine($"  {n.Name}  api {n.ApiUrl}  (full node: reads only, follows the validators)");
                }

                if (anvil is not null)
                {
                    say.WriteLine($"  L1 (anvil)  {anvil.Url}  {string.Join("  ", contracts.Select(c => $"{c.Key} {c.Value}"))}");
                }

                say.WriteLine($"try: dotnet run --project src/Fairway.Cli -- submit --url {nodes[0].ApiUrl} --namespace 1 --payload hello");
                say.WriteLine("press Ctrl-C to stop");
                if (asJson)
                {
                    _ = ReportWhenUpAsync(nodes, full, anvil?.Url, contracts, running);
                }

                return await running.ConfigureAwait(false);
            }
        });
        return command;
    }

    /// <summary>The one JSON line of <c>--json</c>, once every validator's API answers (or never, if the network ends first).</summary>
    private static async Task ReportWhenUpAsync(IReadOnlyList<GeneratedNode> nodes, IReadOnlyList<GeneratedNode> full, string? l1Url, IReadOnlyDictionary<string, string> contracts, Task running)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        foreach (var node in nodes.Concat(full))
        {
            while (!running.IsCompleted)
            {
                try
                {
                    using var response = await http.GetAsync(new Uri(new Uri(node.ApiUrl), "/v1/node/block-height")).ConfigureAwait(false);
                    if (response.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // Not listening yet.
                }

                if (DateTime.UtcNow > deadline)
                {
                    Console.Error.WriteLine($"fairway devnet: {node.Name} did not answer at {node.ApiUrl} within 5 minutes; no JSON line");
                    return;
                }

                await Task.Delay(200).ConfigureAwait(false);
            }
        }

        if (running.IsCompleted)
        {
            return;
        }

        var line = new System.Text.Json.Nodes.JsonObject
        {
            ["validators"] = new System.Text.Json.Nodes.JsonArray([.. nodes.Select(n => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject { ["name"] = n.Name, ["api"] = n.ApiUrl })]),
            ["full_nodes"] = new System.Text.Json.Nodes.JsonArray([.. full.Select(n => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject { ["name"] = n.Name, ["api"] = n.ApiUrl })]),
            ["l1_url"] = l1Url,
            ["contracts"] = new System.Text.Json.Nodes.JsonObject([.. contracts.Select(c => KeyValuePair.Create(c.Key, (System.Text.Json.Nodes.JsonNode?)c.Value))]),
        };
        Console.Out.WriteLine(line.ToJsonString());
        Console.Out.Flush();
    }

    /// <summary>
    /// The generator's own limits, checked here so the operator reads the flag's name and not the
    /// "(Parameter 'validators')" an argument exception carries.
    /// </summary>
    internal static string? ValidateNew(int validators, int basePort, int standby = 0)
    {
        if (validators is < 1 or > 64)
        {
            return $"--validators must be between 1 and 64 (got {validators})";
        }

        if (standby < 0 || standby >= validators)
        {
            return $"--standby must be between 0 and --validators - 1 (got {standby})";
        }

        if (basePort < 1024 || basePort + NetworkGenerator.ApiPortOffset + validators > 65535)
        {
            return $"--base-port: ports {basePort}..{basePort + NetworkGenerator.ApiPortOffset + validators} must lie in 1024..65535";
        }

        return null;
    }

    /// <summary>
    /// Starts <c>fairway node</c> as a child process with the executable that runs this command, its output appended to
    /// <paramref name="logPath"/>. The shell execs the node, so the child's pid is the node's and signals reach it.
    /// </summary>
    public static Process StartNode(GeneratedNode node, string logPath) =>
        Process.Start(NodeStartInfo(node, logPath)) ?? throw new IOException($"could not start {node.Name}");

    /// <summary>How <see cref="StartNode"/> starts a node, for a caller that wraps it (in a network namespace, say).</summary>
    public static ProcessStartInfo NodeStartInfo(GeneratedNode node, string logPath)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" >>\"$FAIRWAY_NODE_LOG\" 2>&1");
        start.ArgumentList.Add(Environment.ProcessPath!);
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(DevnetCommand).Assembly.Location);
        }

        start.ArgumentList.Add("node");
        start.ArgumentList.Add("--config");
        start.ArgumentList.Add(node.ConfigPath);
        start.Environment["FAIRWAY_NODE_LOG"] = logPath;
        return start;
    }

    /// <summary>SIGTERM to every validator still running, then SIGKILL to any that has not exited after <paramref name="grace"/>.</summary>
    public static async Task StopAsync(IReadOnlyList<Process> processes, TimeSpan grace)
    {
        foreach (var p in processes.Where(p => !p.HasExited))
        {
            if (OperatingSystem.IsWindows())
            {
                p.Kill(entireProcessTree: true);
            }
            else
            {
                _ = Kill(p.Id, 15);
            }
        }

        using var deadline = new CancellationTokenSource(grace);
        foreach (var p in processes)
        {
            try
            {
                await p.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                p.Kill(entireProcessTree: true);
                await p.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }

            p.Dispose();
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

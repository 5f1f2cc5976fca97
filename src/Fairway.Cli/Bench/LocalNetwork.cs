using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Fairway.Cli.Commands;
using Fairway.Node.Config;
using Fairway.Node.Setup;

namespace Fairway.Cli.Bench;

/// <summary>
/// A fresh network of real validator processes in a temporary directory, on free loopback ports. Disposing it stops
/// every process (SIGTERM, then SIGKILL after a grace period) and deletes the directory.
/// </summary>
internal sealed class LocalNetwork : IAsyncDisposable
{
    private readonly string _directory;
    private readonly List<Process> _processes;
    private readonly List<Process> _retired = [];

    private readonly List<Process> _fullProcesses;

    private LocalNetwork(string directory, IReadOnlyList<GeneratedNode> nodes, List<Process> processes, IReadOnlyList<GeneratedNode> fullNodes, List<Process> fullProcesses)
    {
        _directory = directory;
        Nodes = nodes;
        _processes = processes;
        FullNodes = fullNodes;
        _fullProcesses = fullProcesses;
    }

    public IReadOnlyList<GeneratedNode> Nodes { get; }

    /// <summary>Full nodes following the validators (<c>--full-nodes</c>); the bench reads <c>firm</c> from them.</summary>
    public IReadOnlyList<GeneratedNode> FullNodes { get; }

    public IReadOnlyList<int> ProcessIds
    {
        get
        {
            lock (_processes)
            {
                return _processes.Select(p => p.Id).ToList();
            }
        }
    }

    /// <summary>SIGKILL to validator <paramref name="index"/>: no shutdown path runs, as in a power cut or OOM kill.</summary>
    public void Kill(int index)
    {
        Process process;
        lock (_processes)
        {
            process = _processes[index];
        }

        if (!process.HasExited)
        {
            process.Kill();
        }

        process.WaitForExit(TimeSpan.FromSeconds(10));
    }

    /// <summary>Starts validator <paramref name="index"/> again with the command it was first started with, same config and data.</summary>
    public void Restart(int index)
    {
        var node = Nodes[index];
        var process = DevnetCommand.StartNode(node, Path.Combine(Path.GetDirectoryName(node.ConfigPath)!, "node.log"));
        lock (_processes)
        {
            // The killed process is kept so disposing still waits for it and frees its handle.
            _retired.Add(_processes[index]);
            _processes[index] = process;
        }
    }

    /// <summary>How long stopping waits after SIGTERM before killing; short when the user pressed Ctrl-C.</summary>
    public TimeSpan StopGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Starts <paramref name="validators"/> processes of a new chain ordered by <paramref name="policy"/> in every
    /// namespace: <c>fcfs</c> declares no fair namespace (blocks carry no candidate lists), <c>fair</c> makes every one fair.
    /// </summary>
    public static LocalNetwork Start(int validators, string policy = "fcfs", int fullNodes = 0)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"fairway-bench-{Guid.NewGuid():N}");
        var processes = new List<Process>();
        var fullProcesses = new List<Process>();
        try
        {
            var basePort = FreePorts.BaseFor(validators);
            var (_, nodes) = NetworkGenerator.Generate(directory, validators, basePort, defaultPolicy: policy, namespaces: []);
            foreach (var node in nodes)
            {
                // The bench client is one address sending thousands of requests a second: lift the per-client limit.
                var config = ConfigLoader.LoadNodeConfig(node.ConfigPath) with { ApiRequestsPerSecond = 1_000_000 };
                File.WriteAllText(node.ConfigPath, JsonSerializer.Serialize(config, ConfigLoader.JsonOptions));
            }

            foreach (var node in nodes)
            {
                processes.Add(DevnetCommand.StartNode(node, Path.Combine(Path.GetDirectoryName(node.ConfigPath)!, "node.log")));
            }

            var full = NetworkGenerator.FullNodes(directory, fullNodes, basePort);
            foreach (var node in full)
            {
                fullProcesses.Add(DevnetCommand.StartNode(node, Path.Combine(Path.GetDirectoryName(node.ConfigPath)!, "node.log")));
            }

            return new LocalNetwork(directory, nodes, processes, full, fullProcesses);
        }
        catch
        {
            foreach (var p in processes.Concat(fullProcesses))
            {
                p.Kill(entireProcessTree: true);
                p.Dispose();
            }

            TryDelete(directory);
            throw;
        }
    }

    /// <summary>The log of a validator that exited early, for the error message.</summary>
    public string? DeadNodeReport()
    {
        for (var i = 0; i < _processes.Count; i++)
        {
            if (_processes[i].HasExited)
            {
                var log = Path.Combine(Path.GetDirectoryName(Nodes[i].ConfigPath)!, "node.log");
                var tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(10)) : "(no log)";
                return $"{Nodes[i].Name} exited with code {_processes[i].ExitCode}:\n{tail}";
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        List<Process> all;
        lock (_processes)
        {
            all = [.. _processes, .. _retired, .. _fullProcesses];
        }

        await DevnetCommand.StopAsync(all, StopGrace).ConfigureAwait(false);
        TryDelete(_directory);
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"fairway bench: could not delete {directory}: {e.Message}");
        }
    }



}

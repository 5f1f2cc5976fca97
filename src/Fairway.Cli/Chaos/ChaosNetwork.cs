using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Fairway.Chaos.Netns;
using Fairway.Chaos.Proxy;
using Fairway.Cli.Commands;
using Fairway.Network;
using Fairway.Node.Config;
using Fairway.Node.Setup;

namespace Fairway.Cli.Chaos;

/// <summary>
/// The campaign's network: real validator processes on loopback, every link between two of them through a fault proxy
/// (validator i dials validator j at proxy (i, j), through its <c>peer_addresses</c>), each validator's clock readable
/// from a file the campaign writes (<c>test_clock_file</c>), and, when disk faults are on, each data directory on its
/// own small tmpfs. Disposing stops every process, the proxies and the mounts, and deletes the directory.
/// </summary>
internal sealed class ChaosNetwork : IAsyncDisposable
{
    /// <summary>Each validator's tmpfs: roomy for a long campaign's chain, small enough that filling it is cheap.</summary>
    public const long TmpfsBytes = 1024L * 1024 * 1024;

    private readonly string _directory;
    private readonly Process?[] _processes;
    private readonly List<Process> _retired = [];
    private readonly List<string> _mounts;
    private readonly bool _keep;
    private readonly bool[] _killed;

    private ChaosNetwork(string directory, IReadOnlyList<GeneratedNode> nodes, IReadOnlyList<string> dataDirs, ProxyMesh mesh, List<string> mounts, bool keep, NetnsNetwork? netns)
    {
        Netns = netns;
        _directory = directory;
        Nodes = nodes;
        DataDirs = dataDirs;
        Mesh = mesh;
        _mounts = mounts;
        _keep = keep;
        _processes = new Process?[nodes.Count];
        _killed = new bool[nodes.Count];
    }

    public IReadOnlyList<GeneratedNode> Nodes { get; }

    public IReadOnlyList<string> DataDirs { get; }

    public ProxyMesh Mesh { get; }

    /// <summary>The validators' network namespaces when they run in their own (<c>--netns</c>); partitions are then iptables rules.</summary>
    public NetnsNetwork? Netns { get; }

    public string Directory => _directory;

    public string GenesisPath => Path.Combine(_directory, "genesis.json");

    /// <summary>Whether each data directory is on its own tmpfs (disk faults possible).</summary>
    public bool DisksMounted => _mounts.Count == Nodes.Count;

    public IReadOnlyList<Uri> Apis => Nodes.Select(n => new Uri(n.ApiUrl)).ToList();

    public string ClockFile(int index) => Path.Combine(Path.GetDirectoryName(Nodes[index].ConfigPath)!, "clock-offset-ms");

    public string LogPath(int index) => Path.Combine(Path.GetDirectoryName(Nodes[index].ConfigPath)!, "node.log");

    /// <param name="directory">where the network lives; kept after the run when given, a fresh temporary directory (deleted) otherwise.</param>
    /// <param name="mountDisks">put each data directory on a tmpfs; <paramref name="mountError"/> says why that could not be done.</param>
    /// <param name="netns">run each validator in its own network namespace on a bridge (null: all on loopback).</param>
    public static ChaosNetwork Start(int validators, int seed, string? directory, bool mountDisks, NetnsNetwork? netns, out string? mountError)
    {
        mountError = null;
        var keep = directory is not null;
        directory ??= Path.Combine(Path.GetTempPath(), $"fairway-chaos-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        var mounts = new List<string>();
        ProxyMesh? mesh = null;
        try
        {
            var (_, nodes) = NetworkGenerator.Generate(directory, validators, FreePorts.BaseFor(validators), defaultPolicy: "fcfs", namespaces: []);
            if (netns is not null)
            {
                nodes = MoveIntoNamespaces(directory, nodes, netns);
            }
            var configs = nodes.Select(n => ConfigLoader.LoadNodeConfig(n.ConfigPath)).ToList();
            if (mountDisks)
            {
                foreach (var config in configs)
                {
                    if (Tmpfs.TryMount(config.DataDir, TmpfsBytes) is { } error)
                    {
                        mountError = error;
                        break;
                    }

                    mounts.Add(config.DataDir);
                }
            }

            mesh = ProxyMesh.Start(nodes.Select(n => TransportOptions.ParseEndPoint(n.P2p)).Cast<IPEndPoint>().ToList(), seed, netns?.HostAddress ?? IPAddress.Loopback);
            for (var i = 0; i < nodes.Count; i++)
            {
                var clockFile = Path.Combine(Path.GetDirectoryName(nodes[i].ConfigPath)!, "clock-offset-ms");
                File.WriteAllText(clockFile, "0");
                var peers = new Dictionary<string, string>();
                for (var j = 0; j < nodes.Count; j++)
                {
                    if (j != i)
                    {
                        peers[j.ToString(CultureInfo.InvariantCulture)] = mesh.ProxyFor(i, j).ToString();
                    }
                }

                // The campaign's clients are few addresses sending many requests: lift the per-client limit.
                var config = configs[i] with { ApiRequestsPerSecond = 1_000_000, PeerAddresses = peers, TestClockFile = clockFile };
                File.WriteAllText(nodes[i].ConfigPath, JsonSerializer.Serialize(config, ConfigLoader.JsonOptions));
            }

            // The clock file is a test-only setting: allowed for the validators this campaign starts, and only them.
            Environment.SetEnvironmentVariable("FAIRWAY_ALLOW_TEST_SETTINGS", "1");
            var network = new ChaosNetwork(directory, nodes, configs.Select(c => c.DataDir).ToList(), mesh, mounts, keep, netns);
            for (var i = 0; i < nodes.Count; i++)
            {
                network.StartProcess(i);
            }

            return network;
        }
        catch
        {
            if (mesh is not null)
            {
                mesh.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            foreach (var mount in mounts)
            {
                Tmpfs.Unmount(mount);
            }

            throw;
        }
    }

    /// <summary>
    /// Rewrites the generated genesis and configs so validator i listens (p2p and API) on its namespace's address
    /// instead of 127.0.0.1: ports are unique, so each "127.0.0.1:port" names exactly one validator's endpoint.
    /// </summary>
    private static List<GeneratedNode> MoveIntoNamespaces(string directory, IReadOnlyList<GeneratedNode> nodes, NetnsNetwork netns)
    {
        var moves = new List<(string From, string To)>();
        for (var i = 0; i < nodes.Count; i++)
        {
            var address = netns.Address(i).ToString();
            var p2pPort = nodes[i].P2p[(nodes[i].P2p.LastIndexOf(':') + 1)..];
            var apiPort = new Uri(nodes[i].ApiUrl).Port.ToString(CultureInfo.InvariantCulture);
            moves.Add(($"127.0.0.1:{p2pPort}", $"{address}:{p2pPort}"));
            moves.Add(($"127.0.0.1:{apiPort}", $"{address}:{apiPort}"));
        }

        string Move(string text) => moves.Aggregate(text, (t, m) => t.Replace(m.From, m.To, StringComparison.Ordinal));
        foreach (var file in new[] { Path.Combine(directory, "genesis.json") }.Concat(nodes.Select(n => n.ConfigPath)))
        {
            File.WriteAllText(file, Move(File.ReadAllText(file)));
        }

        return nodes.Select(n => n with { P2p = Move(n.P2p), ApiUrl = Move(n.ApiUrl) }).ToList();
    }

    public int? ProcessId(int index) => _processes[index] is { HasExited: false } p ? p.Id : null;

    public bool IsRunning(int index) => _processes[index] is { HasExited: false };

    /// <summary>Down because the campaign killed it and has not restarted it yet (not a crash of its own).</summary>
    public bool KilledByCampaign(int index) => Volatile.Read(ref _killed[index]);

    /// <summary>SIGKILL: no shutdown path runs, as in a power cut.</summary>
    public void Kill(int index)
    {
        Volatile.Write(ref _killed[index], true);
        if (_processes[index] is { HasExited: false } process)
        {
            // A stopped process must be continued for the kill to be reaped promptly.
            process.Kill();
            _ = Signals.Send(process.Id, Signals.Continue);
            process.WaitForExit(TimeSpan.FromSeconds(10));
        }
    }

    public void Pause(int index)
    {
        if (_processes[index] is { HasExited: false } process)
        {
            _ = Signals.Send(process.Id, Signals.Stop);
        }
    }

    public void Resume(int index)
    {
        if (_processes[index] is { HasExited: false } process)
        {
            _ = Signals.Send(process.Id, Signals.Continue);
        }
    }

    /// <summary>Starts validator <paramref name="index"/> again (after a kill) from its config and data.</summary>
    public void Restart(int index)
    {
        if (!IsRunning(index))
        {
            StartProcess(index);
        }

        Volatile.Write(ref _killed[index], false);
    }

    /// <summary>The exit code of validator <paramref name="index"/>'s process, or null while it runs.</summary>
    public int? ExitCode(int index) => _processes[index] is { HasExited: true } p ? p.ExitCode : null;

    /// <summary>A validator that exited by itself (not killed by the campaign), with its last log lines.</summary>
    public string? ExitReport(int index)
    {
        if (_processes[index] is not { HasExited: true } process)
        {
            return null;
        }

        var log = LogPath(index);
        var tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(8)) : "(no log)";
        return $"{Nodes[index].Name} exited with code {process.ExitCode}:\n{tail}";
    }

    private void StartProcess(int index)
    {
        if (_processes[index] is { } old)
        {
            _retired.Add(old);
        }

        var start = DevnetCommand.NodeStartInfo(Nodes[index], LogPath(index));
        _processes[index] = Process.Start(Netns is null ? start : Netns.Wrap(start, index)) ?? throw new IOException($"could not start {Nodes[index].Name}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _processes.OfType<Process>().Where(p => !p.HasExited))
        {
            _ = Signals.Send(p.Id, Signals.Continue);
        }

        await DevnetCommand.StopAsync([.. _processes.OfType<Process>(), .. _retired], TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        await Mesh.DisposeAsync().ConfigureAwait(false);
        Netns?.Dispose();
        foreach (var mount in _mounts)
        {
            Tmpfs.Unmount(mount);
        }

        if (!_keep)
        {
            try
            {
                System.IO.Directory.Delete(_directory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"fairway chaos: could not delete {_directory}: {e.Message}");
            }
        }
    }
}

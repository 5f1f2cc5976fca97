using System.Diagnostics;
using System.Globalization;
using Fairway.Cli.Commands;
using Fairway.Node.Setup;

namespace Fairway.Cli.Bench;

/// <summary>
/// A fresh etcd cluster of <see cref="MemberCount"/> member processes on free loopback ports, each with its own data
/// directory under one temporary directory. fsync stays on (etcd's default): the baseline must be as durable as the
/// validators it is compared with. Disposing it stops every member (SIGTERM, then SIGKILL) and deletes the directory.
/// </summary>
internal sealed class EtcdCluster : IAsyncDisposable
{
    public const int MemberCount = 3;

    private readonly string _directory;
    private readonly List<Process> _processes;

    private EtcdCluster(string directory, IReadOnlyList<Uri> clientUrls, List<Process> processes)
    {
        _directory = directory;
        ClientUrls = clientUrls;
        _processes = processes;
    }

    /// <summary>Each member's gRPC (client) address, <c>http://127.0.0.1:port</c>.</summary>
    public IReadOnlyList<Uri> ClientUrls { get; }

    public IReadOnlyList<int> ProcessIds => _processes.Select(p => p.Id).ToList();

    /// <summary>How long stopping waits after SIGTERM before killing; short when the user pressed Ctrl-C.</summary>
    public TimeSpan StopGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The full path of <c>etcd</c> on PATH, or null.</summary>
    public static string? FindBinary()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "etcd");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public static EtcdCluster Start(string binary)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"fairway-bench-etcd-{Guid.NewGuid():N}");
        var processes = new List<Process>();
        try
        {
            Directory.CreateDirectory(directory);

            // The same port layout as a validator network: peers at base + i, clients at base + 100 + i.
            var basePort = FreePorts.BaseFor(MemberCount);
            var peerUrls = Enumerable.Range(0, MemberCount).Select(i => Url(basePort + i)).ToList();
            var clientUrls = Enumerable.Range(0, MemberCount).Select(i => new Uri(Url(basePort + NetworkGenerator.ApiPortOffset + i))).ToList();
            var initialCluster = string.Join(',', Enumerable.Range(0, MemberCount).Select(i => $"{Name(i)}={peerUrls[i]}"));
            var token = $"fairway-bench-{Guid.NewGuid():N}";
            for (var i = 0; i < MemberCount; i++)
            {
                var client = clientUrls[i].GetLeftPart(UriPartial.Authority);
                var start = new ProcessStartInfo(binary) { UseShellExecute = false };
                foreach (var argument in new[]
                {
                    "--name", Name(i),
                    "--data-dir", Path.Combine(directory, Name(i)),
                    "--listen-client-urls", client,
                    "--advertise-client-urls", client,
                    "--listen-peer-urls", peerUrls[i],
                    "--initial-advertise-peer-urls", peerUrls[i],
                    "--initial-cluster", initialCluster,
                    "--initial-cluster-token", token,
                    "--initial-cluster-state", "new",
                    "--logger", "zap",
                    "--log-level", "warn",
                    "--log-outputs", LogPath(directory, i),
                })
                {
                    start.ArgumentList.Add(argument);
                }

                processes.Add(Process.Start(start) ?? throw new IOException($"could not start {binary}"));
            }

            return new EtcdCluster(directory, clientUrls, processes);
        }
        catch
        {
            foreach (var p in processes)
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit(TimeSpan.FromSeconds(10));
                p.Dispose();
            }

            TryDelete(directory);
            throw;
        }
    }

    /// <summary>A member that exited, with the end of its log, for the error message; null while all run.</summary>
    public string? DeadMemberReport()
    {
        for (var i = 0; i < _processes.Count; i++)
        {
            if (_processes[i].HasExited)
            {
                var log = LogPath(_directory, i);
                var tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(10)) : "(no log)";
                return $"etcd member {Name(i)} exited with code {_processes[i].ExitCode}:\n{tail}";
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await DevnetCommand.StopAsync(_processes, StopGrace).ConfigureAwait(false);
        TryDelete(_directory);
    }

    private static string Name(int i) => string.Create(CultureInfo.InvariantCulture, $"m{i}");

    private static string Url(int port) => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");

    private static string LogPath(string directory, int i) => Path.Combine(directory, Name(i) + ".log");

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

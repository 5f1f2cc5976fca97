using System.ComponentModel;
using System.Diagnostics;
using Fairway.Node.Setup;

namespace Fairway.Cli.Commands;

/// <summary>
/// Watches devnet's validator processes. A validator that exits is reported (which one, its pid, how it ended) and the
/// others keep running: a BFT network is meant to outlive a lost validator, and the devnet is where operators see that.
/// With <c>--restart</c> it is started again after a back-off, and given up on after a few exits soon after starting.
/// </summary>
internal sealed class DevnetSupervisor(IReadOnlyList<GeneratedNode> nodes, bool restart, int fullNodes = 0)
{
    /// <summary>A validator that exits sooner than this after starting counts as a quick failure.</summary>
    public static readonly TimeSpan QuickExit = TimeSpan.FromSeconds(10);

    /// <summary>Consecutive quick failures after which <c>--restart</c> stops trying and devnet exits non-zero.</summary>
    public const int QuickFailuresMax = 3;

    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(15);

    // Ctrl-C in a terminal signals the whole process group, so validators may exit a moment before devnet's own
    // handler runs; this long a wait tells that apart from a validator dying on its own.
    private static readonly TimeSpan StopRace = TimeSpan.FromMilliseconds(500);

    private readonly Process?[] _processes = new Process?[nodes.Count];
    private readonly Stopwatch[] _startedAt = new Stopwatch[nodes.Count];
    private readonly int[] _quickFailures = new int[nodes.Count];

    /// <summary>Runs until <paramref name="stop"/> (returns 0) or a failure that ends the network (returns 1).</summary>
    public async Task<int> RunAsync(Task stop)
    {
        using var cancelTimers = new CancellationTokenSource();
        try
        {
            return await SuperviseAsync(stop, cancelTimers).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            return await StopAllAsync(cancelTimers, $"{e.Message}; stopping validators", 1).ConfigureAwait(false);
        }
    }

    private async Task<int> SuperviseAsync(Task stop, CancellationTokenSource cancelTimers)
    {
        for (var i = 0; i < nodes.Count; i++)
        {
            Start(i);
        }

        var waits = new Dictionary<Task, (int Index, bool IsRestart)>();
        for (var i = 0; i < nodes.Count; i++)
        {
            waits[_processes[i]!.WaitForExitAsync(CancellationToken.None)] = (i, false);
        }

        while (true)
        {
            var next = await Task.WhenAny(waits.Keys.Append(stop)).ConfigureAwait(false);
            if (next == stop)
            {
                return await StopAllAsync(cancelTimers, "stopping validators", 0).ConfigureAwait(false);
            }

            var (index, isRestart) = waits[next];
            waits.Remove(next);
            if (isRestart)
            {
                Start(index);
                Console.WriteLine($"fairway devnet: restarted validator {index} ({nodes[index].Name}) as pid {_processes[index]!.Id}");
                waits[_processes[index]!.WaitForExitAsync(CancellationToken.None)] = (index, false);
                continue;
            }

            await Task.WhenAny(stop, Task.Delay(StopRace, CancellationToken.None)).ConfigureAwait(false);
            if (stop.IsCompleted)
            {
                return await StopAllAsync(cancelTimers, "stopping validators", 0).ConfigureAwait(false);
            }

            var process = _processes[index]!;
            var ranFor = _startedAt[index].Elapsed;
            var running = _processes.Count(p => p is { HasExited: false });
            var validators = nodes.Count - fullNodes;
            var validatorsRunning = _processes.Take(validators).Count(p => p is { HasExited: false });
            Console.WriteLine(index >= validators
                ? $"fairway devnet: full node {nodes[index].Name} (pid {process.Id}) exited with {DescribeExit(process.ExitCode)} after {ranFor.TotalSeconds:F0} s; the validators are not affected"
                : $"fairway devnet: validator {index} ({nodes[index].Name}, pid {process.Id}) exited with {DescribeExit(process.ExitCode)} after {ranFor.TotalSeconds:F0} s; {validatorsRunning} of {validators} validators still running{QuorumNote(validatorsRunning)}");
            process.Dispose();
            _processes[index] = null;

            if (!restart)
            {
                Console.WriteLine($"  restart it with: {RestartCommand(nodes[index])}");
                Console.WriteLine($"  its log: {Relative(LogPath(nodes[index]))}");
                if (running == 0)
                {
                    return await StopAllAsync(cancelTimers, "all validators have exited; stopping", 1).ConfigureAwait(false);
                }

                continue;
            }

            _quickFailures[index] = ranFor < QuickExit ? _quickFailures[index] + 1 : 0;
            if (_quickFailures[index] >= QuickFailuresMax)
            {
                Console.WriteLine($"fairway devnet: giving up on validator {index} ({nodes[index].Name}): it exited {QuickFailuresMax} times within {QuickExit.TotalSeconds:F0} s of starting; see {Relative(LogPath(nodes[index]))}");
                return await StopAllAsync(cancelTimers, "stopping validators", 1).ConfigureAwait(false);
            }

            var backoff = TimeSpan.FromSeconds(1 << _quickFailures[index]);
            Console.WriteLine($"fairway devnet: restarting validator {index} ({nodes[index].Name}) in {backoff.TotalSeconds:F0} s");
            waits[DelayAsync(backoff, cancelTimers.Token)] = (index, true);
        }
    }

    private void Start(int i)
    {
        try
        {
            _processes[i] = DevnetCommand.StartNode(nodes[i], LogPath(nodes[i]));
        }
        catch (Win32Exception e)
        {
            throw new IOException($"could not start {nodes[i].Name}: {e.Message}", e);
        }

        _startedAt[i] = Stopwatch.StartNew();
    }

    private async Task<int> StopAllAsync(CancellationTokenSource cancelTimers, string message, int exitCode)
    {
        await cancelTimers.CancelAsync().ConfigureAwait(false);
        Console.WriteLine($"fairway devnet: {message}");
        await DevnetCommand.StopAsync([.. _processes.OfType<Process>()], StopGrace).ConfigureAwait(false);
        return exitCode;
    }

    /// <summary>A back-off that completes (rather than faults) when cancelled; the stop path ignores it then.</summary>
    private static async Task DelayAsync(TimeSpan delay, CancellationToken cancel)
    {
        try
        {
            await Task.Delay(delay, cancel).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private string QuorumNote(int running)
    {
        // Equal stakes, as devnet generates them: commits need n - f validators, f = (n - 1) / 3.
        var validators = nodes.Count - fullNodes;
        var needed = validators - ((validators - 1) / 3);
        return running < needed ? $" (fewer than the {needed} needed to commit: the chain waits until enough return)" : "";
    }

    /// <summary>.NET reports a child killed by signal N as exit code 128 + N; the node itself never exits that high.</summary>
    internal static string DescribeExit(int code) => code switch
    {
        > 128 and < 128 + 65 => $"code {code} (killed by signal {code - 128}{SignalName(code - 128)})",
        _ => $"code {code}",
    };

    private static string SignalName(int signal) => signal switch
    {
        1 => ", SIGHUP",
        2 => ", SIGINT",
        6 => ", SIGABRT",
        9 => ", SIGKILL",
        11 => ", SIGSEGV",
        15 => ", SIGTERM",
        _ => "",
    };

    public static string LogPath(GeneratedNode node) => Path.Combine(Path.GetDirectoryName(node.ConfigPath)!, "node.log");

    /// <summary>
    /// The command that starts this validator the way devnet started it: <c>dotnet run</c> when devnet itself runs
    /// from the repository's build output and the shell is at the repository root, else the same binary.
    /// </summary>
    internal static string RestartCommand(GeneratedNode node)
    {
        var config = Quote(Relative(node.ConfigPath));
        var assembly = typeof(DevnetCommand).Assembly.Location;
        var project = Path.Combine(Directory.GetCurrentDirectory(), "src", "Fairway.Cli");
        if (File.Exists(Path.Combine(project, "Fairway.Cli.csproj")) && assembly.StartsWith(Path.Combine(project, "bin") + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            var release = assembly.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? " -c Release" : "";
            return $"dotnet run --project src/Fairway.Cli{release} -- node --config {config}";
        }

        return Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet"
            ? $"dotnet {Quote(Relative(assembly))} node --config {config}"
            : $"{Quote(Relative(Environment.ProcessPath!))} node --config {config}";
    }

    private static string Relative(string path)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }

    private static string Quote(string s) => s.Contains(' ', StringComparison.Ordinal) ? $"'{s}'" : s;
}

using System.Diagnostics;
using System.Text;

namespace Fairway.Devnet.Tests;

/// <summary>
/// The built <c>fairway</c> executable run as an operator would from a shell, its output captured while it runs, so a
/// test can wait for a line to appear and then check how the process ended.
/// </summary>
internal sealed class FairwayCommand : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private FairwayCommand(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Stdout and stderr interleaved as they arrived.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static FairwayCommand Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "fairway.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        return new FairwayCommand(Process.Start(start) ?? throw new InvalidOperationException("could not start fairway"));
    }

    /// <summary>Runs a command that is expected to finish on its own; returns its exit code and all its output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        using var command = Start(args);
        var exit = await command.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (exit, command.Output);
    }

    public async Task WaitForOutputAsync(string text, TimeSpan? deadline = null) =>
        await TestCluster.WaitUntilAsync(() => Task.FromResult(Output.Contains(text, StringComparison.Ordinal)), $"output contains \"{text}\"; output so far:\n{Output}", deadline);

    public async Task<int> WaitForExitAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"fairway did not exit within {deadline.TotalSeconds:F0} s; output:\n{Output}");
        }

        // The parameterless wait drains the redirected output, so Output is complete afterwards.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, as a service manager or <c>kill</c> would send.</summary>
    public void Terminate() => _ = PosixSignals.TrySend(_process.Id, PosixSignals.Terminate);

    public static void KillPid(int pid) => _ = PosixSignals.TrySend(pid, PosixSignals.Kill9);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}

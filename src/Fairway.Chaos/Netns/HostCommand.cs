using System.ComponentModel;
using System.Diagnostics;

namespace Fairway.Chaos.Netns;

/// <summary>Runs one of the host's network tools (<c>ip</c>, <c>iptables</c>) to completion within a bound.</summary>
internal static class HostCommand
{
    // Every command here is a quick kernel call; a minute means something is wedged (a held xtables lock, a hung
    // mount), and the campaign is better off failing with the command's name than waiting forever.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>The command's standard output; throws <see cref="InvalidOperationException"/> naming the command and its stderr on failure.</summary>
    public static string Run(string program, params string[] args)
    {
        var (code, output, error) = Execute(program, args);
        return code == 0
            ? output
            : throw new InvalidOperationException($"`{Describe(program, args)}` failed (exit {code}): {error.Trim()}");
    }

    /// <summary>For clean-up paths: runs the command and reports only whether it succeeded.</summary>
    public static bool TryRun(string program, params string[] args)
    {
        try
        {
            return Execute(program, args).Code == 0;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public static string Describe(string program, IEnumerable<string> args) =>
        string.Join(' ', args.Prepend(program).Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a));

    private static (int Code, string Output, string Error) Execute(string program, string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"`{Describe(program, args)}` did not start");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"`{Describe(program, args)}` could not start: {e.Message}", e);
        }

        using (process)
        {
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Bound))
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"`{Describe(program, args)}` did not finish within {Bound.TotalSeconds:0} s");
            }

            process.WaitForExit();
            return (process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
        }
    }
}

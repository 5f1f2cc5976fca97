using System.Diagnostics;

namespace Fairway.Settlement.Dev;

/// <summary>
/// Finds the anvil binary: <c>FAIRWAY_ANVIL</c> if set; else the project's <c>.tools/</c>, installed there by
/// <c>scripts/l1-tools</c> (run here when anvil is missing) in the checkout this program runs from.
/// </summary>
public static class AnvilLocator
{
    public const string EnvironmentVariable = "FAIRWAY_ANVIL";

    private const string RelativeBinary = ".tools/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil";
    private static readonly Lock Gate = new();

    public static string Find()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : throw new L1Exception($"{EnvironmentVariable}={configured}: no such file");
        }

        var root = RepositoryRoot() ?? throw new L1Exception(
            $"anvil not found: run from a Fairway checkout (scripts/l1-tools installs it) or set {EnvironmentVariable} to an anvil binary");
        var binary = Path.Combine(root, RelativeBinary);
        lock (Gate)
        {
            if (!File.Exists(binary))
            {
                Install(root);
            }
        }

        return File.Exists(binary) ? binary : throw new L1Exception($"scripts/l1-tools ran but {binary} is still missing");
    }

    /// <summary>The checkout holding scripts/l1-tools, from the working directory or this program's location upwards.</summary>
    public static string? RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "scripts", "l1-tools")) && Directory.Exists(Path.Combine(dir.FullName, "contracts")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }

    private static void Install(string root)
    {
        var info = new ProcessStartInfo(Path.Combine(root, "scripts", "l1-tools"))
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        using var process = Process.Start(info) ?? throw new L1Exception("could not run scripts/l1-tools");
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new L1Exception("scripts/l1-tools did not finish in 10 minutes");
        }

        if (process.ExitCode != 0)
        {
            throw new L1Exception($"scripts/l1-tools failed with exit code {process.ExitCode} (see its messages above)");
        }
    }
}

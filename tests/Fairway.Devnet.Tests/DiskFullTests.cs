using System.Diagnostics;
using Xunit.Abstractions;

namespace Fairway.Devnet.Tests;

/// <summary>
/// One validator's data directory on a small tmpfs that the test fills: the validator must stop cleanly (it cannot put
/// off the safety write before a vote), say why, leave its data intact, and catch up once restarted with space, while
/// the other three keep committing. Needs root (the test mounts the tmpfs); it unmounts on every way out.
/// </summary>
public class DiskFullTests(ITestOutputHelper output)
{
    private static readonly int[] All = [0, 1, 2, 3];
    private const int Full = 3;

    [Fact]
    public async Task A_validator_whose_disk_fills_stops_cleanly_and_catches_up_after_space_returns()
    {
        await using var cluster = new TestCluster();
        var disk = Path.Combine(cluster.Directory, "node3-disk");
        Directory.CreateDirectory(disk);
        Run("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", disk);
        try
        {
            cluster.SetConfig(Full, "data_dir", Path.Combine(disk, "data"));
            cluster.StartAll();
            using var stop = new CancellationTokenSource();
            var load = cluster.SubmitStreamAsync(stop.Token);
            await cluster.WaitForHeightAsync(All, 3);

            Fill(disk);
            output.WriteLine($"filled {disk}: {new DriveInfo(disk).AvailableFreeSpace} bytes free");
            await TestCluster.WaitUntilAsync(() => Task.FromResult(!cluster.IsRunning(Full)), "the validator on the full disk stops");
            Assert.Equal(3, cluster.ExitCode(Full));
            var log = cluster.NodeLog(Full);
            Assert.Contains($"disk full at {Path.Combine(disk, "data")}: stopping; free space and restart", log, StringComparison.Ordinal);
            output.WriteLine(string.Join('\n', log.Split('\n').Where(l => l.Contains("disk full", StringComparison.Ordinal)).Take(3)));

            int[] others = [0, 1, 2];
            await cluster.WaitForHeightAsync(others, await cluster.MinHeightAsync(others) + 3);

            File.Delete(Path.Combine(disk, "filler"));
            cluster.Start(Full);
            await cluster.WaitForHeightAsync(All, await cluster.MinHeightAsync(others) + 2);
            await TestCluster.WaitUntilAsync(() => cluster.SubmitAsync(Full, 1, [1, 2, 3, 4]), "the restarted validator accepts submissions");

            await stop.CancelAsync();
            var accepted = await load;
            output.WriteLine($"{accepted} submissions accepted; height {await cluster.MinHeightAsync(All)}");
            await cluster.AssertSameChainAsync(All, await cluster.MinHeightAsync(All));
        }
        catch (Exception e) when (e is TimeoutException or Xunit.Sdk.XunitException)
        {
            output.WriteLine(await cluster.DescribeAsync());
            throw;
        }
        finally
        {
            for (var i = 0; i < cluster.Count; i++)
            {
                cluster.Kill(i);
            }

            Run("umount", "-l", disk);
        }
    }

    /// <summary>Takes every free byte: one preallocated file, then whatever rounding left, until the write fails.</summary>
    private static void Fill(string disk)
    {
        var path = Path.Combine(disk, "filler");
        var free = new DriveInfo(disk).AvailableFreeSpace;
        Run("fallocate", "-l", free.ToString(System.Globalization.CultureInfo.InvariantCulture), path);
        using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        var block = new byte[4096];
        try
        {
            while (true)
            {
                file.Write(block);
            }
        }
        catch (IOException)
        {
        }
    }

    private static void Run(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not run {command}");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 && !(command == "fallocate" && error.Contains("No space", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', args)} exited {process.ExitCode}: {error} (this test needs root to mount a tmpfs)");
        }
    }
}

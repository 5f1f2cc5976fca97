using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace Fairway.Devnet.Tests;

/// <summary>
/// One validator's data directory on a small tmpfs that the test fills. Filled to below its free-space reserve, the
/// validator refuses new work (503 disk_full) but stays up and keeps following the chain, and takes work again once
/// space returns. Filled to nothing, it must stop cleanly (it cannot put off the safety write before a vote), say why,
/// leave its data intact, and catch up once restarted with space. The other three keep committing throughout. Needs
/// root (the test mounts the tmpfs); it unmounts on every way out.
/// </summary>
[Collection("processes")]
public class DiskFullTests(ITestOutputHelper output)
{
    private static readonly int[] All = [0, 1, 2, 3];
    private static readonly int[] Others = [0, 1, 2];
    private const int Full = 3;
    private const long MiB = 1024 * 1024;

    /// <summary>The default disk_reserve_bytes, set explicitly so the test does not drift with the default.</summary>
    private const long Reserve = 64 * MiB;

    /// <summary>Room for the reserve and the node's own data (a few MiB here) once the filler is gone.</summary>
    private const string TmpfsSize = "size=128m";

    [Fact]
    public async Task A_validator_below_its_disk_reserve_refuses_work_stays_up_keeps_up_and_takes_work_again_once_space_returns()
    {
        await using var cluster = new TestCluster();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var disk = Path.Combine(cluster.Directory, "node3-disk");
        var data = Path.Combine(disk, "data");
        Directory.CreateDirectory(disk);
        Run("mount", "-t", "tmpfs", "-o", TmpfsSize, "tmpfs", disk);
        try
        {
            cluster.SetConfig(Full, "data_dir", data);
            cluster.SetConfig(Full, "disk_reserve_bytes", Reserve);
            cluster.StartAll();
            using var stop = new CancellationTokenSource();
            var load = cluster.SubmitStreamAsync(stop.Token);
            await cluster.WaitForHeightAsync(All, 3);
            Assert.True(await cluster.SubmitAsync(Full, 1, [9, 9, 9]), "the validator takes work before its disk is low");

            Fill(disk, leave: 16 * MiB);
            output.WriteLine($"filled {disk}: {new DriveInfo(disk).AvailableFreeSpace} bytes free, reserve {Reserve}");
            string? refusal = null;
            var clock = Stopwatch.StartNew();
            await TestCluster.WaitUntilAsync(async () => (refusal = await RefusalAsync(http, cluster, Full)) is not null, "the validator below its reserve refuses submissions with 503 disk_full");
            output.WriteLine($"refusing {clock.ElapsedMilliseconds} ms after the fill: {refusal}");
            Assert.Contains($"disk low at {data}", refusal, StringComparison.Ordinal);
            Assert.Contains($"reserve of {Reserve} bytes", refusal, StringComparison.Ordinal);
            Assert.Equal(1, await cluster.MetricAsync(Full, "fairway_disk_low"));
            Assert.True(await cluster.MetricAsync(Full, "fairway_disk_free_bytes") is > 0 and < Reserve);

            // Still up, still following: the others commit, and it stores their blocks as they do.
            var low = await cluster.MinHeightAsync(Others);
            await cluster.WaitForHeightAsync(All, low + 5);
            Assert.True(cluster.IsRunning(Full));
            Assert.NotNull(await RefusalAsync(http, cluster, Full));
            var log = cluster.NodeLog(Full);
            Assert.Single(log.Split('\n'), l => l.Contains("disk low at", StringComparison.Ordinal));
            Assert.DoesNotContain("disk full at", log, StringComparison.Ordinal);

            output.WriteLine($"while low: heights {low} -> {await cluster.HeightAsync(Full)} on the low validator");
            File.Delete(Path.Combine(disk, "filler"));
            clock.Restart();
            await TestCluster.WaitUntilAsync(() => cluster.SubmitAsync(Full, 1, Guid.NewGuid().ToByteArray()), "the validator takes submissions again once space returns");
            output.WriteLine($"taking work again {clock.ElapsedMilliseconds} ms after the filler went");
            Assert.Equal(0, await cluster.MetricAsync(Full, "fairway_disk_low"));
            await cluster.WaitForLogAsync(Full, "disk space back at");
            await cluster.WaitForHeightAsync(All, await cluster.MinHeightAsync(Others) + 2);

            await stop.CancelAsync();
            output.WriteLine($"{await load} submissions accepted; height {await cluster.MinHeightAsync(All)}");
            Assert.True(cluster.IsRunning(Full));
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

    /// <summary>The message of a 503 disk_full answer to a submission, or null for any other answer.</summary>
    private static async Task<string?> RefusalAsync(HttpClient http, TestCluster cluster, int node)
    {
        try
        {
            using var response = await http.PostAsJsonAsync(new Uri(cluster.Nodes[node].ApiUrl + "/v1/submit"), new { @namespace = 1, payload = Convert.ToBase64String(Guid.NewGuid().ToByteArray()) });
            if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable)
            {
                return null;
            }

            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var error = json.RootElement.GetProperty("error");
            return error.GetProperty("code").GetString() == "disk_full" ? error.GetProperty("message").GetString() : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    [Fact]
    public async Task A_validator_whose_disk_fills_stops_cleanly_and_catches_up_after_space_returns()
    {
        await using var cluster = new TestCluster();
        var disk = Path.Combine(cluster.Directory, "node3-disk");
        Directory.CreateDirectory(disk);
        Run("mount", "-t", "tmpfs", "-o", TmpfsSize, "tmpfs", disk);
        try
        {
            cluster.SetConfig(Full, "data_dir", Path.Combine(disk, "data"));
            cluster.SetConfig(Full, "disk_reserve_bytes", Reserve);
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

            await cluster.WaitForHeightAsync(Others, await cluster.MinHeightAsync(Others) + 3);

            File.Delete(Path.Combine(disk, "filler"));
            cluster.Start(Full);
            await cluster.WaitForHeightAsync(All, await cluster.MinHeightAsync(Others) + 2);
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

    /// <summary>Takes all but <paramref name="leave"/> free bytes in one preallocated file.</summary>
    private static void Fill(string disk, long leave)
    {
        var take = new DriveInfo(disk).AvailableFreeSpace - leave;
        Run("fallocate", "-l", take.ToString(System.Globalization.CultureInfo.InvariantCulture), Path.Combine(disk, "filler"));
    }

    /// <summary>
    /// Takes every free byte: one preallocated file, then whatever rounding left, until the write fails. (The reserve
    /// has the node refuse work from the first step; the consensus writes it keeps making then meet the full disk.)
    /// </summary>
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

using System.Diagnostics;
using System.Globalization;
using Fairway.Node.Hosting;

namespace Fairway.Devnet.Tests;

/// <summary><c>fairway devnet</c> as a real process supervising real validator processes, some of them SIGKILLed.</summary>
[Collection("processes")]
public class DevnetSupervisionTests
{
    private static readonly int[] All = [0, 1, 2, 3];
    private static readonly TimeSpan ExitDeadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Devnet_keeps_the_other_validators_committing_after_one_is_killed_and_its_restart_hint_works()
    {
        await using var cluster = new TestCluster();
        using var devnet = FairwayCommand.Start("devnet", "--dir", cluster.Directory);
        await cluster.WaitForHeightAsync(All, 2);

        var pid = await NodePidAsync(cluster, 2);
        FairwayCommand.KillPid(pid);
        await devnet.WaitForOutputAsync($"validator 2 (node2, pid {pid}) exited with code 137 (killed by signal 9, SIGKILL)");
        await devnet.WaitForOutputAsync("3 of 4 validators still running");
        await devnet.WaitForOutputAsync("restart it with: ");
        var height = await cluster.MinHeightAsync([0, 1, 3]);
        await cluster.WaitForHeightAsync([0, 1, 3], height + 3);
        Assert.False(devnet.HasExited);

        // The printed command, run as printed, brings the validator back and it catches up.
        var hint = devnet.Output.Split('\n').Single(l => l.Contains("restart it with: ", StringComparison.Ordinal)).Split("restart it with: ")[1].Trim();
        Assert.EndsWith($"node --config {cluster.Nodes[2].ConfigPath}", hint, StringComparison.Ordinal);
        using (var restarted = StartShell(hint, Path.Combine(cluster.Directory, "node2", "node.log")))
        {
            var target = await cluster.MinHeightAsync([0, 1, 3]) + 2;
            await cluster.WaitForHeightAsync(All, target);
            await cluster.AssertSameChainAsync(All, target);
            restarted.Kill();
            await restarted.WaitForExitAsync();
        }

        devnet.Terminate();
        Assert.Equal(0, await devnet.WaitForExitAsync(ExitDeadline));
        Assert.Contains("fairway devnet: stopping validators", devnet.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Devnet_with_restart_brings_a_killed_validator_back_and_it_catches_up()
    {
        await using var cluster = new TestCluster();
        using var devnet = FairwayCommand.Start("devnet", "--dir", cluster.Directory, "--restart");
        await cluster.WaitForHeightAsync(All, 2);

        var pid = await NodePidAsync(cluster, 1);
        FairwayCommand.KillPid(pid);
        await devnet.WaitForOutputAsync($"validator 1 (node1, pid {pid}) exited with code 137 (killed by signal 9, SIGKILL)");
        await devnet.WaitForOutputAsync("restarting validator 1 (node1) in ");
        await devnet.WaitForOutputAsync("restarted validator 1 (node1) as pid ");
        Assert.NotEqual(pid, await NodePidAsync(cluster, 1, except: pid));

        var target = await cluster.MinHeightAsync([0, 2, 3]) + 3;
        await cluster.WaitForHeightAsync(All, target);
        await cluster.AssertSameChainAsync(All, target);

        devnet.Terminate();
        Assert.Equal(0, await devnet.WaitForExitAsync(ExitDeadline));
    }

    [Fact]
    public async Task Devnet_with_restart_gives_up_on_a_validator_that_keeps_failing_and_exits_non_zero()
    {
        await using var cluster = new TestCluster();
        var dataDir = Path.Combine(cluster.Directory, "node3", "data");
        Directory.CreateDirectory(dataDir);

        // Holding node3's data-directory lock here makes every start of node3 fail at once, as a broken node would.
        using (var held = ExclusiveFileLock.TryAcquire(Path.Combine(dataDir, "node.lock"), out _))
        {
            Assert.NotNull(held);
            using var devnet = FairwayCommand.Start("devnet", "--dir", cluster.Directory, "--restart");

            Assert.Equal(1, await devnet.WaitForExitAsync(ExitDeadline));
            var output = devnet.Output;
            Assert.Contains("restarting validator 3 (node3) in 2 s", output, StringComparison.Ordinal);
            Assert.Contains("restarting validator 3 (node3) in 4 s", output, StringComparison.Ordinal);
            Assert.Contains("giving up on validator 3 (node3): it exited 3 times within 10 s of starting", output, StringComparison.Ordinal);
            Assert.Contains("exited with code 2 after", output, StringComparison.Ordinal);
            Assert.Contains($"another node (pid {Environment.ProcessId}) holds {dataDir}", cluster.NodeLog(3), StringComparison.Ordinal);
        }

        // Giving up stops the whole network: no validator is left behind holding its directory.
        foreach (var i in All)
        {
            await WaitForUnlockedAsync(cluster, i);
        }
    }

    [Fact]
    public async Task A_second_devnet_in_the_same_directory_exits_2_and_the_first_runs_on_and_a_killed_devnets_lock_does_not_block()
    {
        await using var cluster = new TestCluster();
        using (var first = FairwayCommand.Start("devnet", "--dir", cluster.Directory))
        {
            await cluster.WaitForHeightAsync(All, 2);

            var (exit, output) = await FairwayCommand.RunAsync("devnet", "--dir", cluster.Directory);
            Assert.Equal(2, exit);
            Assert.Contains($"fairway devnet: a network is already running in {cluster.Directory} (devnet pid {first.Pid})", output, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
            Assert.DoesNotContain("validators running", output, StringComparison.Ordinal);

            var height = await cluster.MinHeightAsync(All);
            await cluster.WaitForHeightAsync(All, height + 3);
            Assert.False(first.HasExited);
            Assert.DoesNotContain("exited with", first.Output, StringComparison.Ordinal);

            // SIGKILL leaves devnet.lock behind and orphans the validators; stop those as an operator would.
            FairwayCommand.KillPid(first.Pid);
            await first.WaitForExitAsync(ExitDeadline);
            foreach (var i in All)
            {
                FairwayCommand.KillPid(await NodePidAsync(cluster, i));
                await WaitForUnlockedAsync(cluster, i);
            }
        }

        Assert.True(File.Exists(Path.Combine(cluster.Directory, "devnet.lock")));
        using var second = FairwayCommand.Start("devnet", "--dir", cluster.Directory);
        await second.WaitForOutputAsync("4 validators running");
        var resumed = await cluster.MinHeightAsync(All);
        await cluster.WaitForHeightAsync(All, resumed + 2);
        second.Terminate();
        Assert.Equal(0, await second.WaitForExitAsync(ExitDeadline));
    }

    /// <summary>The pid a running validator recorded next to its data-directory lock.</summary>
    internal static async Task<int> NodePidAsync(TestCluster cluster, int i, int? except = null)
    {
        var path = Path.Combine(cluster.Directory, cluster.Nodes[i].Name, "data", "node.pid");
        var pid = 0;
        await TestCluster.WaitUntilAsync(() =>
        {
            try
            {
                pid = File.Exists(path) ? int.Parse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture) : 0;
            }
            catch (Exception e) when (e is IOException or FormatException)
            {
                pid = 0;
            }

            return Task.FromResult(pid != 0 && pid != except);
        }, $"{cluster.Nodes[i].Name} records its pid");
        return pid;
    }

    private static async Task WaitForUnlockedAsync(TestCluster cluster, int i)
    {
        var path = Path.Combine(cluster.Directory, cluster.Nodes[i].Name, "data", "node.lock");
        await TestCluster.WaitUntilAsync(() =>
        {
            using var probe = ExclusiveFileLock.TryAcquire(path, out _);
            return Task.FromResult(probe is not null);
        }, $"{cluster.Nodes[i].Name} has exited and released its data directory");
    }

    private static Process StartShell(string command, string log)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = Environment.CurrentDirectory };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"exec {command} >>\"$0\" 2>&1");
        start.ArgumentList.Add(log);
        return Process.Start(start) ?? throw new InvalidOperationException("could not start the printed command");
    }
}

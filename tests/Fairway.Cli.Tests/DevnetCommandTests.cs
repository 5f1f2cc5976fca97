namespace Fairway.Cli.Tests;

public class DevnetCommandTests
{
    [Theory]
    [InlineData("--validators", "0", "fairway devnet: --validators must be between 1 and 64 (got 0)")]
    [InlineData("--validators", "65", "fairway devnet: --validators must be between 1 and 64 (got 65)")]
    [InlineData("--base-port", "80", "fairway devnet: --base-port: ports 80..184 must lie in 1024..65535")]
    public void Devnet_refuses_bad_sizes_with_one_clean_line_before_creating_anything(string flag, string value, string expected)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"fairway-devnet-test-{Guid.NewGuid():N}");
        var (exit, stdout, stderr) = FairwayProcess.Run("devnet", "--dir", dir, flag, value);

        Assert.Equal(2, exit);
        Assert.Equal(expected, stderr.Trim());
        Assert.DoesNotContain("Parameter", stderr, StringComparison.Ordinal);
        Assert.True(string.IsNullOrWhiteSpace(stdout));
        Assert.False(Directory.Exists(dir));
    }
}

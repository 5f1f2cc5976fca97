namespace Fairway.Cli.Tests;

/// <summary><c>fairway chaos</c> refuses what it cannot run, with one line naming the option, before starting anything.</summary>
public class ChaosCommandTests
{
    [Theory]
    [InlineData("--validators 3", "--validators must be between 4 and 10")]
    [InlineData("--rate 0", "--rate must be between 1 and 5000")]
    [InlineData("--minutes 0", "--minutes must be above 0")]
    [InlineData("--minutes 1", "it needs at least 141 s")]
    [InlineData("--faults kill,netem", "unknown fault kind \"netem\"")]
    [InlineData("--faults ,", "name at least one fault kind")]
    public void Bad_options_are_refused_with_exit_code_2_and_the_reason(string arguments, string expected)
    {
        var (exit, stdout, stderr) = FairwayProcess.Run(["chaos", .. arguments.Split(' ')]);

        Assert.Equal(2, exit);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
    }

    [Fact]
    public void A_campaign_of_one_kind_needs_less_time_than_one_of_every_kind()
    {
        var (exit, _, stderr) = FairwayProcess.Run("chaos", "--faults", "kill,pause", "--minutes", "0.5");

        Assert.Equal(2, exit);
        Assert.Contains("it needs at least 51 s", stderr, StringComparison.Ordinal);
    }
}

using Fairway.Settlement;

namespace Fairway.Cli.Tests;

/// <summary><c>fairway force-include</c>'s refusals: usage errors exit 2 before touching the L1, an L1 refusal exits 1 with the inbox's named error and posts nothing. Following an entry to firm is the devnet test's.</summary>
public sealed class ForceIncludeCommandTests
{
    [Theory]
    [InlineData("--namespace", "7")]
    [InlineData("--namespace", "7", "--payload", "a", "--payload-hex", "61")]
    [InlineData("--namespace", "7", "--payload-hex", "zz")]
    [InlineData("--namespace", "7", "--payload", "a", "--timeout-seconds", "0")]
    [InlineData("--namespace", "seven", "--payload", "a")]
    public void Usage_errors_exit_2_with_one_line(params string[] args)
    {
        var (exit, stdout, stderr) = FairwayProcess.Run(["force-include", "--l1", "http://127.0.0.1:1", "--url", "http://127.0.0.1:2", .. args]);
        Assert.True(exit == 2, stdout + stderr);
        Assert.StartsWith("fairway force-include: ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_payload_the_inbox_refuses_exits_1_naming_the_error_and_posts_nothing()
    {
        await using var chain = await L1TestChain.StartAsync();
        var inbox = chain.Contracts.Addresses.Inbox!;
        var genesis = Path.Combine(chain.Dir, "genesis.json");
        await File.WriteAllTextAsync(genesis, """{"chain_id":"force-include-test","validators":[{"name":"a","public_key":"0000000000000000000000000000000000000000000000000000000000000001","stake":1}]}""");
        var tooLarge = new string('a', InboxParameters.Devnet.MaxPayloadBytes + 1);

        var (exit, stdout, stderr) = FairwayProcess.Run(
            "force-include", "--l1", chain.Url, "--url", "http://127.0.0.1:9", "--namespace", "7", "--payload", tooLarge,
            "--inbox", inbox, "--genesis", genesis);

        Assert.True(exit == 1, stdout + stderr);
        Assert.Contains("PayloadTooLarge", stderr, StringComparison.Ordinal);
        Assert.Equal(0UL, await new InboxContract(chain.Owner, inbox).LatestIndexAsync());
    }
}

namespace Fairway.Settlement.Tests;

// In the anvil collection so it never runs beside the fixture's first scripts/l1-tools (which may install).
[Collection("anvil")]
public sealed class BuildOutputTests
{
    [Fact]
    public void The_committed_contract_build_output_matches_a_fresh_compile_of_the_sources()
    {
        var fresh = Path.Combine(Path.GetTempPath(), "fairway-contracts-" + Guid.NewGuid().ToString("N"));
        try
        {
            Repo.RunScript("compile-contracts", $"--out {fresh}");
            var committedDir = Path.Combine(Repo.Root, "contracts", "build");
            var committed = Directory.GetFiles(committedDir, "*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray();
            var compiled = Directory.GetFiles(fresh, "*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(new[] { "FairwayInbox.json", "FairwayLightClient.json", "FairwayStakeTable.json" }, compiled);
            Assert.Equal(compiled, committed);
            foreach (var name in compiled)
                Assert.True(File.ReadAllBytes(Path.Combine(fresh, name)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(committedDir, name))),
                    $"contracts/build/{name} is stale: run scripts/compile-contracts and commit the result");
        }
        finally
        {
            if (Directory.Exists(fresh)) Directory.Delete(fresh, recursive: true);
        }
    }
}

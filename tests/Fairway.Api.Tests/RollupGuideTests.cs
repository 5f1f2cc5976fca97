using System.Text;
using System.Text.RegularExpressions;
using Fairway.Core.Chain;
using MyRollup;

namespace Fairway.Api.Tests;

/// <summary>docs/ROLLUP-GUIDE.md cannot drift from the code: its hashes are computed here, its program is compiled here and run against a real node.</summary>
public sealed partial class RollupGuideTests(SqliteNodeFixture node) : IClassFixture<SqliteNodeFixture>
{
    private static readonly string Root = FindRoot();

    private static readonly string Guide = File.ReadAllText(Path.Combine(Root, "docs", "ROLLUP-GUIDE.md"));

    /// <summary>The guide's example: <c>{"namespace": 42, "payload": "aGVsbG8gcm9sbHVw"}</c>, "hello rollup".</summary>
    private static readonly string ExampleHash = new Transaction(42, Convert.FromBase64String("aGVsbG8gcm9sbHVw")).Hash.ToHex();

    [Fact]
    public void The_example_submit_body_and_hash_match()
    {
        Assert.Contains("-d '{\"namespace\": 42, \"payload\": \"aGVsbG8gcm9sbHVw\"}'", Guide, StringComparison.Ordinal);
        Assert.Contains($"# {{\"hash\":\"{ExampleHash}\",", Guide, StringComparison.Ordinal);
        Assert.Contains($"curl -s http://127.0.0.1:27100/v1/status/tx/{ExampleHash}", Guide, StringComparison.Ordinal);
        Assert.Equal(Encoding.UTF8.GetBytes("hello rollup"), Convert.FromBase64String("aGVsbG8gcm9sbHVw"));
    }

    [Fact]
    public void The_binary_batch_example_answer_carries_the_hash_of_its_record()
    {
        // The xxd dump of the answer to namespace 42, payload "hi": status 0, then the 32-byte hash.
        var dumped = string.Concat(XxdLine().Matches(Guide).Select(m => m.Groups[1].Value.Replace(" ", "", StringComparison.Ordinal)));

        Assert.Equal("00" + new Transaction(42, "hi"u8.ToArray()).Hash.ToHex(), dumped);
    }

    [Theory]
    [InlineData("example")]
    [InlineData("program")]
    [InlineData("encrypted")]
    [InlineData("bundle")]
    public void The_guide_shows_the_compiled_program_exactly(string region)
    {
        Assert.Contains(Region(region), CSharpBlock().Matches(Guide).Select(m => Normalize(m.Groups[1].Value)));
    }

    [Fact]
    public void Every_csharp_block_of_the_guide_is_compiled_here()
    {
        string[] regions = [Region("example"), Region("program"), Region("encrypted"), Region("bundle")];

        Assert.All(CSharpBlock().Matches(Guide), block => Assert.Contains(Normalize(block.Groups[1].Value), regions));
    }

    [Fact]
    public async Task The_guide_program_runs_against_a_real_node_and_stops_cleanly_when_cancelled()
    {
        using var stop = new CancellationTokenSource();
        var log = new LineLog();
        var run = RollupExample.RunAsync(node.BaseUrl, Path.Combine(node.Directory, "genesis.json"), 42, log, stop.Token);

        // The transaction streamed back in its namespace is the last thing the program prints before it only waits.
        await log.WaitForAsync(line => line.Contains($": {ExampleHash} (12 bytes)", StringComparison.Ordinal), run, TimeSpan.FromSeconds(60));
        await stop.CancelAsync();

        Assert.Equal(0, await run);
        Assert.Equal($"{ExampleHash} received by validator 0", log.Lines[0]);
        Assert.Matches("^firm at height [0-9]+, index [0-9]+$", log.Lines[1]);
    }

    [Fact]
    public async Task The_guide_bundle_snippet_runs_against_a_real_node_and_finds_its_leg()
    {
        using var client = node.Client();

        var rollup8 = await RollupGuideBundle.SubmitBundleAsync(client);

        Assert.Contains(rollup8.Transactions, t => t.Payload.Span.SequenceEqual("release 10 B to alice"u8));
        Assert.Contains((await client.GetNamespaceAsync(rollup8.Height, 7)).Transactions, t => t.Payload.Span.SequenceEqual("swap 10 A for B"u8));
    }

    /// <summary>The text between <c>// guide:{region} begin</c> and <c>// guide:{region} end</c> in RollupGuideExample.cs.</summary>
    private static string Region(string region)
    {
        var source = File.ReadAllText(Path.Combine(Root, "tests", "Fairway.Api.Tests", "RollupGuideExample.cs"));
        var begin = source.IndexOf($"// guide:{region} begin\n", StringComparison.Ordinal);
        var end = source.IndexOf($"// guide:{region} end", StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, region);
        return Normalize(source[(source.IndexOf('\n', begin) + 1)..end]);
    }

    private static string Normalize(string code) =>
        string.Join('\n', code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Fairway.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root (Fairway.slnx) not found above the test binaries");
    }

    [GeneratedRegex("^# [0-9a-f]{8}: ((?:[0-9a-f]{2,4} )*[0-9a-f]{2,4})", RegexOptions.Multiline)]
    private static partial Regex XxdLine();

    [GeneratedRegex("```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    /// <summary>A log the program writes to while the test waits, on a condition, for a line to appear.</summary>
    private sealed class LineLog : TextWriter
    {
        private readonly List<string> _lines = [];
        private readonly StringBuilder _current = new();
        private readonly SemaphoreSlim _written = new(0);

        public override Encoding Encoding => Encoding.UTF8;

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public override void Write(char value)
        {
            lock (_lines)
            {
                if (value == '\n')
                {
                    _lines.Add(_current.ToString().TrimEnd('\r'));
                    _current.Clear();
                    _written.Release();
                }
                else
                {
                    _current.Append(value);
                }
            }
        }

        public async Task WaitForAsync(Func<string, bool> line, Task<int> run, TimeSpan within)
        {
            using var deadline = new CancellationTokenSource(within);
            while (!Lines.Any(line))
            {
                Assert.False(run.IsCompleted, $"the program ended early: {string.Join(" | ", Lines)}");
                // Wakes on every line written; the short bound only lets a program that ended early be noticed.
                await _written.WaitAsync(TimeSpan.FromSeconds(1), deadline.Token);
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _written.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

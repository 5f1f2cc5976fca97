using System.Security.Cryptography;
using Fairway.Node.Settlement;
using Fairway.Settlement;

namespace Fairway.Node.Tests;

/// The node's own-signature log on disk: what a restart reads back, and what it makes of a crash mid-write.
public sealed class AttestationLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fairway-attlog-").FullName;

    private string Path => System.IO.Path.Combine(_dir, "settlement.log");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Attestation Entry(ulong height) =>
        new(height, RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(65));

    /// Attestations hold arrays, so records compare by reference; this compares what is in them.
    private static string Text(Attestation? a) =>
        a is null ? "none" : $"{a.Height} {Convert.ToHexString(a.Parent)} {Convert.ToHexString(a.OutputHash)} {Convert.ToHexString(a.Signature)}";

    private List<Attestation> Write(params ulong[] heights)
    {
        using var log = new AttestationLog(Path);
        var written = heights.Select(Entry).ToList();
        foreach (var a in written)
        {
            log.Append(a);
        }

        return written;
    }

    private IReadOnlyList<string> Reopened()
    {
        using var log = new AttestationLog(Path);
        Assert.Equal(Text(log.Recent.LastOrDefault()), Text(log.Last));
        return log.Recent.Select(Text).ToList();
    }

    [Fact]
    public void Appended_entries_are_read_back_in_order_after_a_reopen()
    {
        Assert.Empty(Reopened());
        var written = Write(10, 20, 30);
        Assert.Equal(written.Select(Text), Reopened());
        // A second session appends after what the first wrote.
        written.AddRange(Write(40));
        Assert.Equal(written.Select(Text), Reopened());
        using var log = new AttestationLog(Path);
        Assert.Equal(Text(written[^1]), Text(log.Last));
    }

    [Fact]
    public void A_torn_last_line_is_dropped_and_cut_off_so_the_next_append_is_clean()
    {
        var written = Write(10, 20);
        var intact = new FileInfo(Path).Length;
        var torn = File.ReadAllText(Path).Split('\n')[0];
        File.AppendAllText(Path, torn[..(torn.Length / 2)]);

        Assert.Equal(written.Select(Text), Reopened());
        Assert.Equal(intact, new FileInfo(Path).Length);
        written.AddRange(Write(30));
        Assert.Equal(written.Select(Text), Reopened());
    }

    [Fact]
    public void A_last_line_missing_only_its_newline_is_torn_too()
    {
        var written = Write(10, 20);
        var intact = new FileInfo(Path).Length;
        // A whole entry but no newline: the append never returned, so its signature was never sent.
        File.AppendAllText(Path, File.ReadAllText(Path).Split('\n')[0].Replace("10 ", "30 ", StringComparison.Ordinal));

        Assert.Equal(written.Select(Text), Reopened());
        Assert.Equal(intact, new FileInfo(Path).Length);
        written.AddRange(Write(40));
        Assert.Equal(written.Select(Text), Reopened());
    }

    [Fact]
    public void Reading_stops_at_the_first_bad_line_and_the_file_is_cut_there()
    {
        var written = Write(10, 20);
        var intact = new FileInfo(Path).Length;
        var good = File.ReadAllText(Path).Split('\n')[0];
        File.AppendAllText(Path, "not an entry\n" + good + "\n");

        Assert.Equal(written.Select(Text), Reopened());
        Assert.Equal(intact, new FileInfo(Path).Length);

        foreach (var bad in new[] { good.Replace("10 ", "-1 ", StringComparison.Ordinal), good[..^2], good + " ff", good[..3] + "g" + good[4..], "" })
        {
            File.Delete(Path);
            var first = Write(10);
            File.AppendAllText(Path, bad + "\n" + good + "\n");
            Assert.Equal(first.Select(Text), Reopened());
        }
    }

    [Fact]
    public void Recent_keeps_only_the_newest_entries_in_memory()
    {
        var count = AttestationLog.RecentMax + 10;
        var written = Write([.. Enumerable.Range(1, count).Select(i => (ulong)i * 10)]);
        var recent = Reopened();
        Assert.Equal(AttestationLog.RecentMax, recent.Count);
        Assert.Equal(written.Skip(10).Select(Text), recent);

        using var log = new AttestationLog(Path);
        log.Append(Entry(99_990));
        Assert.Equal(AttestationLog.RecentMax, log.Recent.Count);
        Assert.Equal(written[11].Height, log.Recent.First().Height);
    }
}

using Fairway.Chaos.History;
using static Fairway.Chaos.Tests.History.HistoryBuilder;

namespace Fairway.Chaos.Tests.History;

public sealed class HistoryFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fairway-history-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static ChaosHistory Varied()
    {
        var b = Clean(nodes: 3, heights: 4);
        b.Ops.Add(new ClientOp(50, "aaaa0001", Ns, 1, 3_000, OpOutcome.Failed, Error: "connection reset"));
        b.Ops.Add(new ClientOp(51, "aaaa0002", ulong.MaxValue, 2, 3_100, OpOutcome.Refused, Error: "429 busy"));
        b.Ops.Add(new ClientOp(52, "aaaa0003", Ns, 0, 3_200, OpOutcome.Received, ReceivedAtMs: 3_210));
        b.Reconnects.Add(new StreamReconnect(2, Ns, 3, 4_500));
        b.Incomplete.Add(1);
        b.Outputs[1].Remove(4);
        b.Faults.Add(new FaultRecord("partition", "{0}|{1,2}", 1_000, 2_000, [0, 1, 2]));
        b.Faults.Add(new FaultRecord("clock", "+5s", 2_500, null, [2]));
        b.Progress.Add(new ProgressSample(60_500, [7, null, 6]));
        b.EndMs = 61_000;
        return b.Build();
    }

    [Fact]
    public void A_history_reads_back_as_written()
    {
        var written = Varied();
        var path = PathOf("h.jsonl");
        HistoryFile.Write(path, written);

        var read = HistoryFile.Read(path);

        Assert.Equal(written.EndMs, read.EndMs);
        Assert.Equal(written.Ops, read.Ops);
        Assert.Equal(written.Reconnects, read.Reconnects);
        Assert.Equal(written.Deliveries.Count, read.Deliveries.Count);
        foreach (var (a, b) in written.Deliveries.Zip(read.Deliveries))
        {
            Assert.Equal(a with { Transactions = [] }, b with { Transactions = [] });
            Assert.Equal(a.Transactions, b.Transactions);
        }
        Assert.Equal(written.Outputs.Count, read.Outputs.Count);
        foreach (var (a, b) in written.Outputs.Zip(read.Outputs))
        {
            Assert.Equal((a.Node, a.Namespace, a.Complete), (b.Node, b.Namespace, b.Complete));
            Assert.Equal(a.Heights.Keys.Order(), b.Heights.Keys.Order());
            foreach (var (height, output) in a.Heights)
            {
                Assert.Equal(output.OutputHash, b.Heights[height].OutputHash);
                Assert.Equal(output.Transactions, b.Heights[height].Transactions);
            }
        }
        Assert.Equal(written.Faults.Count, read.Faults.Count);
        foreach (var (a, b) in written.Faults.Zip(read.Faults))
        {
            Assert.Equal(a with { Nodes = [] }, b with { Nodes = [] });
            Assert.Equal(a.Nodes, b.Nodes);
        }
        Assert.Equal(written.Progress.Count, read.Progress.Count);
        foreach (var (a, b) in written.Progress.Zip(read.Progress))
        {
            Assert.Equal(a.AtMs, b.AtMs);
            Assert.Equal(a.Heights, b.Heights);
        }
        Assert.Equal(HistoryChecker.Check(written, new()), HistoryChecker.Check(read, new()), new ResultComparer());
    }

    [Fact]
    public void Lines_are_snake_case_records_with_a_type()
    {
        var path = PathOf("h.jsonl");
        HistoryFile.Write(path, Varied());
        var lines = File.ReadAllLines(path);

        Assert.StartsWith("{\"type\":\"history\",\"format\":1,\"end_ms\":61000}", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("{\"type\":\"op\",", StringComparison.Ordinal)
            && l.Contains("\"outcome\":\"received\"", StringComparison.Ordinal)
            && l.Contains("\"received_at_ms\":3210", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("{\"type\":\"output_height\",", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{\"type\":\"op\",\"id\":1", "not JSON")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("{\"id\":1}", "no \"type\"")]
    [InlineData("{\"type\":\"rumour\"}", "unknown record type")]
    [InlineData("{\"type\":\"op\",\"id\":1,\"namespace\":7,\"validator\":0,\"submitted_at_ms\":5,\"outcome\":\"firm\"}", "malformed \"op\"")]
    [InlineData("{\"type\":\"op\",\"id\":1,\"tx\":null,\"namespace\":7,\"validator\":0,\"submitted_at_ms\":5,\"outcome\":\"firm\"}", "malformed \"op\"")]
    [InlineData("{\"type\":\"op\",\"id\":1,\"tx\":\"ab\",\"namespace\":7,\"validator\":0,\"submitted_at_ms\":5,\"outcome\":\"maybe\"}", "malformed \"op\"")]
    [InlineData("{\"type\":\"output_height\",\"node\":9,\"namespace\":7,\"height\":1,\"output_hash\":\"ab\",\"transactions\":[]}", "before its \"output\" line")]
    [InlineData("{\"type\":\"delivery\",\"node\":0,\"namespace\":7,\"height\":1,\"output_hash\":\"ab\",\"transactions\":[null],\"at_ms\":1}", "null transaction")]
    [InlineData("{\"type\":\"history\",\"format\":1,\"end_ms\":5}", "second \"history\"")]
    public void A_malformed_line_is_rejected_naming_its_number(string bad, string why)
    {
        var path = PathOf("h.jsonl");
        HistoryFile.Write(path, Varied());
        var lines = File.ReadAllLines(path).ToList();
        lines.Insert(2, bad);
        File.WriteAllLines(path, lines);

        var e = Assert.Throws<InvalidDataException>(() => HistoryFile.Read(path));

        Assert.Contains("line 3:", e.Message, StringComparison.Ordinal);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_without_its_history_line_is_rejected()
    {
        var path = PathOf("h.jsonl");
        HistoryFile.Write(path, Varied());
        File.WriteAllLines(path, File.ReadAllLines(path).Skip(1));

        var e = Assert.Throws<InvalidDataException>(() => HistoryFile.Read(path));

        Assert.Contains("no \"history\" line", e.Message, StringComparison.Ordinal);
    }

    private sealed class ResultComparer : IEqualityComparer<CheckResult>
    {
        public bool Equals(CheckResult? x, CheckResult? y) =>
            x is not null && y is not null
            && x.Findings.SequenceEqual(y.Findings)
            && x.LongestStall == y.LongestStall
            && x.Counts.OrderBy(c => c.Key).SequenceEqual(y.Counts.OrderBy(c => c.Key));

        public int GetHashCode(CheckResult obj) => obj.Findings.Count;
    }
}

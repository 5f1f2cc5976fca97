using System.Security.Cryptography;
using System.Text;
using Fairway.Chaos.History;

namespace Fairway.Chaos.Tests.History;

/// <summary>
/// Builds a consistent history (one chain every node outputs and streams, every transaction firm, steady progress)
/// that a test then doctors through the mutable lists before <see cref="Build"/>.
/// </summary>
internal sealed class HistoryBuilder
{
    public const ulong Ns = 7;

    public List<List<string>> Chain { get; } = [];
    public List<ClientOp> Ops { get; } = [];
    public List<StreamDelivery> Deliveries { get; } = [];
    public List<StreamReconnect> Reconnects { get; } = [];
    public Dictionary<int, Dictionary<ulong, HeightOutput>> Outputs { get; } = [];
    public HashSet<int> Incomplete { get; } = [];
    public List<FaultRecord> Faults { get; } = [];
    public List<ProgressSample> Progress { get; } = [];
    public int Nodes { get; }
    public long EndMs { get; set; } = 60_000;

    private HistoryBuilder(int nodes) => Nodes = nodes;

    /// <summary>Height h (1-based) is delivered at h seconds; progress rises one height per sample until the end.</summary>
    public static HistoryBuilder Clean(int nodes = 4, int heights = 5, int txsPerHeight = 3) =>
        FromChain(nodes, [.. Enumerable.Range(1, heights).Select(h => Enumerable.Range(0, txsPerHeight).Select(i => Tx(h, i)).ToList())]);

    public static HistoryBuilder FromChain(int nodes, List<List<string>> chain)
    {
        var b = new HistoryBuilder(nodes);
        b.Chain.AddRange(chain);
        var seen = new HashSet<string>();
        for (var h = 1; h <= chain.Count; h++)
        {
            var txs = chain[h - 1];
            var output = new HeightOutput(Hash(txs), txs);
            for (var n = 0; n < nodes; n++)
            {
                if (!b.Outputs.TryGetValue(n, out var heights))
                    b.Outputs[n] = heights = [];
                heights[(ulong)h] = output;
                b.Deliveries.Add(new StreamDelivery(n, Ns, (ulong)h, output.OutputHash, txs, h * 1_000L + n));
            }
            for (var i = 0; i < txs.Count; i++)
            {
                if (!seen.Add(txs[i]))
                    continue;
                b.Ops.Add(new ClientOp(b.Ops.Count, txs[i], Ns, b.Ops.Count % nodes, h * 1_000L - 500, OpOutcome.Firm,
                    ReceivedAtMs: h * 1_000L - 490, FirmAtMs: h * 1_000L + 100, FirmHeight: (ulong)h, FirmIndex: i));
            }
        }
        for (var t = 0L; t <= b.EndMs; t += 500)
            b.Progress.Add(new ProgressSample(t, [.. Enumerable.Repeat<ulong?>((ulong)(t / 500 + 1), nodes)]));
        return b;
    }

    public static string Tx(int height, int index) => $"{height:x4}{index:x4}";

    public static string Hash(IEnumerable<string> txs) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(",", txs))));

    public ChaosHistory Build() => new(
        Ops,
        Deliveries,
        Reconnects,
        [.. Outputs.OrderBy(o => o.Key).Select(o => new NodeOutputs(o.Key, Ns, o.Value, !Incomplete.Contains(o.Key)))],
        Faults,
        Progress,
        EndMs);

    /// <summary>Replaces one node's output at a height, keeping its stream consistent with it.</summary>
    public void SetNodeHeight(int node, ulong height, HeightOutput output)
    {
        Outputs[node][height] = output;
        var i = Deliveries.FindIndex(d => d.Node == node && d.Height == height);
        Deliveries[i] = Deliveries[i] with { OutputHash = output.OutputHash, Transactions = output.Transactions };
    }

    /// <summary>Rewrites each node's sampled height (null: unreachable) in [fromMs, toMs) from (time, node, height).</summary>
    public void SetProgress(long fromMs, long toMs, Func<long, int, ulong?, ulong?> height)
    {
        for (var i = 0; i < Progress.Count; i++)
        {
            var at = Progress[i].AtMs;
            if (at >= fromMs && at < toMs)
                Progress[i] = Progress[i] with { Heights = [.. Progress[i].Heights.Select((h, n) => height(at, n, h))] };
        }
    }
}

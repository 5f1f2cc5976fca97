namespace Fairway.Chaos.History;

/// <summary>
/// The nodes' final outputs indexed for the other checks (where each transaction sits, on each node and first seen
/// anywhere), checked on the way in for duplicates, cross-node position mismatches and diverging heights.
/// </summary>
internal sealed class OutputIndex
{
    private readonly Dictionary<NodeStream, NodeOutputs> _outputs = [];
    private readonly Dictionary<NodeStream, ulong> _tips = [];
    private readonly Dictionary<NodeStream, Dictionary<string, TxPosition>> _positions = [];
    private readonly Dictionary<TxKey, (int Node, TxPosition At)> _first = [];
    private readonly Dictionary<ulong, List<NodeOutputs>> _completeByNamespace = [];

    public int HeightsCompared { get; private set; }

    /// <summary>Outputs given twice for one node and namespace; only the first is used.</summary>
    public int Ignored { get; private set; }

    public static OutputIndex Build(IReadOnlyList<NodeOutputs> outputs, FindingSink findings)
    {
        var index = new OutputIndex();
        foreach (var output in outputs)
        {
            if (!index._outputs.TryAdd(new NodeStream(output.Node, output.Namespace), output))
                index.Ignored++;
        }
        // Sorted so that "first" (the reference a mismatch is reported against) does not depend on the input order.
        var streams = index._outputs.Keys.Order().ToList();
        foreach (var stream in streams)
            index.IndexNode(stream, index._outputs[stream], findings);
        index.CompareHeights(streams, findings);
        return index;
    }

    /// <summary>Where the transaction sits on the first node (in node order) whose output holds it.</summary>
    public bool TryLocate(TxKey tx, out int node, out TxPosition at)
    {
        var found = _first.TryGetValue(tx, out var first);
        (node, at) = first;
        return found;
    }

    public bool Holds(NodeStream stream, string tx) => _positions.TryGetValue(stream, out var map) && map.ContainsKey(tx);

    public HeightOutput? At(NodeStream stream, ulong height) =>
        _outputs.TryGetValue(stream, out var output) ? output.Heights.GetValueOrDefault(height) : null;

    public ulong Tip(NodeStream stream) => _tips.GetValueOrDefault(stream);

    public IReadOnlyList<NodeOutputs> Complete(ulong ns) => _completeByNamespace.TryGetValue(ns, out var list) ? list : [];

    public static bool Same(HeightOutput output, string hash, IReadOnlyList<string> transactions) =>
        string.Equals(output.OutputHash, hash, StringComparison.Ordinal) && SameTransactions(output.Transactions, transactions);

    public static bool SameTransactions(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        if (a.Count != b.Count)
            return false;
        for (var i = 0; i < a.Count; i++)
        {
            if (!string.Equals(a[i], b[i], StringComparison.Ordinal))
                return false;
        }
        return true;
    }

    private void IndexNode(NodeStream stream, NodeOutputs output, FindingSink findings)
    {
        if (output.Complete)
        {
            if (!_completeByNamespace.TryGetValue(stream.Namespace, out var complete))
            {
                complete = [];
                _completeByNamespace[stream.Namespace] = complete;
            }
            complete.Add(output);
        }
        var positions = new Dictionary<string, TxPosition>(StringComparer.Ordinal);
        _positions[stream] = positions;
        ulong tip = 0;
        foreach (var height in output.Heights.Keys.Order())
        {
            tip = height;
            var transactions = output.Heights[height].Transactions;
            for (var i = 0; i < transactions.Count; i++)
            {
                var tx = transactions[i];
                var at = new TxPosition(height, i);
                if (!positions.TryAdd(tx, at))
                {
                    findings.Add(FindingKinds.Duplicate, $"tx {tx}: {stream} output has it at {positions[tx]} and again at {at}");
                    continue;
                }
                var key = new TxKey(stream.Namespace, tx);
                if (!_first.TryAdd(key, (stream.Node, at)) && _first[key].At != at)
                {
                    var (firstNode, firstAt) = _first[key];
                    findings.Add(FindingKinds.PositionMismatch,
                        $"tx {tx} namespace {stream.Namespace}: node {firstNode} output has it at {firstAt}, node {stream.Node} at {at}");
                }
            }
        }
        _tips[stream] = tip;
    }

    private void CompareHeights(List<NodeStream> streams, FindingSink findings)
    {
        foreach (var group in streams.GroupBy(s => s.Namespace))
        {
            var reference = new Dictionary<ulong, (int Node, HeightOutput Output)>();
            var compared = new HashSet<ulong>();
            foreach (var stream in group)
            {
                foreach (var (height, output) in _outputs[stream].Heights.OrderBy(h => h.Key))
                {
                    if (!reference.TryGetValue(height, out var first))
                    {
                        reference[height] = (stream.Node, output);
                        continue;
                    }
                    compared.Add(height);
                    if (Same(first.Output, output.OutputHash, output.Transactions))
                        continue;
                    var how = string.Equals(first.Output.OutputHash, output.OutputHash, StringComparison.Ordinal)
                        ? "the same hash over different transactions"
                        : "a different hash";
                    findings.Add(FindingKinds.OutputDivergence,
                        $"namespace {group.Key} height {height}: node {stream.Node} has output {output.OutputHash} " +
                        $"({output.Transactions.Count} txs), node {first.Node} has {first.Output.OutputHash} " +
                        $"({first.Output.Transactions.Count} txs): {how}");
                }
            }
            HeightsCompared += compared.Count;
        }
    }
}

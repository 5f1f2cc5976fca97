namespace Fairway.Chaos.History;

/// <summary>
/// The checks on each node's namespace stream: heights come in order without holes, a height never changes once
/// delivered, and a transaction is delivered at one height only.
/// </summary>
internal static class StreamChecks
{
    public static void Run(ChaosHistory history, OutputIndex outputs, FindingSink findings)
    {
        var deliveries = history.Deliveries
            .Select((d, i) => (d, i))
            .GroupBy(x => new NodeStream(x.d.Node, x.d.Namespace))
            .ToDictionary(g => g.Key, g => g.OrderBy(x => x.d.AtMs).ThenBy(x => x.i).Select(x => x.d).ToList());
        var reconnects = history.Reconnects
            .Select((r, i) => (r, i))
            .GroupBy(x => new NodeStream(x.r.Node, x.r.Namespace))
            .ToDictionary(g => g.Key, g => g.OrderBy(x => x.r.AtMs).ThenBy(x => x.i).Select(x => x.r).ToList());
        foreach (var stream in deliveries.Keys.Union(reconnects.Keys).Order())
        {
            var delivered = deliveries.GetValueOrDefault(stream) ?? [];
            var resumed = reconnects.GetValueOrDefault(stream) ?? [];
            CheckStream(stream, Merge(delivered, resumed), delivered, outputs, findings);
        }
    }

    /// <summary>
    /// One time line of a stream's deliveries and reconnects. The two lists only share a millisecond clock, so at a tie
    /// a reconnect goes first unless the delivery is below the height it resumes from (which cannot follow it): a
    /// reader reconnects and is sent its first height within the same millisecond far more often than it is sent a
    /// height, loses the stream and comes back within one.
    /// </summary>
    private static List<object> Merge(List<StreamDelivery> delivered, List<StreamReconnect> resumed)
    {
        var merged = new List<object>(delivered.Count + resumed.Count);
        int d = 0, r = 0;
        while (d < delivered.Count || r < resumed.Count)
        {
            var takeReconnect = d == delivered.Count
                || (r < resumed.Count && (resumed[r].AtMs < delivered[d].AtMs
                    || (resumed[r].AtMs == delivered[d].AtMs && delivered[d].Height >= resumed[r].ResumeFromHeight)));
            merged.Add(takeReconnect ? resumed[r++] : delivered[d++]);
        }
        return merged;
    }

    private static void CheckStream(NodeStream stream, List<object> timeline, List<StreamDelivery> delivered, OutputIndex outputs, FindingSink findings)
    {
        if (timeline.Count == 0)
            return;
        // The first reconnect record, if it comes before any delivery, says where the reader asked to start;
        // otherwise the lowest height it was sent is taken as the start.
        var expected = timeline[0] is StreamReconnect first
            ? first.ResumeFromHeight
            : delivered.Min(x => x.Height);
        var next = expected;
        ulong? last = null;
        var firstAt = new Dictionary<ulong, StreamDelivery>();
        var txHeight = new Dictionary<string, ulong>(StringComparer.Ordinal);
        var reported = new HashSet<string>(StringComparer.Ordinal);
        var inDelivery = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in timeline)
        {
            if (item is StreamReconnect reconnect)
            {
                if (reconnect.ResumeFromHeight > next)
                {
                    findings.Add(FindingKinds.StreamGap,
                        $"{stream}: resumed from height {reconnect.ResumeFromHeight} at {reconnect.AtMs} ms " +
                        $"but had only been delivered up to {(last is { } l ? l.ToString() : "nothing")}");
                }
                expected = reconnect.ResumeFromHeight;
                continue;
            }
            var delivery = (StreamDelivery)item;
            if (delivery.Height != expected)
            {
                findings.Add(FindingKinds.StreamGap,
                    $"{stream}: delivered height {delivery.Height} at {delivery.AtMs} ms where height {expected} was due " +
                    $"(last delivered {(last is { } l ? l.ToString() : "nothing")})");
            }
            expected = delivery.Height + 1;
            last = delivery.Height;
            next = Math.Max(next, delivery.Height + 1);
            CheckContent(stream, delivery, firstAt, outputs, findings);
            CheckDuplicates(stream, delivery, txHeight, inDelivery, reported, findings);
        }
    }

    private static void CheckContent(NodeStream stream, StreamDelivery delivery, Dictionary<ulong, StreamDelivery> firstAt, OutputIndex outputs, FindingSink findings)
    {
        var final = outputs.At(stream, delivery.Height);
        if (final is not null && !OutputIndex.Same(final, delivery.OutputHash, delivery.Transactions))
        {
            findings.Add(FindingKinds.PositionChanged,
                $"{stream} height {delivery.Height}: delivered {delivery.OutputHash} ({delivery.Transactions.Count} txs) at " +
                $"{delivery.AtMs} ms, final output is {final.OutputHash} ({final.Transactions.Count} txs)");
        }
        else if (firstAt.TryGetValue(delivery.Height, out var earlier))
        {
            if (!string.Equals(earlier.OutputHash, delivery.OutputHash, StringComparison.Ordinal)
                || !OutputIndex.SameTransactions(earlier.Transactions, delivery.Transactions))
            {
                findings.Add(FindingKinds.PositionChanged,
                    $"{stream} height {delivery.Height}: delivered {earlier.OutputHash} ({earlier.Transactions.Count} txs) at " +
                    $"{earlier.AtMs} ms, then {delivery.OutputHash} ({delivery.Transactions.Count} txs) at {delivery.AtMs} ms");
            }
        }
        firstAt.TryAdd(delivery.Height, delivery);
    }

    private static void CheckDuplicates(NodeStream stream, StreamDelivery delivery, Dictionary<string, ulong> txHeight,
        HashSet<string> inDelivery, HashSet<string> reported, FindingSink findings)
    {
        inDelivery.Clear();
        foreach (var tx in delivery.Transactions)
        {
            var twiceHere = !inDelivery.Add(tx);
            if (twiceHere || (!txHeight.TryAdd(tx, delivery.Height) && txHeight[tx] != delivery.Height))
            {
                if (reported.Add(tx))
                {
                    findings.Add(FindingKinds.Duplicate,
                        $"tx {tx}: {stream} stream delivered it at height {txHeight[tx]} and again at height {delivery.Height}");
                }
            }
        }
    }
}

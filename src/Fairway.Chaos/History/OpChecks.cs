namespace Fairway.Chaos.History;

/// <summary>The checks on what clients were told: firm transactions kept where they were promised, receipts honoured.</summary>
internal static class OpChecks
{
    // A receipt does not survive its validator losing its state; a clean stop does not lose it.
    private static readonly HashSet<string> CrashKinds = new(StringComparer.Ordinal) { "kill", "restart", "disk" };

    public static void Run(ChaosHistory history, CheckOptions options, OutputIndex outputs, FindingSink findings, Dictionary<string, int> counts)
    {
        var crashes = history.Faults
            .Where(f => CrashKinds.Contains(f.Kind))
            .SelectMany(f => f.Nodes.Distinct().Select(n => (Node: n, Fault: f)))
            .GroupBy(x => x.Node)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Fault).ToList());
        var settledBy = history.EndMs - options.SettleMs;
        var firmChecked = new HashSet<TxKey>();
        int firm = 0, received = 0, failed = 0, refused = 0, lostToCrash = 0, unverifiable = 0, belowTip = 0;
        foreach (var op in history.Ops)
        {
            switch (op.Outcome)
            {
                case OpOutcome.Firm: firm++; break;
                case OpOutcome.Received: received++; break;
                case OpOutcome.Failed: failed++; break;
                default: refused++; break;
            }
            if (op.Outcome is not (OpOutcome.Firm or OpOutcome.Received))
                continue;
            var key = new TxKey(op.Namespace, op.Tx);
            var located = outputs.TryLocate(key, out var node, out var at);
            if (op.Outcome == OpOutcome.Firm)
            {
                CheckFirmPosition(op, located, node, at, findings);
                if (firmChecked.Add(key))
                    belowTip += CheckFirmKept(op, located ? at.Height : op.FirmHeight, outputs, findings);
            }
            if (located)
                continue;
            // Absence proves nothing when no node could be read to the end.
            if (outputs.Complete(op.Namespace).Count == 0)
            {
                unverifiable++;
                continue;
            }
            var receivedAt = op.ReceivedAtMs ?? op.FirmAtMs ?? op.SubmittedAtMs;
            if (receivedAt >= settledBy)
                continue;
            if (crashes.TryGetValue(op.Validator, out var faults) && faults.Any(f => f.Overlaps(receivedAt, settledBy)))
            {
                lostToCrash++;
                continue;
            }
            findings.Add(FindingKinds.ReceiptLost,
                $"tx {op.Tx} namespace {op.Namespace}: op {op.Id} got a receipt from validator {op.Validator} at {receivedAt} ms " +
                $"({op.Outcome.ToString().ToLowerInvariant()}) and is in no node's output");
        }
        if (history.Ops.Count > 0 && firm == 0)
            findings.Add(FindingKinds.NotCommitted, $"none of {history.Ops.Count} client operations was seen firm");
        counts["ops_firm"] = firm;
        counts["ops_received"] = received;
        counts["ops_failed"] = failed;
        counts["ops_refused"] = refused;
        counts["receipts_lost_to_crash"] = lostToCrash;
        counts["receipts_unverifiable"] = unverifiable;
        counts["firm_checks_below_tip"] = belowTip;
    }

    private static void CheckFirmPosition(ClientOp op, bool located, int node, TxPosition at, FindingSink findings)
    {
        if (!located || op.FirmHeight is not { } height)
            return;
        if (height == at.Height && (op.FirmIndex is not { } index || index == at.Index))
            return;
        findings.Add(FindingKinds.PositionMismatch,
            $"tx {op.Tx} namespace {op.Namespace}: op {op.Id} was told firm at ({height}, {op.FirmIndex?.ToString() ?? "?"}) " +
            $"by validator {op.Validator}, node {node} output has it at {at}");
    }

    /// <summary>Reports the complete outputs that lack a firm transaction; returns how many could not be judged.</summary>
    /// <remarks>
    /// A node whose output ends below the transaction's height has not lost it, only not reached it: lagging is for the
    /// resume check to judge, so such nodes are counted, not reported.
    /// </remarks>
    private static int CheckFirmKept(ClientOp op, ulong? height, OutputIndex outputs, FindingSink findings)
    {
        var missing = new List<int>();
        var belowTip = 0;
        foreach (var output in outputs.Complete(op.Namespace))
        {
            var stream = new NodeStream(output.Node, output.Namespace);
            if (outputs.Holds(stream, op.Tx))
                continue;
            if (height is { } h && outputs.Tip(stream) < h)
            {
                belowTip++;
                continue;
            }
            missing.Add(output.Node);
        }
        if (missing.Count > 0)
        {
            var where = height is { } h2 ? $"height {h2}" : "no height";
            findings.Add(FindingKinds.FirmMissing,
                $"tx {op.Tx} namespace {op.Namespace}: op {op.Id} saw it firm ({where}, validator {op.Validator}) " +
                $"but it is missing from the output of node(s) {string.Join(", ", missing)}");
        }
        return belowTip;
    }
}

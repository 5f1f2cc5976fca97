using Fairway.Core.Crypto;

namespace Fairway.Cli.Audit;

/// <summary>
/// Reorderings that contradict the receive evidence. Transaction B, output ahead of transaction A, is a finding when
/// every validator with a reading of B also has one of A, and each of them read A at least Δ before B on its own clock.
/// <para>Why this rule: each comparison is of two readings of one clock, so clock skew between validators does not
/// enter it. Requiring every witness of B (not a majority) keeps it quiet on honest noise: an honest validator batches
/// in receive order and leaders take its batches in arrival order, so B can only come out first if some validator saw B
/// early (it would then be a witness that read B before A) or a batch sat unordered for Δ. Under <c>fair</c> the
/// witnesses include every list naming B, so a minority cannot fake a finding against the honest ones; under
/// <c>fcfs</c> the witnesses are the receipts handed to the auditor, and a receipt for B from another validator that
/// is not handed in could explain the order: hand in every receipt a transaction got.</para>
/// </summary>
internal static class ReorderingCheck
{
    public static List<AuditFinding> Find(IReadOnlyList<AuditedBlock> blocks, ReceiveEvidence evidence, AuditOptions options)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(options);
        var order = new List<(Hash Tx, ulong Height, IReadOnlyDictionary<int, ulong> Readings)>();
        var seen = new HashSet<Hash>();
        foreach (var block in blocks)
        {
            foreach (var tx in block.Transactions)
            {
                if (seen.Add(tx.Hash) && evidence.ReadingsOf(tx.Hash) is { Count: > 0 } readings)
                {
                    order.Add((tx.Hash, block.Height, readings));
                }
            }
        }

        var findings = new List<AuditFinding>();
        for (var j = 0; j < order.Count; j++)
        {
            var ahead = order[j];
            var count = 0;
            var widest = 0UL;
            var widestAt = -1;
            int[] witnesses = [];
            var end = Math.Min(order.Count, j + 1 + options.ReorderingWindow);
            for (var i = j + 1; i < end; i++)
            {
                if (ReceivedEarlier(order[i].Readings, ahead.Readings, options.DeltaMs, out var gap, out var by))
                {
                    count++;
                    if (widestAt < 0 || gap > widest)
                    {
                        widest = gap;
                        widestAt = i;
                        witnesses = by;
                    }
                }
            }

            if (count > 0)
            {
                findings.Add(new AuditFinding(FindingKind.Reordering, ahead.Height, ahead.Tx)
                {
                    AheadOf = order[widestAt].Tx,
                    AheadOfHeight = order[widestAt].Height,
                    AheadOfCount = count,
                    GapMs = widest,
                    Validators = witnesses,
                });
            }
        }

        return findings;
    }

    /// <summary>
    /// True when every validator with a reading of <paramref name="later"/> read <paramref name="earlier"/> at least
    /// <paramref name="deltaMs"/> before it; the smallest such gap and those validators.
    /// </summary>
    internal static bool ReceivedEarlier(IReadOnlyDictionary<int, ulong> earlier, IReadOnlyDictionary<int, ulong> later, ulong deltaMs, out ulong smallestGapMs, out int[] witnesses)
    {
        smallestGapMs = ulong.MaxValue;
        witnesses = [];
        if (later.Count == 0)
        {
            return false;
        }

        foreach (var (validator, laterAt) in later)
        {
            if (!earlier.TryGetValue(validator, out var earlierAt) || earlierAt > laterAt || laterAt - earlierAt < deltaMs)
            {
                return false;
            }

            smallestGapMs = Math.Min(smallestGapMs, laterAt - earlierAt);
        }

        witnesses = [.. later.Keys.Order()];
        return true;
    }
}

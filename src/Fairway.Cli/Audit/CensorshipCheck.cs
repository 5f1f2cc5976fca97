using Fairway.Core.Crypto;

namespace Fairway.Cli.Audit;

/// <summary>
/// Receipts not followed by inclusion: a validator signed that it received a transaction of the namespace, the receipt is
/// older than the deadline at the last audited block, and the transaction is in none of the audited heights nor, as far
/// as the caller found (<c>committedElsewhere</c>: looked up by hash, verified), anywhere else in the chain.
/// </summary>
internal static class CensorshipCheck
{
    /// <summary>Transactions with overdue receipts missing from the audited output: what the caller must look up before <see cref="Find"/>.</summary>
    public static List<Hash> Candidates(IReadOnlyList<AuditedBlock> blocks, IEnumerable<HeldReceipt> receipts, ulong @namespace, AuditOptions options) =>
        [.. Overdue(blocks, receipts, @namespace, options).Select(g => g.Key)];

    public static List<AuditFinding> Find(
        IReadOnlyList<AuditedBlock> blocks, IEnumerable<HeldReceipt> receipts, ulong @namespace, IReadOnlySet<Hash> committedElsewhere, AuditOptions options)
    {
        ArgumentNullException.ThrowIfNull(committedElsewhere);
        var findings = new List<AuditFinding>();
        foreach (var group in Overdue(blocks, receipts, @namespace, options))
        {
            if (committedElsewhere.Contains(group.Key))
            {
                continue;
            }

            var last = blocks[^1];
            var earliest = group.Min(r => r.ReceivedAtMs);
            findings.Add(new AuditFinding(FindingKind.Censorship, last.Height, group.Key)
            {
                Validators = [.. group.Select(r => r.Validator).Distinct().Order()],
                ReceivedAtMs = earliest,
                AgeMs = last.TimestampMs - earliest,
            });
        }

        return findings;
    }

    private static IEnumerable<IGrouping<Hash, HeldReceipt>> Overdue(IReadOnlyList<AuditedBlock> blocks, IEnumerable<HeldReceipt> receipts, ulong @namespace, AuditOptions options)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(receipts);
        ArgumentNullException.ThrowIfNull(options);
        if (blocks.Count == 0)
        {
            return [];
        }

        var deadlineAt = blocks[^1].TimestampMs;
        var output = blocks.SelectMany(b => b.Transactions).Select(t => t.Hash).ToHashSet();
        return receipts
            .Where(r => r.Namespace == @namespace && !output.Contains(r.Transaction) && r.ReceivedAtMs <= deadlineAt && deadlineAt - r.ReceivedAtMs >= options.CensorshipDeadlineMs)
            .GroupBy(r => r.Transaction)
            .OrderBy(g => g.Min(r => r.ReceivedAtMs))
            .ToList();
    }
}

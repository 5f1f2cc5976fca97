using Fairway.Core.Crypto;

namespace Fairway.Cli.Audit;

/// <summary>
/// The fairness auditor's core: verified blocks of one namespace, the receipts users hold, and what the caller found
/// committed outside the audited heights, in; findings out. No I/O: <c>fairway audit</c> reads and verifies, this judges.
/// </summary>
internal static class FairnessAuditor
{
    public static AuditReport Audit(
        IReadOnlyList<AuditedBlock> blocks, IReadOnlyList<HeldReceipt> receipts, ulong @namespace, IReadOnlySet<Hash> committedElsewhere, AuditOptions options)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(receipts);
        var inNamespace = receipts.Where(r => r.Namespace == @namespace).ToList();
        var evidence = ReceiveEvidence.From(blocks, inNamespace);
        var findings = new List<AuditFinding>();
        findings.AddRange(ReorderingCheck.Find(blocks, evidence, options));
        findings.AddRange(SandwichCheck.Find(blocks));
        findings.AddRange(CensorshipCheck.Find(blocks, inNamespace, @namespace, committedElsewhere, options));
        return new AuditReport(blocks.Count, blocks.Sum(b => b.Transactions.Count), evidence.TransactionCount, findings);
    }
}

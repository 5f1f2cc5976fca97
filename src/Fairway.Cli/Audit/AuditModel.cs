using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Inclusion;

namespace Fairway.Cli.Audit;

/// <summary>A list's entry for an audited transaction: validator <paramref name="Validator"/> first held it at <paramref name="ReceivedAtMs"/> by its clock.</summary>
internal readonly record struct ListReading(int Validator, Hash Transaction, ulong ReceivedAtMs);

/// <summary>
/// One verified height of the audited namespace: its transactions in output order, and what the block's candidate lists
/// say about those transactions.
/// </summary>
internal sealed record AuditedBlock(ulong Height, ulong TimestampMs, IReadOnlyList<Transaction> Transactions, IReadOnlyList<ListReading> Readings)
{
    /// <summary>
    /// Keeps only the list entries of this height's own output: the block that includes a fair transaction carries lists
    /// naming it from more than the faulty stake, and a list names a transaction with the same receive time every round
    /// until it is output. Everything else in the lists (other namespaces, transactions not yet included) is dropped, so
    /// a run over many heights of a busy chain holds a few readings per audited transaction, not every list.
    /// </summary>
    public static AuditedBlock Of(ulong height, ulong timestampMs, IReadOnlyList<Transaction> transactions, IReadOnlyList<CandidateList> lists)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        ArgumentNullException.ThrowIfNull(lists);
        var readings = new List<ListReading>();
        if (transactions.Count > 0)
        {
            foreach (var list in lists)
            {
                foreach (var tx in transactions)
                {
                    if (list.TryGetReceivedAt(tx.Hash, out var at))
                    {
                        readings.Add(new ListReading(list.Validator, tx.Hash, at));
                    }
                }
            }
        }

        return new AuditedBlock(height, timestampMs, transactions, readings);
    }
}

/// <summary>A receipt whose signature was checked: validator <paramref name="Validator"/> received the transaction at <paramref name="ReceivedAtMs"/> by its clock.</summary>
internal sealed record HeldReceipt(Hash Transaction, ulong Namespace, int Validator, ulong ReceivedAtMs);

/// <summary>The auditor's thresholds.</summary>
internal sealed record AuditOptions
{
    /// <summary>
    /// How much earlier every witness must have received a transaction for a later one ordered ahead of it to count as a
    /// reordering; it absorbs honest batching and proposal noise (a batch interval, a failed round or two).
    /// </summary>
    public ulong DeltaMs { get; init; } = 1_000;

    /// <summary>How old a receipt must be, against the last audited block's timestamp, before its transaction's absence counts as censorship.</summary>
    public ulong CensorshipDeadlineMs { get; init; } = 10_000;

    /// <summary>Transactions with receive evidence compared against each other at most this many output positions apart: bounds the pairwise work.</summary>
    public int ReorderingWindow { get; init; } = 2_048;
}

internal static class FindingKind
{
    public const string Reordering = "reordering";
    public const string Sandwich = "sandwich";
    public const string Censorship = "censorship";

    public static readonly string[] All = [Reordering, Sandwich, Censorship];
}

/// <summary>
/// What the auditor found. <see cref="Tx"/> is the transaction that profited or suffered: for a reordering the one moved
/// ahead, for a sandwich the front-run, for censorship the one left out. The other fields are set by kind.
/// </summary>
internal sealed record AuditFinding(string Kind, ulong Height, Hash Tx)
{
    /// <summary>Reordering: the earlier-received transaction <see cref="AuditFinding.Tx"/> was put ahead of (the one with the widest gap).</summary>
    public Hash? AheadOf { get; init; }

    public ulong? AheadOfHeight { get; init; }

    /// <summary>Reordering: how many earlier-received transactions it was put ahead of.</summary>
    public int? AheadOfCount { get; init; }

    /// <summary>Reordering: the smallest gap, over the witnesses, between their receipt of <see cref="AheadOf"/> and of <see cref="AuditFinding.Tx"/>.</summary>
    public ulong? GapMs { get; init; }

    /// <summary>Reordering: the validators whose receive evidence the order contradicts; censorship: the validators whose receipts were not followed by inclusion.</summary>
    public IReadOnlyList<int>? Validators { get; init; }

    public Hash? Victim { get; init; }

    public Hash? BackRun { get; init; }

    public ulong? BackRunHeight { get; init; }

    /// <summary>Sandwich: the attacker's rollup account (Ed25519 public key, hex).</summary>
    public string? Sender { get; init; }

    /// <summary>Censorship: the earliest receipt's time and its age at the last audited block.</summary>
    public ulong? ReceivedAtMs { get; init; }

    public ulong? AgeMs { get; init; }
}

/// <summary>What one audit run read and found.</summary>
internal sealed record AuditReport(int BlocksChecked, int TransactionsChecked, int TransactionsWithEvidence, IReadOnlyList<AuditFinding> Findings)
{
    public IReadOnlyDictionary<string, int> Summary =>
        FindingKind.All.ToDictionary(k => k, k => Findings.Count(f => f.Kind == k), StringComparer.Ordinal);
}

using Fairway.Core.Crypto;

namespace Fairway.Cli.Audit;

/// <summary>
/// Who received which transaction when, each by its own clock: from the candidate lists the audited blocks carry (fair
/// namespaces) and from receipts users hold (any namespace). A validator's earliest reading of a transaction is kept,
/// since a list names what it first saw and a receipt when a client handed it over. Only transactions the caller
/// names are kept, so the size is bounded by the audited output.
/// </summary>
internal sealed class ReceiveEvidence
{
    private readonly Dictionary<Hash, Dictionary<int, ulong>> _readings = [];
    private readonly HashSet<Hash> _relevant;

    public ReceiveEvidence(IEnumerable<Hash> relevant)
    {
        _relevant = [.. relevant];
    }

    public int TransactionCount => _readings.Count;

    public void Add(Hash transaction, int validator, ulong receivedAtMs)
    {
        if (!_relevant.Contains(transaction))
        {
            return;
        }

        if (!_readings.TryGetValue(transaction, out var byValidator))
        {
            _readings[transaction] = byValidator = [];
        }

        byValidator[validator] = byValidator.TryGetValue(validator, out var known) ? Math.Min(known, receivedAtMs) : receivedAtMs;
    }

    /// <summary>Every list reading the blocks kept, and every receipt.</summary>
    public static ReceiveEvidence From(IReadOnlyList<AuditedBlock> blocks, IEnumerable<HeldReceipt> receipts)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(receipts);
        var evidence = new ReceiveEvidence(blocks.SelectMany(b => b.Transactions).Select(t => t.Hash));
        foreach (var reading in blocks.SelectMany(b => b.Readings))
        {
            evidence.Add(reading.Transaction, reading.Validator, reading.ReceivedAtMs);
        }

        foreach (var receipt in receipts)
        {
            evidence.Add(receipt.Transaction, receipt.Validator, receipt.ReceivedAtMs);
        }

        return evidence;
    }

    public IReadOnlyDictionary<int, ulong>? ReadingsOf(Hash transaction) => _readings.GetValueOrDefault(transaction);
}

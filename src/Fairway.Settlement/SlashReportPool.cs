using System.Numerics;

namespace Fairway.Settlement;

/// <summary>A validator's settlement-key signature on a slash report: "validator account X committed the offence with this evidence hash".</summary>
public sealed record SlashReport(string Validator, byte[] EvidenceHash, byte[] Signature)
{
    public const int EvidenceHashSize = 32;
}

/// <summary>
/// Slash reports gathered from the validators, pure and bounded (<see cref="ReportsMax"/> offences, one signature per
/// staked key each): for evidence the L1 cannot check itself, more than 2/3 of an epoch's weight must sign the same
/// report before the light client slashes. Signatures by keys without weight in the snapshot given are refused, so
/// strangers cannot fill it.
/// </summary>
public sealed class SlashReportPool(BigInteger l1ChainId, string lightClient)
{
    public const int ReportsMax = 64;

    private readonly Dictionary<string, Entry> _reports = new(StringComparer.Ordinal);

    private sealed class Entry(string validator, byte[] evidenceHash)
    {
        public string Validator { get; } = validator;

        public byte[] EvidenceHash { get; } = evidenceHash;

        public Dictionary<string, byte[]> Signatures { get; } = new(StringComparer.OrdinalIgnoreCase);

        public bool Done { get; set; }
    }

    public int Count => _reports.Count;

    /// <summary>Keeps the report's signature if it recovers to a key with weight in <paramref name="weights"/>; false otherwise.</summary>
    public bool Add(SlashReport report, StakeSnapshot weights)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(weights);
        if (report.EvidenceHash.Length != SlashReport.EvidenceHashSize || report.Validator is not { Length: 42 })
        {
            return false;
        }

        var digest = SettlementDigests.SlashReport(l1ChainId, lightClient, report.Validator, report.EvidenceHash);
        if (SettlementKey.Recover(digest, report.Signature) is not { } signer || weights.WeightOfSettlementKey(signer).IsZero)
        {
            return false;
        }

        var key = Key(report.Validator, report.EvidenceHash);
        if (!_reports.TryGetValue(key, out var entry))
        {
            if (_reports.Count >= ReportsMax)
            {
                return false;
            }

            entry = new Entry(report.Validator, report.EvidenceHash);
            _reports[key] = entry;
        }

        return entry.Signatures.TryAdd(signer, report.Signature);
    }

    /// <summary>Reports not yet done whose signers hold more than 2/3 of the weight: the validator, the evidence hash and the signatures in ascending signer order.</summary>
    public IReadOnlyList<(string Validator, byte[] EvidenceHash, byte[] Signatures)> Ready(StakeSnapshot weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var ready = new List<(string, byte[], byte[])>();
        foreach (var entry in _reports.Values.Where(e => !e.Done))
        {
            var counted = entry.Signatures
                .Select(s => (Signer: s.Key.ToLowerInvariant(), Signature: s.Value, Weight: weights.WeightOfSettlementKey(s.Key)))
                .Where(s => !s.Weight.IsZero)
                .OrderBy(s => s.Signer, StringComparer.Ordinal)
                .ToList();
            if (weights.IsQuorum(counted.Aggregate(BigInteger.Zero, (sum, s) => sum + s.Weight)))
            {
                ready.Add((entry.Validator, entry.EvidenceHash, counted.SelectMany(s => s.Signature).ToArray()));
            }
        }

        return ready;
    }

    /// <summary>The L1 took the report (or another validator's copy of it): nothing more to gather for it.</summary>
    public void MarkDone(string validator, byte[] evidenceHash)
    {
        if (_reports.TryGetValue(Key(validator, evidenceHash), out var entry))
        {
            entry.Done = true;
        }
    }

    private static string Key(string validator, byte[] evidenceHash) => validator.ToLowerInvariant() + ":" + Convert.ToHexStringLower(evidenceHash);
}

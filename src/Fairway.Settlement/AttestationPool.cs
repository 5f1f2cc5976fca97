using System.Numerics;

namespace Fairway.Settlement;

/// <summary>What the pool made of one attestation.</summary>
public enum AttestationResult
{
    Added,
    Duplicate,
    /// <summary>The signature does not recover, or the height is outside the window kept.</summary>
    Refused,
    /// <summary>The same settlement key signed two different statements for one height: evidence, see <see cref="AttestationPool.Conflicts"/>.</summary>
    Conflict,
}

/// <summary>Two attestations by one settlement key for one height on different statements: the L1 slashes on them by itself.</summary>
public sealed record AttestationConflict(string Signer, Attestation First, Attestation Second);

/// <summary>
/// Settlement signatures gathered from every validator, per height and statement, pure and bounded: heights more than
/// <see cref="HeightsMax"/> statements past the oldest unsettled one are refused, settled heights are dropped. It finds
/// the signers of a statement with a quorum of an epoch's stake, and keeps conflicting signatures as evidence.
/// </summary>
public sealed class AttestationPool(SettlementDomain domain)
{
    public const int HeightsMax = 256;
    public const int ConflictsMax = 64;

    private readonly SortedDictionary<ulong, Dictionary<string, (Attestation Attestation, byte[] Digest)>> _byHeight = [];
    private readonly Queue<AttestationConflict> _conflicts = new();
    private readonly SortedDictionary<ulong, HashSet<string>> _conflictsSeen = [];
    private ulong _settled;

    public IReadOnlyCollection<AttestationConflict> Conflicts => _conflicts;

    public int Heights => _byHeight.Count;

    /// <param name="weights">
    /// The stake the signer is weighed by, when known: a key without weight in it is refused, so keys anyone can make
    /// cannot fill a height's place for signers before the validators' signatures arrive.
    /// </param>
    public AttestationResult Add(Attestation attestation, StakeSnapshot? weights = null)
    {
        ArgumentNullException.ThrowIfNull(attestation);
        if (!domain.IsStatementHeight(attestation.Height) || attestation.Height <= _settled
            || attestation.Height > _settled + (domain.Interval * HeightsMax)
            || attestation.Parent.Length != SettlementStatement.HashSize || attestation.OutputHash.Length != SettlementStatement.HashSize)
        {
            return AttestationResult.Refused;
        }

        var digest = SettlementDigests.Header(domain.L1ChainId, domain.LightClient, attestation.Height, attestation.Parent, attestation.OutputHash);
        var signer = SettlementKey.Recover(digest, attestation.Signature);
        if (signer is null || (weights is not null && weights.WeightOfSettlementKey(signer) <= 0))
        {
            return AttestationResult.Refused;
        }

        if (!_byHeight.TryGetValue(attestation.Height, out var signers))
        {
            signers = new Dictionary<string, (Attestation, byte[])>(StringComparer.OrdinalIgnoreCase);
            _byHeight[attestation.Height] = signers;
        }

        if (signers.TryGetValue(signer, out var existing))
        {
            if (existing.Digest.AsSpan().SequenceEqual(digest))
            {
                return AttestationResult.Duplicate;
            }

            // Gossip repeats messages: the same pair is the same evidence, which the L1 slashes once, so it is handed out once.
            if (!_conflictsSeen.TryGetValue(attestation.Height, out var seen))
            {
                seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                _conflictsSeen[attestation.Height] = seen;
            }

            if (seen.Contains(signer + Convert.ToHexStringLower(digest)))
            {
                return AttestationResult.Duplicate;
            }

            if (seen.Count >= ConflictsMax)
            {
                return AttestationResult.Refused;
            }

            seen.Add(signer + Convert.ToHexStringLower(digest));
            _conflicts.Enqueue(new AttestationConflict(signer, existing.Attestation, attestation));
            while (_conflicts.Count > ConflictsMax)
            {
                _conflicts.Dequeue();
            }

            return AttestationResult.Conflict;
        }

        // One entry per key per height, and keys are bounded by the stake table's cap through the weights callers pass.
        if (signers.Count >= L1Contracts.ValidatorsMax)
        {
            return AttestationResult.Refused;
        }

        signers[signer] = (attestation, digest);
        return AttestationResult.Added;
    }

    /// <summary>Takes the conflicts found so far, for the caller to report; each is handed out once.</summary>
    public IReadOnlyList<AttestationConflict> TakeConflicts()
    {
        var taken = _conflicts.ToArray();
        _conflicts.Clear();
        return taken;
    }

    /// <summary>The highest height known settled; attestations at or below it are refused.</summary>
    public ulong Settled => _settled;

    /// <summary>
    /// The L1 went back (restarted from older state, or reorganised past the confirmation depth): heights above its
    /// settled tip need signatures again, so they are taken again.
    /// </summary>
    public void Rewind(ulong settled) => _settled = Math.Min(_settled, settled);

    /// <summary>Heights up to <paramref name="height"/> are settled on the L1: their signatures are no longer needed.</summary>
    public void OnSettled(ulong height)
    {
        _settled = Math.Max(_settled, height);
        while (_byHeight.Count > 0 && _byHeight.First().Key <= _settled)
        {
            _byHeight.Remove(_byHeight.First().Key);
        }

        while (_conflictsSeen.Count > 0 && _conflictsSeen.First().Key <= _settled)
        {
            _conflictsSeen.Remove(_conflictsSeen.First().Key);
        }
    }

    /// <summary>
    /// The signatures on the statement at <paramref name="height"/> extending <paramref name="parent"/>, concatenated in
    /// ascending signer order as the light client wants them, once their weight is a quorum of <paramref name="weights"/>;
    /// null before that.
    /// </summary>
    /// <summary>
    /// The lowest height above <paramref name="tipHeight"/> whose statement extends <paramref name="tipHash"/> with a
    /// quorum of <paramref name="weights"/>: the next statement for the light client, wherever the schedule put it.
    /// </summary>
    public (SettlementStatement Statement, byte[] Signatures, BigInteger Weight)? Next(ulong tipHeight, byte[] tipHash, StakeSnapshot weights)
    {
        foreach (var height in _byHeight.Keys.Where(h => h > tipHeight).Take(HeightsMax))
        {
            if (Quorum(height, tipHash, weights) is { } quorum)
            {
                return quorum;
            }
        }

        return null;
    }

    public (SettlementStatement Statement, byte[] Signatures, BigInteger Weight)? Quorum(ulong height, byte[] parent, StakeSnapshot weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (!_byHeight.TryGetValue(height, out var signers))
        {
            return null;
        }

        foreach (var group in signers
            .Where(s => s.Value.Attestation.Parent.AsSpan().SequenceEqual(parent))
            .GroupBy(s => Convert.ToHexStringLower(s.Value.Digest)))
        {
            var counted = group
                .Select(s => (Signer: s.Key, s.Value.Attestation, Weight: weights.WeightOfSettlementKey(s.Key)))
                .Where(s => s.Weight > 0)
                .OrderBy(s => s.Signer.ToLowerInvariant(), StringComparer.Ordinal)
                .ToList();
            var weight = counted.Aggregate(BigInteger.Zero, (sum, s) => sum + s.Weight);
            if (!weights.IsQuorum(weight))
            {
                continue;
            }

            var first = counted[0].Attestation;
            var statement = new SettlementStatement(height, first.Parent, first.OutputHash, Convert.FromHexString(group.Key));
            return (statement, counted.SelectMany(s => s.Attestation.Signature).ToArray(), weight);
        }

        return null;
    }
}

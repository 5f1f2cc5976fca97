using Fairway.Core.Crypto;
using Fairway.Crypto.Group;
using Fairway.Crypto.Threshold;

namespace Fairway.Ordering.Encrypted;

/// <summary>
/// A ciphertext the chain committed, in the position the fair rules fixed for it: the transaction that carried it, the
/// ciphertext (null when the payload was not one after all), and the label it must carry (its namespace's).
/// </summary>
public sealed record CommittedCiphertext(Hash Transaction, ThresholdCiphertext? Ciphertext, byte[] Label);

/// <summary>A decryption share that does not verify, from the validator that sent it: evidence against that validator.</summary>
public sealed record BadDecryptionShare(int From, ulong Height, DecryptionShare Share);

/// <summary>
/// One validator's decryption of committed ciphertexts, with no network or clock of its own (the node and the simulator
/// drive it). When a height commits, the validator makes its share of each of the height's ciphertexts and sends them
/// to all; it takes the others' shares, checks each (a wrong share is kept as evidence and never used), and once every
/// ciphertext of the height has a threshold of valid shares the height's results are ready, in the fixed order. A
/// ciphertext that fails its check is decided undecryptable at once, alike everywhere, and gets no shares. Nothing is
/// decrypted before its height commits: no share exists before then.
/// </summary>
public sealed class DecryptionStage
{
    /// <summary>Heights ahead of the last opened one whose early shares are kept (a peer may commit first); and heights kept open.</summary>
    public const int HeightsKept = 64;

    private readonly ThresholdKeySet _keySet;
    private readonly int _self;
    private readonly Scalar _secretShare;
    private readonly SortedDictionary<ulong, OpenHeight> _open = [];
    private readonly SortedDictionary<ulong, List<(int From, DecryptionShare Share)>> _early = [];
    private readonly List<BadDecryptionShare> _bad = [];
    private ulong _highestOpened;

    private sealed class OpenHeight(IReadOnlyList<CommittedCiphertext> ciphertexts)
    {
        public IReadOnlyList<CommittedCiphertext> Ciphertexts { get; } = ciphertexts;

        public Dictionary<Hash, int> PositionOf { get; } = [];

        public List<DecryptionShare>[] Shares { get; } = [.. ciphertexts.Select(_ => new List<DecryptionShare>())];

        public DecryptionResult?[] Results { get; } = new DecryptionResult?[ciphertexts.Count];
    }

    public DecryptionStage(ThresholdKeySet keySet, int self, Scalar secretShare)
    {
        _keySet = keySet ?? throw new ArgumentNullException(nameof(keySet));
        if (!keySet.TryGetVerificationKey(self + 1, out var verification) || GroupElement.MultiplyBase(secretShare) != verification)
        {
            throw new ArgumentException($"not validator {self}'s share of key set {keySet.Id.ToHex()[..8]}", nameof(secretShare));
        }

        _self = self;
        _secretShare = secretShare;
    }

    /// <summary>
    /// Height <paramref name="height"/> committed with these ciphertexts, in order. Returns this validator's shares, to
    /// send to every validator (with the height).
    /// </summary>
    public IReadOnlyList<DecryptionShare> Open(ulong height, IReadOnlyList<CommittedCiphertext> ciphertexts)
    {
        ArgumentNullException.ThrowIfNull(ciphertexts);
        if (_open.ContainsKey(height) || height + HeightsKept <= _highestOpened)
        {
            return [];
        }

        var open = new OpenHeight(ciphertexts);
        var mine = new List<DecryptionShare>();
        // Each share is a pure function of its ciphertext (about 0.45 ms): made on every core, taken in order.
        var made = new DecryptionShare?[ciphertexts.Count];
        Parallel.For(0, ciphertexts.Count, ParallelFrom(ciphertexts.Count), i =>
        {
            var (_, ciphertext, label) = ciphertexts[i];
            made[i] = ciphertext is not null && TryShare(ciphertext, label, out var share) ? share : null;
        });
        for (var i = 0; i < ciphertexts.Count; i++)
        {
            if (made[i] is not { } share)
            {
                open.Results[i] = DecryptionResult.Undecryptable;
                continue;
            }

            open.PositionOf[ciphertexts[i].Ciphertext!.Id] = i;
            mine.Add(share);
            Take(open, i, share);
        }

        _open[height] = open;
        _highestOpened = Math.Max(_highestOpened, height);
        while (_open.Count > HeightsKept)
        {
            _open.Remove(_open.Keys.First());
        }

        if (_early.Remove(height, out var early))
        {
            foreach (var (from, share) in early)
            {
                Apply(open, from, height, share);
            }
        }

        while (_early.Count > 0 && _early.Keys.First() + HeightsKept <= _highestOpened)
        {
            _early.Remove(_early.Keys.First());
        }

        return mine;
    }

    /// <summary>
    /// This validator's shares for ciphertexts of a height it committed long ago, without opening it again: for a peer
    /// that fell further behind than the heights kept here. Safe because the height is committed.
    /// </summary>
    public IReadOnlyList<DecryptionShare> SharesFor(IReadOnlyList<CommittedCiphertext> ciphertexts)
    {
        ArgumentNullException.ThrowIfNull(ciphertexts);
        var made = new DecryptionShare?[ciphertexts.Count];
        Parallel.For(0, ciphertexts.Count, ParallelFrom(ciphertexts.Count), i =>
        {
            var (_, ciphertext, label) = ciphertexts[i];
            made[i] = ciphertext is not null && TryShare(ciphertext, label, out var share) ? share : null;
        });
        return [.. made.OfType<DecryptionShare>()];
    }

    /// <summary>
    /// Validator <paramref name="from"/>'s shares for <paramref name="height"/> (the transport authenticates the sender).
    /// Null when taken (or kept until the height opens here); otherwise why they were refused. Shares that do not verify
    /// are kept for <see cref="DrainBadShares"/>.
    /// </summary>
    public string? OnShares(int from, ulong height, IReadOnlyList<DecryptionShare> shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        if (from < 0 || from >= _keySet.ShareCount || from == _self)
        {
            return "sender holds no other share";
        }

        if (height + HeightsKept <= _highestOpened || height > _highestOpened + HeightsKept)
        {
            return "height out of range";
        }

        if (!_open.TryGetValue(height, out var open))
        {
            if (!_early.TryGetValue(height, out var held))
            {
                _early[height] = held = [];
            }

            // Bounded: a validator sends at most one share per ciphertext, and a height holds at most what a block can.
            if (held.Count + shares.Count > _keySet.ShareCount * Core.Chain.Limits.BatchDigestsPerBlockMax)
            {
                return "too many early shares";
            }

            held.AddRange(shares.Select(s => (from, s)));
            return null;
        }

        // Checking a share costs about 0.2 ms: the ones still needed are checked on every core, then taken in order.
        var verdicts = new bool?[shares.Count];
        Parallel.For(0, shares.Count, ParallelFrom(shares.Count), i =>
        {
            var share = shares[i];
            if (open.PositionOf.TryGetValue(share.Ciphertext, out var position) && open.Results[position] is null)
            {
                verdicts[i] = share.Index == from + 1 && ThresholdEncryption.VerifyShare(_keySet, open.Ciphertexts[position].Ciphertext!, share);
            }
        });
        for (var i = 0; i < shares.Count; i++)
        {
            Apply(open, from, height, shares[i], verdicts[i]);
        }

        return null;
    }

    /// <summary>Small heights stay on the caller's thread: handing a few shares to the pool costs more than it saves.</summary>
    private static ParallelOptions ParallelFrom(int count) => new() { MaxDegreeOfParallelism = count < 8 ? 1 : Environment.ProcessorCount };

    /// <summary>The height's results in the fixed order, once every ciphertext is decided; null before then.</summary>
    public IReadOnlyList<DecryptionResult>? Results(ulong height) =>
        _open.TryGetValue(height, out var open) && open.Results.All(r => r is not null) ? [.. open.Results.Select(r => r!)] : null;

    /// <summary>
    /// The shares each of the height's ciphertexts was opened with, in the fixed order (empty for one decided without
    /// shares), once every ciphertext is decided; null before then.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<DecryptionShare>>? Openings(ulong height) =>
        _open.TryGetValue(height, out var open) && open.Results.All(r => r is not null)
            ? [.. open.Shares.Select(s => (IReadOnlyList<DecryptionShare>)[.. s])]
            : null;

    /// <summary>Shares found not to verify since the last call: evidence against their senders.</summary>
    public IReadOnlyList<BadDecryptionShare> DrainBadShares()
    {
        var bad = _bad.ToList();
        _bad.Clear();
        return bad;
    }

    /// <summary>The height's output is made: its state goes.</summary>
    public void Forget(ulong height) => _open.Remove(height);

    /// <summary>This validator's share, or false when the ciphertext fails its check (CreateShare checks it; the secret was checked once).</summary>
    private bool TryShare(ThresholdCiphertext ciphertext, byte[] label, out DecryptionShare share)
    {
        try
        {
            share = ThresholdEncryption.CreateShare(_keySet, _self + 1, _secretShare, ciphertext, label);
            return true;
        }
        catch (ArgumentException)
        {
            share = null!;
            return false;
        }
    }

    /// <param name="verified">The share's check when already made (in parallel); null to make it here.</param>
    private void Apply(OpenHeight open, int from, ulong height, DecryptionShare share, bool? verified = null)
    {
        if (!open.PositionOf.TryGetValue(share.Ciphertext, out var position) || open.Results[position] is not null)
        {
            return;
        }

        var ciphertext = open.Ciphertexts[position].Ciphertext!;
        if (!(verified ?? (share.Index == from + 1 && ThresholdEncryption.VerifyShare(_keySet, ciphertext, share))))
        {
            // Bounded: one open height holds at most a block's ciphertexts times the validators.
            _bad.Add(new BadDecryptionShare(from, height, share));
            return;
        }

        Take(open, position, share);
    }

    private void Take(OpenHeight open, int position, DecryptionShare share)
    {
        var shares = open.Shares[position];
        if (shares.Any(s => s.Index == share.Index))
        {
            return;
        }

        shares.Add(share);
        if (shares.Count >= _keySet.Threshold)
        {
            // Every share here was checked as it arrived (or made here): combining does not check them again.
            // The threshold of shares combined stays as the position's opening (Openings), for clients to check.
            open.Results[position] = ThresholdEncryption.CombineVerified(_keySet, open.Ciphertexts[position].Ciphertext!, shares);
        }
    }
}

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
/// to all; it takes the others' shares, and once every ciphertext of the height is decided the height's results are
/// ready, in the fixed order. A ciphertext that fails its check is decided undecryptable at once, alike everywhere, and
/// gets no shares. Nothing is decrypted before its height commits: no share exists before then.
/// <para>
/// Shares are combined before they are checked: a ciphertext's key check accepts only the right key, so when a
/// threshold of shares opens it, no share's proof needs checking (0.2 ms each). Only when the combination fails are
/// the shares checked one by one; a wrong one is kept as evidence and never used again.
/// </para>
/// </summary>
public sealed class DecryptionStage
{
    /// <summary>Heights ahead of the last opened one whose early shares are kept (a peer may commit first); and heights kept open.</summary>
    public const int HeightsKept = 64;

    /// <summary>Early shares kept over all heights (about 200 bytes each): what peers ahead can make this validator hold.</summary>
    public const int EarlySharesMax = 262_144;

    private readonly ThresholdKeySet _keySet;
    private readonly int _self;
    private readonly Scalar _secretShare;
    private readonly SortedDictionary<ulong, OpenHeight> _open = [];
    private readonly SortedDictionary<ulong, List<(int From, DecryptionShare Share)>> _early = [];
    private readonly List<BadDecryptionShare> _bad = [];
    private ulong _highestOpened;
    private int _earlyCount;

    private sealed class OpenHeight(IReadOnlyList<CommittedCiphertext> ciphertexts)
    {
        public IReadOnlyList<CommittedCiphertext> Ciphertexts { get; } = ciphertexts;

        public Dictionary<Hash, int> PositionOf { get; } = [];

        /// <summary>Shares known to be right: this validator's own, and peers' that were checked.</summary>
        public List<DecryptionShare>[] Checked { get; } = [.. ciphertexts.Select(_ => new List<DecryptionShare>())];

        /// <summary>Peers' shares not checked yet, with their senders.</summary>
        public List<(int From, DecryptionShare Share)>[] Unchecked { get; } = [.. ciphertexts.Select(_ => new List<(int, DecryptionShare)>())];

        public DecryptionResult?[] Results { get; } = new DecryptionResult?[ciphertexts.Count];

        /// <summary>The shares a decided ciphertext was opened with (empty when decided without shares).</summary>
        public IReadOnlyList<DecryptionShare>[] Openings { get; } = [.. ciphertexts.Select(_ => (IReadOnlyList<DecryptionShare>)[])];
    }

    /// <summary>What deciding one position found, computed off the stage's state (in parallel) and applied in order.</summary>
    private sealed record Outcome(int Position, DecryptionResult? Result, IReadOnlyList<DecryptionShare> Opening, IReadOnlyList<DecryptionShare> NowChecked, IReadOnlyList<(int From, DecryptionShare Share)> Bad);

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
        var made = MakeShares(ciphertexts);
        var mine = new List<DecryptionShare>();
        var touched = new List<int>();
        for (var i = 0; i < ciphertexts.Count; i++)
        {
            if (made[i] is not { } share)
            {
                open.Results[i] = DecryptionResult.Undecryptable;
                continue;
            }

            open.PositionOf[ciphertexts[i].Ciphertext!.Id] = i;
            open.Checked[i].Add(share);
            mine.Add(share);
            touched.Add(i);
        }

        _open[height] = open;
        _highestOpened = Math.Max(_highestOpened, height);
        while (_open.Count > HeightsKept)
        {
            _open.Remove(_open.Keys.First());
        }

        if (_early.Remove(height, out var early))
        {
            _earlyCount -= early.Count;
            foreach (var (from, share) in early)
            {
                Collect(open, from, height, share, touched);
            }
        }

        while (_early.Count > 0 && _early.Keys.First() + HeightsKept <= _highestOpened)
        {
            _earlyCount -= _early[_early.Keys.First()].Count;
            _early.Remove(_early.Keys.First());
        }

        Decide(open, height, touched);
        return mine;
    }

    /// <summary>
    /// This validator's shares for ciphertexts of a height it committed long ago, without opening it again: for a peer
    /// that fell further behind than the heights kept here. Safe because the height is committed.
    /// </summary>
    public IReadOnlyList<DecryptionShare> SharesFor(IReadOnlyList<CommittedCiphertext> ciphertexts)
    {
        ArgumentNullException.ThrowIfNull(ciphertexts);
        return [.. MakeShares(ciphertexts).OfType<DecryptionShare>()];
    }

    /// <summary>
    /// Validator <paramref name="from"/>'s shares for <paramref name="height"/> (the transport authenticates the sender).
    /// Null when taken (or kept until the height opens here); otherwise why they were refused. Shares that prove wrong
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

            // Bounded per height (a validator sends at most one share per ciphertext, and a height holds at most what a
            // block can) and over all heights: peers that are ahead, or lie, cannot make this validator hold more.
            if (held.Count + shares.Count > _keySet.ShareCount * Core.Chain.Limits.BatchDigestsPerBlockMax || _earlyCount + shares.Count > EarlySharesMax)
            {
                return "too many early shares";
            }

            held.AddRange(shares.Select(s => (from, s)));
            _earlyCount += shares.Count;
            return null;
        }

        var touched = new List<int>();
        foreach (var share in shares)
        {
            Collect(open, from, height, share, touched);
        }

        Decide(open, height, touched);
        return null;
    }

    /// <summary>The height's results in the fixed order, once every ciphertext is decided; null before then.</summary>
    public IReadOnlyList<DecryptionResult>? Results(ulong height) =>
        _open.TryGetValue(height, out var open) && open.Results.All(r => r is not null) ? [.. open.Results.Select(r => r!)] : null;

    /// <summary>
    /// The shares each of the height's ciphertexts was opened with, in the fixed order (empty for one decided without
    /// shares), once every ciphertext is decided; null before then. Any client with the key set can open the
    /// ciphertext with them (the key check makes a combination that opens it the right one).
    /// </summary>
    public IReadOnlyList<IReadOnlyList<DecryptionShare>>? Openings(ulong height) =>
        _open.TryGetValue(height, out var open) && open.Results.All(r => r is not null) ? [.. open.Openings] : null;

    /// <summary>Shares found not to verify since the last call: evidence against their senders.</summary>
    public IReadOnlyList<BadDecryptionShare> DrainBadShares()
    {
        var bad = _bad.ToList();
        _bad.Clear();
        return bad;
    }

    /// <summary>Small heights stay on the caller's thread: handing a few shares to the pool costs more than it saves.</summary>
    private static ParallelOptions ParallelFrom(int count) => new() { MaxDegreeOfParallelism = count < 8 ? 1 : Environment.ProcessorCount };

    /// <summary>This validator's share of each ciphertext (null where it fails its check): about 0.45 ms each, made on every core.</summary>
    private DecryptionShare?[] MakeShares(IReadOnlyList<CommittedCiphertext> ciphertexts)
    {
        var made = new DecryptionShare?[ciphertexts.Count];
        Parallel.For(0, ciphertexts.Count, ParallelFrom(ciphertexts.Count), i =>
        {
            var (_, ciphertext, label) = ciphertexts[i];
            made[i] = ciphertext is not null && TryShare(ciphertext, label, out var share) ? share : null;
        });
        return made;
    }

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

    /// <summary>Holds a peer's share of an undecided ciphertext, unchecked; a share in another validator's name is evidence at once.</summary>
    private void Collect(OpenHeight open, int from, ulong height, DecryptionShare share, List<int> touched)
    {
        if (!open.PositionOf.TryGetValue(share.Ciphertext, out var position) || open.Results[position] is not null)
        {
            return;
        }

        if (share.Index != from + 1)
        {
            // Bounded: one open height holds at most a block's ciphertexts times the validators.
            _bad.Add(new BadDecryptionShare(from, height, share));
            return;
        }

        if (open.Checked[position].Exists(s => s.Index == share.Index) || open.Unchecked[position].Exists(u => u.Share.Index == share.Index))
        {
            return;
        }

        open.Unchecked[position].Add((from, share));
        touched.Add(position);
    }

    /// <summary>Decides every touched position that has a threshold of shares: the pure work on every core, then applied in order.</summary>
    private void Decide(OpenHeight open, ulong height, List<int> touched)
    {
        var positions = touched.Distinct().Where(p => open.Results[p] is null && open.Checked[p].Count + open.Unchecked[p].Count >= _keySet.Threshold).ToList();
        var outcomes = new Outcome[positions.Count];
        Parallel.For(0, positions.Count, ParallelFrom(positions.Count), i => outcomes[i] = TryDecide(open, positions[i]));
        foreach (var outcome in outcomes)
        {
            var position = outcome.Position;
            foreach (var (from, share) in outcome.Bad)
            {
                _bad.Add(new BadDecryptionShare(from, height, share));
            }

            open.Unchecked[position].Clear();
            open.Checked[position].AddRange(outcome.NowChecked);
            if (outcome.Result is { } result)
            {
                open.Results[position] = result;
                open.Openings[position] = outcome.Opening;
            }
        }
    }

    /// <summary>
    /// One position: combine its first threshold of shares (checked ones first) unchecked; if the key check fails,
    /// check the unchecked ones, drop the wrong ones, and combine the right ones if there are enough.
    /// </summary>
    private Outcome TryDecide(OpenHeight open, int position)
    {
        var ciphertext = open.Ciphertexts[position].Ciphertext!;
        var candidates = open.Checked[position].Concat(open.Unchecked[position].Select(u => u.Share)).Take(_keySet.Threshold).ToList();
        if (ThresholdEncryption.TryCombineUnchecked(_keySet, ciphertext, candidates) is { } opened)
        {
            // The combination passed the key check: it is the right key, whatever any one share's proof says.
            return new Outcome(position, opened, candidates, [], []);
        }

        var right = new List<DecryptionShare>();
        var wrong = new List<(int, DecryptionShare)>();
        foreach (var (from, share) in open.Unchecked[position])
        {
            if (ThresholdEncryption.VerifyShare(_keySet, ciphertext, share))
            {
                right.Add(share);
            }
            else
            {
                wrong.Add((from, share));
            }
        }

        var valid = open.Checked[position].Concat(right).ToList();
        if (valid.Count < _keySet.Threshold)
        {
            return new Outcome(position, null, [], right, wrong);
        }

        // Every share right and the key check still fails: the sender sealed it so, and it is undecryptable everywhere.
        var chosen = valid.Take(_keySet.Threshold).ToList();
        return new Outcome(position, ThresholdEncryption.CombineVerified(_keySet, ciphertext, chosen), chosen, right, wrong);
    }
}

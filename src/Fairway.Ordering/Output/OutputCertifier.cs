using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Output;
using Fairway.Core.Validators;

namespace Fairway.Ordering.Output;

/// <summary>Something an <see cref="OutputCertifier"/> step produced for its host to carry out or record.</summary>
public abstract record CertifierEvent;

/// <summary>Send this validator's own vote to every peer.</summary>
public sealed record BroadcastOutputVote(OutputVote Vote) : CertifierEvent;

/// <summary>The output at this height is certified: persist the certificate, then mark the height firm.</summary>
public sealed record OutputCertified(OutputHeader Header, OutputCertificate Certificate) : CertifierEvent;

/// <summary>
/// A validator signed an output header for a height that differs from the one this validator computed, or signed two
/// different headers for one height. Both are evidence against the signer (signatures included, checkable by anyone).
/// </summary>
public sealed record OutputMismatch(ulong Height, int Validator, Hash TheirHeader, Hash OurHeader, OutputVote Vote) : CertifierEvent;

/// <summary>A vote refused before it changed anything, with the reason (counted by the host, never fatal).</summary>
public sealed record OutputVoteRefused(int From, string Reason) : CertifierEvent;

/// <summary>
/// Stage 8 of the pipeline: certifies ordered outputs with signatures of more than the faulty stake (f+1 of n equal
/// stakes), as the decentralized Timeboost certifier does. Each validator signs the header it computed for a committed
/// height and sends the vote to all; a height is certified once votes on this validator's own header reach
/// <see cref="ValidatorSet.ValidityStake"/>: at least one signer is honest and computed the same output from the same
/// committed block. A certificate received whole (a peer helping a lagging validator) is taken only if it certifies the
/// header this validator computed itself.
/// <para>Pure and bounded: no clock, no I/O; votes are kept for at most <see cref="HeightsAheadMax"/> heights above this
/// validator's own output, and heights far behind it are dropped.</para>
/// </summary>
public sealed class OutputCertifier
{
    /// <summary>Votes for heights this far above the local output are refused (a peer cannot fill our memory).</summary>
    public const int HeightsAheadMax = 1024;

    /// <summary>Uncertified heights this far below the local output are forgotten.</summary>
    public const int HeightsBehindMax = 4096;

    private readonly Hash _chainId;
    private readonly int _self;
    private readonly ISigner _signer;
    private readonly ISignatureVerifier _verifier;
    private readonly SortedDictionary<ulong, HeightVotes> _heights = [];

    /// <summary>
    /// The validator set of each epoch by its first height, newest last: an output is certified by the stakes of the
    /// epoch its block belongs to. Only the newest few matter (votes are kept for a bounded window of heights).
    /// </summary>
    private readonly List<(ulong FromHeight, ValidatorSet Set, OutputCertificateVerifier Certificates)> _epochs = [];
    private const int EpochsKept = 8;

    public OutputCertifier(Hash chainId, ValidatorSet validators, int self, ISigner signer, ISignatureVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(validators);
        ArgumentOutOfRangeException.ThrowIfNegative(self);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(self, validators.Count);
        _chainId = chainId;
        _self = self;
        _signer = signer ?? throw new ArgumentNullException(nameof(signer));
        _verifier = verifier ?? throw new ArgumentNullException(nameof(verifier));
        _epochs.Add((0, validators, new OutputCertificateVerifier(chainId, validators, verifier)));
    }

    /// <summary>
    /// An epoch starts at <paramref name="fromHeight"/>: outputs from there on are certified by <paramref name="validators"/>
    /// (the same roster with the epoch's stakes, so indices do not move).
    /// </summary>
    public void ChangeValidators(ulong fromHeight, ValidatorSet validators)
    {
        ArgumentNullException.ThrowIfNull(validators);
        if (validators.Count != _epochs[^1].Set.Count || fromHeight <= _epochs[^1].FromHeight)
        {
            throw new ArgumentException($"an epoch from height {fromHeight} must follow the last one ({_epochs[^1].FromHeight}) on the same roster", nameof(validators));
        }

        _epochs.Add((fromHeight, validators, new OutputCertificateVerifier(_chainId, validators, _verifier)));
        if (_epochs.Count > EpochsKept)
        {
            _epochs.RemoveAt(0);
        }
    }

    private (ValidatorSet Set, OutputCertificateVerifier Certificates) At(ulong height)
    {
        for (var i = _epochs.Count - 1; i > 0; i--)
        {
            if (height >= _epochs[i].FromHeight)
            {
                return (_epochs[i].Set, _epochs[i].Certificates);
            }
        }

        return (_epochs[0].Set, _epochs[0].Certificates);
    }

    /// <summary>Highest height whose output this validator computed.</summary>
    public ulong LocalHeight { get; private set; }

    /// <summary>Heights with votes held, for metrics and bounds tests.</summary>
    public int HeightsHeld => _heights.Count;

    /// <summary>
    /// This validator computed <paramref name="header"/> (heights in order, each once; after a restart, the first may be any
    /// height). It signs it, broadcasts the vote and certifies at once if peers' votes already suffice.
    /// <paramref name="alreadyCertified"/> skips the vote for a height certified before a restart.
    /// </summary>
    public IReadOnlyList<CertifierEvent> OnLocalOutput(OutputHeader header, bool alreadyCertified = false)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (header.ChainId != _chainId || (LocalHeight != 0 && header.Height != LocalHeight + 1))
        {
            throw new ArgumentException($"local output of height {header.Height} after {LocalHeight}, or of another chain", nameof(header));
        }

        LocalHeight = header.Height;
        Prune();
        if (alreadyCertified)
        {
            _heights.Remove(header.Height);
            return [];
        }

        var events = new List<CertifierEvent>();
        var vote = OutputVote.Sign(_chainId, header, (ushort)_self, _signer);
        events.Add(new BroadcastOutputVote(vote));
        var votes = Held(header.Height);
        votes.Local = header;
        votes.Add(vote, At(header.Height).Set.StakeOf(_self));
        foreach (var other in votes.Distinct.Values)
        {
            if (other.HeaderHash != header.Hash)
            {
                events.Add(new OutputMismatch(header.Height, other.Signer, other.HeaderHash, header.Hash, other));
            }
        }

        TryCertify(header.Height, votes, events);
        return events;
    }

    /// <summary>A peer's vote. Checked (member, signature, bounds) before it is kept.</summary>
    public IReadOnlyList<CertifierEvent> OnVote(int from, OutputVote vote)
    {
        ArgumentNullException.ThrowIfNull(vote);
        var validators = At(vote.Height).Set;
        if (vote.Signer != from || !validators.Contains(from) || from == _self)
        {
            return [new OutputVoteRefused(from, $"a vote signed by {vote.Signer} arrived from validator {from}")];
        }

        if (vote.Height == 0 || vote.Height > LocalHeight + HeightsAheadMax || vote.Height + HeightsBehindMax < LocalHeight)
        {
            return [new OutputVoteRefused(from, $"height {vote.Height} is outside the window around {LocalHeight}")];
        }

        if (!_verifier.Verify(validators[from].PublicKey, SigningDomain.OutputMessage(_chainId, vote.Height, vote.HeaderHash), vote.Signature))
        {
            return [new OutputVoteRefused(from, "bad output vote signature")];
        }

        var existing = _heights.TryGetValue(vote.Height, out var held) ? held : null;
        if (existing is null && vote.Height <= LocalHeight)
        {
            // Already certified (or forgotten) here: nothing to collect.
            return [];
        }

        var votes = existing ?? Held(vote.Height);
        var events = new List<CertifierEvent>();
        if (votes.Distinct.TryGetValue(from, out var earlier))
        {
            if (earlier.HeaderHash != vote.HeaderHash)
            {
                events.Add(new OutputMismatch(vote.Height, from, vote.HeaderHash, earlier.HeaderHash, vote));
            }

            return events;
        }

        votes.Add(vote, validators.StakeOf(from));
        if (votes.Local is { } local)
        {
            if (vote.HeaderHash != local.Hash)
            {
                events.Add(new OutputMismatch(vote.Height, from, vote.HeaderHash, local.Hash, vote));
            }

            TryCertify(vote.Height, votes, events);
        }

        return events;
    }

    /// <summary>A whole certificate from a peer, for a height this validator computed and has not certified yet.</summary>
    public IReadOnlyList<CertifierEvent> OnCertificate(int from, OutputCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!_heights.TryGetValue(certificate.Height, out var votes) || votes.Local is not { } local)
        {
            return [];
        }

        if (!At(certificate.Height).Certificates.Verify(local, certificate, out var reason))
        {
            return [new OutputVoteRefused(from, $"certificate for height {certificate.Height} does not certify this validator's output: {reason}")];
        }

        _heights.Remove(certificate.Height);
        return [new OutputCertified(local, certificate)];
    }

    private void TryCertify(ulong height, HeightVotes votes, List<CertifierEvent> events)
    {
        if (votes.Local is not { } local || votes.StakeFor(local.Hash) < At(height).Set.ValidityStake)
        {
            return;
        }

        var signatures = votes.Distinct.Values.Where(v => v.HeaderHash == local.Hash).OrderBy(v => v.Signer)
            .Select(v => new SignerSignature(v.Signer, v.Signature)).ToList();
        _heights.Remove(height);
        events.Add(new OutputCertified(local, new OutputCertificate(height, local.Hash, signatures)));
    }

    private HeightVotes Held(ulong height)
    {
        if (!_heights.TryGetValue(height, out var votes))
        {
            _heights[height] = votes = new HeightVotes();
        }

        return votes;
    }

    private void Prune()
    {
        while (_heights.Count > 0)
        {
            var lowest = _heights.Keys.First();
            if (lowest + HeightsBehindMax >= LocalHeight)
            {
                break;
            }

            _heights.Remove(lowest);
        }
    }

    private sealed class HeightVotes
    {
        public OutputHeader? Local { get; set; }

        public Dictionary<int, OutputVote> Distinct { get; } = [];

        private readonly Dictionary<Hash, ulong> _stake = [];

        public void Add(OutputVote vote, ulong stake)
        {
            Distinct[vote.Signer] = vote;
            _stake[vote.HeaderHash] = _stake.GetValueOrDefault(vote.HeaderHash) + stake;
        }

        public ulong StakeFor(Hash header) => _stake.GetValueOrDefault(header);
    }
}

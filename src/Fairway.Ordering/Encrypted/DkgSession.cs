using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Validators;
using Fairway.Crypto.Dkg;
using Fairway.Crypto.Group;
using Fairway.Crypto.Threshold;

namespace Fairway.Ordering.Encrypted;

/// <summary>Where a validator's key generation stands.</summary>
public enum DkgState
{
    Pending,
    Ready,
    Failed,
}

/// <summary>What a validator serves about its chain's encryption key: the key set once ready, or why there is none.</summary>
public sealed record DkgStatus(DkgState State, ulong CompletesAtHeight, ThresholdKeySet? KeySet, IReadOnlyList<ushort> Qualified, string? Failure);

/// <summary>
/// One validator's part in the key generation at genesis, driven by the chain: it deals once, reads every committed
/// dealing and complaint in commit order, complains about a bad share dealt to it, and at
/// <see cref="CompletesAtHeight"/> finishes the key set every honest validator finishes alike (the transcript is what the
/// chain committed). Nothing here is secret but its own secret share, and that is recomputed from the chain and the
/// transport key after a restart: the chain is where the shares are kept, padded to their owners, so a restart neither
/// loses them nor starts the key generation again.
/// </summary>
public sealed class DkgSession
{
    private readonly DkgParameters _parameters;
    private readonly Hash _chainId;
    private readonly ValidatorSet _validators;
    private readonly ISignatureVerifier _verifier;
    private readonly ushort _self;
    private readonly ISigner _signer;
    private readonly DkgTransportKey _key;
    private readonly ulong _dealingDeadline;
    private readonly List<Dealing> _dealings = [];
    private readonly List<Complaint> _complaints = [];
    private readonly HashSet<ushort> _dealt = [];

    /// <summary>Complainer and accused pairs seen: one complaint per pair counts, so the transcript stays within n² complaints.</summary>
    private readonly HashSet<(ushort Complainer, ushort Dealer)> _complained = [];
    private readonly Dictionary<string, long> _refused = [];
    private ulong? _dealingSentAt;

    /// <summary>
    /// Heights after which a dealing not yet committed is made afresh: the batch carrying it may sit in a proposal that
    /// timed out, which the batch pool offers again only after many rounds, when the dealing heights may be over.
    /// </summary>
    public const ulong RedealAfterHeights = 3;
    private ulong _height;

    public DkgSession(
        Hash chainId, ValidatorSet validators, ISignatureVerifier verifier, int self, ISigner signer, DkgTransportKey key,
        IReadOnlyList<GroupElement> transportKeys, ulong dealingHeights, ulong complaintHeights)
    {
        ArgumentNullException.ThrowIfNull(validators);
        _chainId = chainId;
        _validators = validators;
        _verifier = verifier ?? throw new ArgumentNullException(nameof(verifier));
        _self = (ushort)self;
        _signer = signer ?? throw new ArgumentNullException(nameof(signer));
        _key = key ?? throw new ArgumentNullException(nameof(key));
        if (transportKeys[self] != key.PublicKey)
        {
            throw new ArgumentException($"this validator's transport key is not the one genesis lists for validator {self}", nameof(key));
        }

        // One share per validator and a threshold of f+1 validators: any f validators together learn nothing.
        var threshold = ((validators.Count - 1) / 3) + 1;
        _parameters = new DkgParameters([.. chainId.ToArray(), .. "/genesis"u8], threshold, transportKeys);
        _dealingDeadline = dealingHeights;
        CompletesAtHeight = dealingHeights + complaintHeights;
        Status = new DkgStatus(DkgState.Pending, CompletesAtHeight, null, [], null);
    }

    public ulong CompletesAtHeight { get; }

    /// <summary>Replaced as a whole (readers on other threads see one consistent status).</summary>
    public DkgStatus Status { get; private set; }

    /// <summary>This validator's secret share once ready.</summary>
    public Scalar? SecretShare { get; private set; }

    public IReadOnlyDictionary<string, long> Refused => _refused;

    /// <summary>
    /// This validator's dealing, while dealings still count and none of its own is committed: once, and afresh every
    /// <see cref="RedealAfterHeights"/> heights it stays uncommitted (a validator that crashed after dealing deals again;
    /// only its first committed dealing counts).
    /// </summary>
    public Transaction? OwnDealing(ulong committedHeight)
    {
        if ((_dealingSentAt is { } sentAt && committedHeight < sentAt + RedealAfterHeights)
            || _dealt.Contains(_self) || committedHeight >= _dealingDeadline || Status.State != DkgState.Pending)
        {
            return null;
        }

        _dealingSentAt = committedHeight;
        var dealing = Dealing.Create(_parameters, _self);
        return DkgMessage.Sign(_chainId, DkgMessage.DealingKind, _self, Canonical.Encode(dealing), _signer).ToTransaction();
    }

    /// <summary>
    /// The key-generation transactions committed at <paramref name="height"/> (every height is passed, in order, with or
    /// without any). Returns the complaints this validator must submit.
    /// </summary>
    public IReadOnlyList<Transaction> OnCommitted(ulong height, IEnumerable<Transaction> transactions)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        if (height <= _height || Status.State != DkgState.Pending)
        {
            return [];
        }

        _height = height;
        var complaints = new List<Transaction>();
        foreach (var transaction in transactions)
        {
            if (transaction.Namespace != SystemNamespaces.Dkg)
            {
                continue;
            }

            if (Read(transaction) is { } complaint)
            {
                complaints.Add(complaint);
            }
        }

        if (height >= CompletesAtHeight)
        {
            Finish();
        }

        return complaints;
    }

    private Transaction? Read(Transaction transaction)
    {
        DkgMessage message;
        try
        {
            message = Canonical.Decode(transaction.Payload.Span, DkgMessage.Decode, "key-generation message");
        }
        catch (EncodingException)
        {
            return Refuse("malformed message");
        }

        if (message.Check(_chainId, _validators, _verifier) is { } reason)
        {
            return Refuse(reason);
        }

        try
        {
            if (message.Kind == DkgMessage.DealingKind)
            {
                return OnDealing(message, Canonical.Decode(message.Body, Dealing.Decode, "dealing"));
            }

            var complaint = Canonical.Decode(message.Body, Complaint.Decode, "complaint");
            if (complaint.Complainer != message.Validator)
            {
                return Refuse("complaint in another validator's name");
            }

            if (!_complained.Add((complaint.Complainer, complaint.Dealer)))
            {
                return Refuse("repeated complaint");
            }

            _complaints.Add(complaint);
            return null;
        }
        catch (EncodingException)
        {
            return Refuse("malformed dealing or complaint");
        }
    }

    private Transaction? OnDealing(DkgMessage message, Dealing dealing)
    {
        if (dealing.Dealer != message.Validator)
        {
            return Refuse("dealing in another validator's name");
        }

        if (_height > _dealingDeadline)
        {
            return Refuse("dealing after the dealing heights");
        }

        if (!_dealt.Add(dealing.Dealer))
        {
            // Only a dealer's first committed dealing counts; a dealer cannot pick among several after seeing complaints.
            return Refuse("second dealing");
        }

        _dealings.Add(dealing);
        if (dealing.Dealer == _self || Complaint.Against(_parameters, dealing, _self, _key) is not { } complaint)
        {
            return null;
        }

        return DkgMessage.Sign(_chainId, DkgMessage.ComplaintKind, _self, Canonical.Encode(complaint), _signer).ToTransaction();
    }

    private void Finish()
    {
        try
        {
            var transcript = DkgTranscript.Finish(_parameters, _dealings, _complaints);
            SecretShare = transcript.SecretShare(_self, _key);
            Status = new DkgStatus(DkgState.Ready, CompletesAtHeight, ThresholdKeySet.From(transcript.Result), transcript.Result.Qualified, null);
        }
        catch (DkgException e)
        {
            Status = new DkgStatus(DkgState.Failed, CompletesAtHeight, null, [], e.Message);
        }
    }

    private Transaction? Refuse(string reason)
    {
        _refused[reason] = _refused.GetValueOrDefault(reason) + 1;
        return null;
    }
}

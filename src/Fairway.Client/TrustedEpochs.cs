using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Output;
using Fairway.Core.Proofs;
using Fairway.Core.Validators;

namespace Fairway.Client;

/// <summary>One epoch a client trusts: its number, first height, validator set and root block (genesis for epoch 0).</summary>
public sealed class TrustedEpoch
{
    internal TrustedEpoch(Hash chainId, ulong epoch, ulong firstHeight, ValidatorSet validators, Block root, ISignatureVerifier verifier)
    {
        Epoch = epoch;
        FirstHeight = firstHeight;
        Validators = validators;
        Root = root;
        Headers = new CertifiedHeaderVerifier(chainId, validators, verifier, epoch, root);
        Outputs = new OutputCertificateVerifier(chainId, validators, verifier);
    }

    public ulong Epoch { get; }

    public ulong FirstHeight { get; }

    public ValidatorSet Validators { get; }

    public Block Root { get; }

    internal CertifiedHeaderVerifier Headers { get; }

    internal OutputCertificateVerifier Outputs { get; }
}

/// <summary>
/// The epochs a client has followed, from genesis on. It learns a new one only by a verified hand-over: the last block
/// of the newest trusted epoch, carrying the change, whose output header validators of that epoch holding more than the
/// faulty stake certified (so at least one honest validator committed the block). Nothing a node says is taken on faith,
/// so a node can keep a client from learning an epoch (it then refuses the new epoch's data) but never make it trust a
/// set the chain did not commit to. Shared by every reader of one <see cref="TrustedChain"/>; thread-safe.
/// </summary>
public sealed class TrustedEpochs
{
    /// <summary>Epochs held at most; a client that outlives this many stake changes starts again from a newer genesis.</summary>
    public const int EpochsMax = 4_096;

    private readonly Hash _chainId;
    private readonly ISignatureVerifier _verifier;
    private readonly List<TrustedEpoch> _epochs = [];
    private readonly Lock _gate = new();

    private readonly ValidatorSet _genesis;

    public TrustedEpochs(Hash chainId, ValidatorSet genesis, ISignatureVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        _genesis = genesis;
        _chainId = chainId;
        _verifier = verifier ?? throw new ArgumentNullException(nameof(verifier));
        _epochs.Add(new TrustedEpoch(chainId, 0, 1, genesis, Block.Genesis(chainId), verifier));
    }

    /// <summary>Whether these epochs start from exactly this chain, genesis set and verifier.</summary>
    public bool Follows(Hash chainId, ValidatorSet genesis, ISignatureVerifier verifier) =>
        chainId == _chainId && ReferenceEquals(genesis, _genesis) && ReferenceEquals(verifier, _verifier);

    public TrustedEpoch Latest
    {
        get
        {
            lock (_gate)
            {
                return _epochs[^1];
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _epochs.Count;
            }
        }
    }

    /// <summary>The trusted epoch <paramref name="height"/> belongs to, as far as this client knows (the newest for heights past it).</summary>
    public TrustedEpoch At(ulong height)
    {
        lock (_gate)
        {
            for (var i = _epochs.Count - 1; i > 0; i--)
            {
                if (height >= _epochs[i].FirstHeight)
                {
                    return _epochs[i];
                }
            }

            return _epochs[0];
        }
    }

    /// <summary>
    /// The checks a follower makes before it indexes a whole height: <paramref name="qc"/> certifies
    /// <paramref name="block"/>, and <paramref name="certificate"/> certifies <paramref name="header"/> as that block's
    /// output, both by the validators of the trusted epoch the height belongs to. Never throws on bad input.
    /// </summary>
    public bool VerifyOutput(Block block, QuorumCertificate qc, OutputHeader header, OutputCertificate certificate, out string reason)
    {
        if (block is null)
        {
            reason = "a block is required";
            return false;
        }

        return At(block.Height).Headers.VerifyOutput(block, qc, header, certificate, out reason);
    }

    /// <summary>
    /// Takes the epoch after the newest trusted one from its hand-over: <paramref name="lastBlock"/> must carry the change,
    /// belong to the newest epoch, and be the block of <paramref name="header"/>, which <paramref name="certificate"/>
    /// certifies by that epoch's stakes. Throws <see cref="VerificationException"/> otherwise, and changes nothing.
    /// </summary>
    public TrustedEpoch Adopt(Block lastBlock, OutputHeader header, OutputCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(lastBlock);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(certificate);
        lock (_gate)
        {
            var latest = _epochs[^1];
            if (lastBlock.NextEpoch is not { } change)
            {
                throw new VerificationException($"block {lastBlock.Height} carries no epoch change");
            }

            if (lastBlock.ChainId != _chainId || change.Epoch <= latest.Epoch || lastBlock.Height < latest.FirstHeight)
            {
                throw new VerificationException(
                    $"block {lastBlock.Height}'s change to epoch {change.Epoch} does not follow epoch {latest.Epoch} (from height {latest.FirstHeight}) of this chain");
            }

            if (header.BlockHash != lastBlock.Hash || header.Height != lastBlock.Height)
            {
                throw new VerificationException($"the output header is not the output of block {lastBlock.Height}");
            }

            if (!latest.Outputs.Verify(header, certificate, out var reason))
            {
                throw new VerificationException($"the hand-over to epoch {change.Epoch} is not certified by epoch {latest.Epoch}'s validators: {reason}");
            }

            if (_epochs.Count >= EpochsMax)
            {
                throw new VerificationException($"this client follows at most {EpochsMax} epochs; start it from a newer genesis");
            }

            ValidatorSet next;
            try
            {
                next = change.Apply(_epochs[0].Validators);
            }
            catch (ArgumentException e)
            {
                throw new VerificationException($"the change to epoch {change.Epoch} does not fit the roster: {e.Message}", e);
            }

            var epoch = new TrustedEpoch(_chainId, change.Epoch, lastBlock.Height + 1, next, lastBlock, _verifier);
            _epochs.Add(epoch);
            return epoch;
        }
    }
}

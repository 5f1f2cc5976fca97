using Fairway.Core.Crypto;
using Fairway.Core.Validators;

namespace Fairway.Core.Chain;

/// <summary>
/// Checks certificates against a validator set: every signer is a member, none repeats, every signature is
/// valid for this chain, and the signers together hold a quorum of stake.
/// </summary>
public sealed class CertificateVerifier
{
    private readonly ValidatorSet _validators;
    private readonly ISignatureVerifier _signatures;
    private readonly Hash _chainId;
    private readonly Hash _signingId;
    private readonly Block _root;

    /// <summary>
    /// A verifier for one epoch: <paramref name="root"/> is the block the epoch starts on (genesis for epoch 0, else the
    /// last block of the previous epoch), certified by definition by a certificate with no signers at its round; every
    /// signature is checked in the epoch's own domain (<see cref="SigningDomain.EpochId"/>).
    /// </summary>
    public CertificateVerifier(Hash chainId, ValidatorSet validators, ISignatureVerifier signatures, ulong epoch = 0, Block? root = null)
    {
        _chainId = chainId;
        _validators = validators ?? throw new ArgumentNullException(nameof(validators));
        _signatures = signatures ?? throw new ArgumentNullException(nameof(signatures));
        _root = root ?? Block.Genesis(chainId);
        if ((epoch == 0) != _root.IsGenesis)
        {
            throw new ArgumentException("epoch 0 starts at genesis and only epoch 0 does", nameof(root));
        }

        Epoch = epoch;
        _signingId = SigningDomain.EpochId(chainId, epoch);
    }

    /// <summary>The verifier of the epoch that <paramref name="lastBlock"/>, which carries the change, hands over to: the roster with its stakes.</summary>
    public static CertificateVerifier After(Block lastBlock, ValidatorSet roster, ISignatureVerifier signatures)
    {
        ArgumentNullException.ThrowIfNull(lastBlock);
        var change = lastBlock.NextEpoch ?? throw new ArgumentException("the block carries no epoch change", nameof(lastBlock));
        return new CertificateVerifier(lastBlock.ChainId, change.Apply(roster), signatures, change.Epoch, lastBlock);
    }

    public Hash ChainId => _chainId;

    /// <summary>What consensus signatures of this epoch name instead of the bare chain id (the chain id itself in epoch 0).</summary>
    public Hash SigningId => _signingId;

    public ulong Epoch { get; }

    public Block Root => _root;

    public Hash GenesisHash => _root.Hash;

    /// <summary>
    /// How far above its root block's round an epoch's rounds start. Rounds then never repeat across epochs, though the
    /// ended epoch ran a few rounds past its last block: what is signed per round outside consensus (candidate lists,
    /// proposed-batch bookkeeping) never sees one round twice. An epoch would need billions of rounds to reach the next.
    /// </summary>
    public const ulong EpochRoundGap = 1UL << 32;

    /// <summary>The round of the epoch's root certificate: 0 for genesis, else <see cref="EpochRoundGap"/> above the root block's.</summary>
    public ulong RootRound => Epoch == 0 ? 0 : _root.Round + EpochRoundGap;

    /// <summary>The certificate of the epoch's root block: no signers, at <see cref="RootRound"/>.</summary>
    public QuorumCertificate RootCertificate => new(RootRound, _root.Hash, []);

    public ValidatorSet Validators => _validators;

    public ISignatureVerifier Signatures => _signatures;

    public bool Verify(QuorumCertificate qc, out string reason)
    {
        ArgumentNullException.ThrowIfNull(qc);
        if (qc.Round <= RootRound || qc.Signatures.Count == 0)
        {
            var ok = qc.Signatures.Count == 0 && qc.Round == RootRound && qc.BlockHash == _root.Hash;
            reason = ok ? "" : "a certificate at or below the epoch's root round must be the root's certificate (no signers)";
            return ok;
        }

        var message = SigningDomain.VoteMessage(_signingId, qc.Round, qc.BlockHash);
        if (!SignerSignatures.TryStake(_validators, _signatures, qc.Signatures, message, "vote", out var stake, out reason))
        {
            return false;
        }

        if (stake < _validators.QuorumStake)
        {
            reason = $"signers hold {stake} stake, quorum is {_validators.QuorumStake}";
            return false;
        }

        reason = "";
        return true;
    }

    public bool Verify(TimeoutCertificate tc, out string reason)
    {
        ArgumentNullException.ThrowIfNull(tc);
        ulong stake = 0;
        var previous = -1;
        foreach (var s in tc.Signatures)
        {
            if (s.Signer <= previous || !_validators.Contains(s.Signer))
            {
                reason = $"signer {s.Signer} is unknown or repeated";
                return false;
            }

            previous = s.Signer;
            if (s.HighQcRound >= tc.Round)
            {
                reason = $"validator {s.Signer} reports a high QC round {s.HighQcRound} not below the timeout round {tc.Round}";
                return false;
            }

            var message = SigningDomain.TimeoutMessage(_signingId, tc.Round, s.HighQcRound);
            if (!_signatures.Verify(_validators[s.Signer].PublicKey, message, s.Signature))
            {
                reason = $"bad timeout signature from validator {s.Signer}";
                return false;
            }

            stake += _validators.StakeOf(s.Signer);
        }

        if (stake < _validators.QuorumStake)
        {
            reason = $"signers hold {stake} stake, quorum is {_validators.QuorumStake}";
            return false;
        }

        reason = "";
        return true;
    }
}

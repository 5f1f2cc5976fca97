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
    private readonly Hash _genesisHash;

    public CertificateVerifier(Hash chainId, ValidatorSet validators, ISignatureVerifier signatures)
    {
        _chainId = chainId;
        _validators = validators ?? throw new ArgumentNullException(nameof(validators));
        _signatures = signatures ?? throw new ArgumentNullException(nameof(signatures));
        _genesisHash = Block.Genesis(chainId).Hash;
    }

    public Hash ChainId => _chainId;

    public Hash GenesisHash => _genesisHash;

    public ValidatorSet Validators => _validators;

    public ISignatureVerifier Signatures => _signatures;

    public bool Verify(QuorumCertificate qc, out string reason)
    {
        ArgumentNullException.ThrowIfNull(qc);
        if (qc.Round == 0)
        {
            var ok = qc.Signatures.Count == 0 && qc.BlockHash == _genesisHash;
            reason = ok ? "" : "a round-0 certificate must be the genesis certificate";
            return ok;
        }

        var message = SigningDomain.VoteMessage(_chainId, qc.Round, qc.BlockHash);
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

            var message = SigningDomain.TimeoutMessage(_chainId, tc.Round, s.HighQcRound);
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

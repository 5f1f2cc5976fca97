using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Validators;

namespace Fairway.Core.Output;

/// <summary>Checks output certificates: known, distinct signers, valid signatures for this chain, more than the faulty stake.</summary>
public sealed class OutputCertificateVerifier(Hash chainId, ValidatorSet validators, ISignatureVerifier signatures)
{
    public Hash ChainId => chainId;

    /// <summary>True when <paramref name="certificate"/> certifies exactly <paramref name="header"/>; otherwise false with a reason. Never throws on bad input.</summary>
    public bool Verify(OutputHeader header, OutputCertificate certificate, out string reason)
    {
        if (header is null || certificate is null)
        {
            reason = "an output header and its certificate are required";
            return false;
        }

        if (header.ChainId != chainId)
        {
            reason = $"the output header is for chain {header.ChainId.ToHex()[..8]}, expected {chainId.ToHex()[..8]}";
            return false;
        }

        if (certificate.Height != header.Height || certificate.HeaderHash != header.Hash)
        {
            reason = $"the certificate is for another output header (height {certificate.Height})";
            return false;
        }

        var message = SigningDomain.OutputMessage(chainId, header.Height, header.Hash);
        if (!SignerSignatures.TryStake(validators, signatures, certificate.Signatures, message, "output", out var stake, out reason))
        {
            return false;
        }

        if (stake < validators.ValidityStake)
        {
            reason = $"signers hold {stake} stake; an output certificate needs {validators.ValidityStake} (more than the faulty stake)";
            return false;
        }

        reason = "";
        return true;
    }
}

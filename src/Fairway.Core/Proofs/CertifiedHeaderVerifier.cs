using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Validators;

namespace Fairway.Core.Proofs;

/// <summary>
/// What a rollup runs before trusting a block it did not produce: the block belongs to the trusted chain and a quorum
/// certificate from the trusted validator set certifies exactly this block in its round. A block that passes can then
/// anchor <see cref="NamespaceProof"/> and <see cref="TransactionProof"/> checks.
/// <para>
/// A QC makes a block <c>soft</c> (certified); whether it is committed (<c>firm</c>) is a separate question: the
/// two-chain rule needs the child's certificate too.
/// </para>
/// </summary>
public sealed class CertifiedHeaderVerifier
{
    private readonly CertificateVerifier _certificates;

    public CertifiedHeaderVerifier(Hash chainId, ValidatorSet validators, ISignatureVerifier signatures)
    {
        _certificates = new CertificateVerifier(chainId, validators, signatures);
    }

    public Hash ChainId => _certificates.ChainId;

    /// <summary>True when <paramref name="qc"/> certifies <paramref name="block"/> on the trusted chain; otherwise false with a reason. Never throws on bad input.</summary>
    public bool Verify(Block block, QuorumCertificate qc, out string reason)
    {
        if (block is null || qc is null)
        {
            reason = "a block and a certificate are required";
            return false;
        }

        if (block.ChainId != _certificates.ChainId)
        {
            reason = $"block is for chain {block.ChainId.ToHex()[..8]}, expected {_certificates.ChainId.ToHex()[..8]}";
            return false;
        }

        if (qc.BlockHash != block.Hash)
        {
            reason = "the certificate is for another block";
            return false;
        }

        if (qc.Round != block.Round)
        {
            reason = $"the certificate is for round {qc.Round}, the block is of round {block.Round}";
            return false;
        }

        return _certificates.Verify(qc, out reason);
    }

    /// <summary>Both checks a rollup needs for a namespace read: the block is certified, and the transactions are exactly namespace <paramref name="ns"/>'s in it.</summary>
    public bool VerifyNamespace(
        Block block, QuorumCertificate qc, NamespaceProof proof, ulong ns, IReadOnlyList<Transaction> transactions, out string reason)
    {
        if (!Verify(block, qc, out reason))
        {
            return false;
        }

        if (proof is null || !proof.Verify(block, ns, transactions))
        {
            reason = $"the transactions are not exactly namespace {ns}'s transactions of the block";
            return false;
        }

        return true;
    }
}

using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Output;
using Fairway.Core.Validators;

namespace Fairway.Core.Proofs;

/// <summary>
/// What a rollup runs before trusting a block it did not produce: the block belongs to the trusted chain and a quorum
/// certificate from the trusted validator set certifies exactly this block in its round. A block that passes can then
/// anchor an output check (<see cref="VerifyOutput"/>).
/// <para>
/// A QC makes a block <c>soft</c> (certified); whether it is committed (<c>firm</c>) is a separate question: the
/// two-chain rule needs the child's certificate too.
/// </para>
/// </summary>
public sealed class CertifiedHeaderVerifier
{
    private readonly CertificateVerifier _certificates;
    private readonly OutputCertificateVerifier _outputs;

    /// <param name="epoch">The epoch the checked blocks belong to, and <paramref name="root"/> the block it starts on (genesis for 0).</param>
    public CertifiedHeaderVerifier(Hash chainId, ValidatorSet validators, ISignatureVerifier signatures, ulong epoch = 0, Block? root = null)
    {
        _certificates = new CertificateVerifier(chainId, validators, signatures, epoch, root);
        _outputs = new OutputCertificateVerifier(chainId, validators, signatures);
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

    /// <summary>
    /// The checks a rollup needs before reading an output: the block is certified, the output header is for that block
    /// and certified by more than the faulty stake. Only then does a namespace or transaction proof against the header mean
    /// anything.
    /// </summary>
    public bool VerifyOutput(Block block, QuorumCertificate qc, OutputHeader header, OutputCertificate certificate, out string reason)
    {
        if (!Verify(block, qc, out reason))
        {
            return false;
        }

        if (header is null || header.BlockHash != block.Hash || header.Height != block.Height)
        {
            reason = $"the output header is not for the block at height {block.Height}";
            return false;
        }

        return _outputs.Verify(header, certificate, out reason);
    }

    /// <summary>Every check for a namespace read: certified block, certified output, and the transactions are exactly namespace <paramref name="ns"/>'s part of it.</summary>
    public bool VerifyNamespace(
        Block block, QuorumCertificate qc, OutputHeader header, OutputCertificate certificate, NamespaceProof proof, ulong ns,
        IReadOnlyList<Transaction> transactions, out string reason)
    {
        if (!VerifyOutput(block, qc, header, certificate, out reason))
        {
            return false;
        }

        if (proof is null || !proof.Verify(header, ns, transactions))
        {
            reason = $"the transactions are not exactly namespace {ns}'s part of the certified output";
            return false;
        }

        return true;
    }
}

using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Output;
using Fairway.Core.Proofs;
using Fairway.Core.Validators;

namespace Fairway.Crypto.Tests;

/// <summary>A rollup's check that a block is certified on its chain, with real Ed25519 keys, then a namespace proof on top.</summary>
public class CertifiedHeaderVerifierTests
{
    private static readonly Hash ChainId = Hash.Compute("fairway-header-chain"u8);
    private static readonly Hash OtherChainId = Hash.Compute("another-chain"u8);
    private const ulong Round = 9;

    private readonly Ed25519Signer[] _signers;
    private readonly ValidatorSet _validators;
    private readonly CertifiedHeaderVerifier _verifier;
    private readonly Batch[] _batches;
    private readonly Block _block;

    public CertifiedHeaderVerifierTests()
    {
        _signers = Enumerable.Range(0, 4).Select(i => Ed25519Signer.FromSeedPhrase($"header-validator-{i}")).ToArray();
        _validators = new ValidatorSet(_signers.Select((s, i) => new Validator($"v{i}", s.PublicKey, 1)));
        _verifier = new CertifiedHeaderVerifier(ChainId, _validators, Ed25519Verifier.Instance);
        _batches =
        [
            new Batch(ChainId, 0, 1, [new Transaction(1, "a"u8.ToArray()), new Transaction(2, "b"u8.ToArray())]),
            new Batch(ChainId, 1, 1, [new Transaction(2, "c"u8.ToArray()), new Transaction(1, "d"u8.ToArray())]),
        ];
        _block = BlockOn(ChainId, Round);
    }

    private Block BlockOn(Hash chainId, ulong round) =>
        new(chainId, round, 4, 0, 1000, new QuorumCertificate(round - 1, Hash.Compute("parent"u8), []), null,
            _batches.Select(b => b.Digest).ToArray());

    private QuorumCertificate Qc(Block block, ulong? round = null, Hash? chainId = null, params int[] signers)
    {
        var r = round ?? block.Round;
        return new QuorumCertificate(r, block.Hash, signers.Select(i =>
            new SignerSignature((ushort)i, _signers[i].Sign(SigningDomain.VoteMessage(chainId ?? block.ChainId, r, block.Hash)))).ToArray());
    }

    [Fact]
    public void A_block_certified_by_a_quorum_verifies()
    {
        Assert.True(_verifier.Verify(_block, Qc(_block, signers: [0, 1, 2]), out var reason), reason);
    }

    [Fact]
    public void A_forged_certificate_is_rejected()
    {
        var good = Qc(_block, signers: [0, 1, 2]);
        var bytes = good.Signatures[1].Signature.ToArray();
        bytes[5] ^= 0x40;
        var flipped = new QuorumCertificate(Round, _block.Hash,
            [good.Signatures[0], new SignerSignature(1, new Signature(bytes)), good.Signatures[2]]);
        Assert.False(_verifier.Verify(_block, flipped, out var reason));
        Assert.Contains("signature", reason, StringComparison.Ordinal);

        // Signed by one key claiming three signers' places.
        var oneKey = new QuorumCertificate(Round, _block.Hash, new[] { 0, 1, 2 }.Select(i =>
            new SignerSignature((ushort)i, _signers[3].Sign(SigningDomain.VoteMessage(ChainId, Round, _block.Hash)))).ToArray());
        Assert.False(_verifier.Verify(_block, oneKey, out _));

        // Below quorum, and keys from outside the validator set.
        Assert.False(_verifier.Verify(_block, Qc(_block, signers: [0, 1]), out reason));
        Assert.Contains("quorum", reason, StringComparison.Ordinal);
        var outsiders = Enumerable.Range(0, 4).Select(i => Ed25519Signer.FromSeedPhrase($"outsider-{i}")).ToArray();
        var outsiderQc = new QuorumCertificate(Round, _block.Hash, new[] { 0, 1, 2 }.Select(i =>
            new SignerSignature((ushort)i, outsiders[i].Sign(SigningDomain.VoteMessage(ChainId, Round, _block.Hash)))).ToArray());
        Assert.False(_verifier.Verify(_block, outsiderQc, out _));
    }

    [Fact]
    public void A_certificate_for_another_block_or_round_is_rejected()
    {
        var other = BlockOn(ChainId, Round + 1);
        Assert.False(_verifier.Verify(_block, Qc(other, signers: [0, 1, 2]), out var reason));
        Assert.Contains("another block", reason, StringComparison.Ordinal);

        // Valid signatures on this block's hash but for another round.
        Assert.False(_verifier.Verify(_block, Qc(_block, round: Round + 1, signers: [0, 1, 2]), out reason));
        Assert.Contains("round", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_block_from_another_chain_is_rejected_even_with_a_valid_certificate_there()
    {
        var foreign = BlockOn(OtherChainId, Round);
        var foreignQc = Qc(foreign, signers: [0, 1, 2]); // the same validators, voting on the other chain
        Assert.False(_verifier.Verify(foreign, foreignQc, out var reason));
        Assert.Contains("chain", reason, StringComparison.Ordinal);

        // This chain's block, with votes signed for the other chain's domain.
        Assert.False(_verifier.Verify(_block, Qc(_block, chainId: OtherChainId, signers: [0, 1, 2]), out _));
    }

    [Fact]
    public void The_genesis_block_is_certified_by_the_genesis_certificate()
    {
        var genesis = Block.Genesis(ChainId);
        Assert.True(_verifier.Verify(genesis, QuorumCertificate.Genesis(genesis.Hash), out var reason), reason);
        Assert.False(_verifier.Verify(Block.Genesis(OtherChainId), QuorumCertificate.Genesis(Block.Genesis(OtherChainId).Hash), out _));
    }

    /// <summary>The block's output as the ordering stage makes it for fcfs: its transactions grouped by namespace.</summary>
    private OutputHeader OutputOf(Block block, out List<Transaction> ordered)
    {
        ordered = [.. _batches.SelectMany(b => b.Transactions).OrderBy(t => t.Namespace)];
        return OutputHeader.Over(block.ChainId, block.Height, block.Hash, Hash.Zero, ordered);
    }

    private OutputCertificate OutputCertificateOf(OutputHeader header, Hash? chainId = null, params int[] signers) =>
        new(header.Height, header.Hash, [.. signers.Select(i =>
            new SignerSignature((ushort)i, _signers[i].Sign(SigningDomain.OutputMessage(chainId ?? header.ChainId, header.Height, header.Hash))))]);

    [Fact]
    public void A_certified_output_anchors_a_namespace_proof_end_to_end()
    {
        var qc = Qc(_block, signers: [1, 2, 3]);
        var header = OutputOf(_block, out var ordered);
        var output = new BlockOutput(header, ordered, [.. ordered.Select((_, i) => new OutputSource(0, i))]);
        var proof = new OutputProofBuilder(output).ForNamespace(2);
        Transaction[] ns2 = [_batches[0].Transactions[1], _batches[1].Transactions[0]];
        // f + 1 = 2 of 4 equal stakes certify an output: at least one signer is honest.
        var certificate = OutputCertificateOf(header, signers: [0, 3]);

        Assert.True(_verifier.VerifyNamespace(_block, qc, header, certificate, proof, 2, ns2, out var reason), reason);
        Assert.False(_verifier.VerifyNamespace(_block, qc, header, certificate, proof, 2, ns2[..1], out reason));
        Assert.Contains("namespace", reason, StringComparison.Ordinal);
        Assert.False(_verifier.VerifyNamespace(_block, qc, header, certificate, proof, 2, [ns2[1], ns2[0]], out _));
        Assert.False(_verifier.VerifyNamespace(_block, Qc(_block, signers: [1, 2]), header, certificate, proof, 2, ns2, out _));
    }

    [Fact]
    public void An_output_certificate_needs_more_than_the_faulty_stake_of_valid_distinct_signatures_on_this_header()
    {
        var qc = Qc(_block, signers: [1, 2, 3]);
        var header = OutputOf(_block, out _);

        Assert.False(_verifier.VerifyOutput(_block, qc, header, OutputCertificateOf(header, signers: [2]), out var reason));
        Assert.Contains("faulty stake", reason, StringComparison.Ordinal);
        Assert.False(_verifier.VerifyOutput(_block, qc, header, OutputCertificateOf(header, chainId: OtherChainId, signers: [0, 1]), out reason));
        Assert.Contains("bad output signature", reason, StringComparison.Ordinal);

        // Signatures on another header (another output of the same block) do not certify this one.
        var other = new OutputHeader(ChainId, header.Height, header.BlockHash, header.PreviousOutputHash, header.TransactionCount, Hash.Compute("other root"u8));
        var forOther = OutputCertificateOf(other, signers: [0, 1]);
        Assert.False(_verifier.VerifyOutput(_block, qc, header, forOther, out _));
        Assert.False(_verifier.VerifyOutput(_block, qc, header, new OutputCertificate(header.Height, header.Hash, forOther.Signatures), out reason));
        Assert.Contains("bad output signature", reason, StringComparison.Ordinal);

        // A certified output of another block.
        var otherBlock = BlockOn(ChainId, Round + 1);
        Assert.False(_verifier.VerifyOutput(otherBlock, Qc(otherBlock, signers: [0, 1, 2]), header, OutputCertificateOf(header, signers: [0, 1]), out reason));
        Assert.Contains("not for the block", reason, StringComparison.Ordinal);
        Assert.True(_verifier.VerifyOutput(_block, qc, header, OutputCertificateOf(header, signers: [1, 2]), out reason), reason);
    }
}

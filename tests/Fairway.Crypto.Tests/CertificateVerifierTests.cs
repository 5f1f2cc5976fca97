using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Validators;

namespace Fairway.Crypto.Tests;

/// <summary>Certificates signed by real Ed25519 keys, checked against a validator set.</summary>
public class CertificateVerifierTests
{
    private static readonly Hash ChainId = Hash.Compute("fairway-test-chain"u8);
    private static readonly Hash OtherChainId = Hash.Compute("another-chain"u8);
    private static readonly Hash BlockHash = Hash.Compute("block at round 5"u8);
    private const ulong Round = 5;

    private readonly Ed25519Signer[] _signers;
    private readonly CertificateVerifier _verifier;

    public CertificateVerifierTests()
    {
        _signers = Enumerable.Range(0, 4).Select(i => Ed25519Signer.FromSeedPhrase($"validator-{i}")).ToArray();
        _verifier = Verifier(1, 1, 1, 1);
    }

    private CertificateVerifier Verifier(params ulong[] stakes) =>
        new(ChainId, new ValidatorSet(stakes.Select((s, i) => new Validator($"v{i}", _signers[i].PublicKey, s))), Ed25519Verifier.Instance);

    private SignerSignature Vote(int signer, ulong round = Round, Hash? blockHash = null, Hash? chainId = null) =>
        new((ushort)signer, _signers[signer].Sign(SigningDomain.VoteMessage(chainId ?? ChainId, round, blockHash ?? BlockHash)));

    private QuorumCertificate Qc(params int[] signers) => new(Round, BlockHash, signers.Select(s => Vote(s)).ToArray());

    private TimeoutSignature Timeout(int signer, ulong highQcRound = 3, ulong round = Round, Hash? chainId = null) =>
        new((ushort)signer, highQcRound, _signers[signer].Sign(SigningDomain.TimeoutMessage(chainId ?? ChainId, round, highQcRound)));

    private TimeoutCertificate Tc(params int[] signers) => new(Round, signers.Select(s => Timeout(s, highQcRound: (ulong)s)).ToArray());

    private static Signature Flip(Signature signature)
    {
        var bytes = signature.ToArray();
        bytes[10] ^= 0x01;
        return new Signature(bytes);
    }

    [Fact]
    public void Quorum_certificate_signed_by_a_quorum_verifies()
    {
        Assert.True(_verifier.Verify(Qc(0, 1, 2), out var reason), reason);
        Assert.True(_verifier.Verify(Qc(1, 2, 3), out reason), reason);
        Assert.True(_verifier.Verify(Qc(0, 1, 2, 3), out reason), reason);
    }

    [Fact]
    public void Quorum_certificate_survives_an_encoding_round_trip_and_still_verifies()
    {
        var decoded = Canonical.Decode(Canonical.Encode(Qc(0, 2, 3)), QuorumCertificate.Decode, "qc");
        Assert.True(_verifier.Verify(decoded, out var reason), reason);
    }

    [Fact]
    public void Quorum_certificate_below_quorum_is_rejected()
    {
        Assert.False(_verifier.Verify(Qc(0, 1), out var reason));
        Assert.Contains("quorum", reason, StringComparison.Ordinal);
        Assert.False(_verifier.Verify(Qc(), out _));
    }

    [Fact]
    public void Quorum_is_counted_in_stake_not_in_signers()
    {
        var verifier = Verifier(5, 1, 1, 1); // total 8, quorum 6
        Assert.True(verifier.Verify(Qc(0, 1), out var reason), reason);
        Assert.False(verifier.Verify(Qc(1, 2, 3), out _));
    }

    [Fact]
    public void Quorum_certificate_with_a_duplicate_signer_cannot_be_decoded_or_built()
    {
        // Hand-made bytes: three entries, the last repeating signer 1 with its valid signature.
        var writer = new CanonicalWriter();
        writer.WriteU8(QuorumCertificate.Version);
        writer.WriteU64(Round);
        writer.WriteHash(BlockHash);
        writer.WriteCount(3);
        foreach (var vote in new[] { Vote(0), Vote(1), Vote(1) })
        {
            writer.WriteU16(vote.Signer);
            writer.WriteSignature(vote.Signature);
        }

        Assert.Throws<EncodingException>(() => Canonical.Decode(writer.ToArray(), QuorumCertificate.Decode, "qc"));
        Assert.Throws<ArgumentException>(() => new QuorumCertificate(Round, BlockHash, [Vote(0), Vote(1), Vote(1)]));
    }

    [Fact]
    public void Quorum_certificate_with_an_unknown_signer_is_rejected()
    {
        var outsider = Ed25519Signer.FromSeedPhrase("outsider");
        var qc = new QuorumCertificate(Round, BlockHash,
        [
            Vote(0), Vote(1),
            new SignerSignature(4, outsider.Sign(SigningDomain.VoteMessage(ChainId, Round, BlockHash))),
        ]);
        Assert.False(_verifier.Verify(qc, out var reason));
        Assert.Contains("unknown", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Quorum_certificate_with_a_bad_signature_is_rejected()
    {
        var bad = Vote(2);
        var qc = new QuorumCertificate(Round, BlockHash, [Vote(0), Vote(1), bad with { Signature = Flip(bad.Signature) }, Vote(3)]);
        Assert.False(_verifier.Verify(qc, out var reason));
        Assert.Contains("bad vote signature", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Quorum_certificate_with_a_signature_from_the_wrong_validator_is_rejected()
    {
        // Validator 3's signature presented as validator 2's.
        var qc = new QuorumCertificate(Round, BlockHash, [Vote(0), Vote(1), Vote(3) with { Signer = 2 }]);
        Assert.False(_verifier.Verify(qc, out _));
    }

    [Fact]
    public void Quorum_certificate_signed_for_another_chain_is_rejected()
    {
        var qc = new QuorumCertificate(Round, BlockHash, new[] { 0, 1, 2 }.Select(s => Vote(s, chainId: OtherChainId)).ToArray());
        Assert.False(_verifier.Verify(qc, out _));
    }

    [Fact]
    public void Quorum_certificate_whose_votes_were_for_another_round_is_rejected()
    {
        var votes = new[] { 0, 1, 2 }.Select(s => Vote(s, round: Round)).ToArray();
        Assert.False(_verifier.Verify(new QuorumCertificate(Round + 1, BlockHash, votes), out _));
        Assert.False(_verifier.Verify(new QuorumCertificate(Round - 1, BlockHash, votes), out _));
    }

    [Fact]
    public void Quorum_certificate_whose_votes_were_for_another_block_is_rejected()
    {
        var votes = new[] { 0, 1, 2 }.Select(s => Vote(s)).ToArray();
        Assert.False(_verifier.Verify(new QuorumCertificate(Round, Hash.Compute("other block"u8), votes), out _));
    }

    [Fact]
    public void Only_the_genesis_certificate_may_have_round_zero()
    {
        Assert.True(_verifier.Verify(QuorumCertificate.Genesis(_verifier.GenesisHash), out var reason), reason);
        Assert.False(_verifier.Verify(QuorumCertificate.Genesis(BlockHash), out _));
        var signedRoundZero = new QuorumCertificate(0, _verifier.GenesisHash,
            new[] { 0, 1, 2 }.Select(s => Vote(s, round: 0, blockHash: _verifier.GenesisHash)).ToArray());
        Assert.False(_verifier.Verify(signedRoundZero, out _));
    }

    [Fact]
    public void Timeout_certificate_signed_by_a_quorum_verifies()
    {
        Assert.True(_verifier.Verify(Tc(0, 1, 2), out var reason), reason);
        Assert.True(_verifier.Verify(Tc(0, 1, 2, 3), out reason), reason);
        var decoded = Canonical.Decode(Canonical.Encode(Tc(1, 2, 3)), TimeoutCertificate.Decode, "tc");
        Assert.True(_verifier.Verify(decoded, out reason), reason);
        Assert.Equal(3UL, decoded.HighestQcRound);
    }

    [Fact]
    public void Timeout_certificate_below_quorum_is_rejected()
    {
        Assert.False(_verifier.Verify(Tc(0, 1), out var reason));
        Assert.Contains("quorum", reason, StringComparison.Ordinal);
        Assert.False(_verifier.Verify(Tc(), out _));
    }

    [Fact]
    public void Timeout_certificate_with_a_duplicate_signer_cannot_be_decoded_or_built()
    {
        var writer = new CanonicalWriter();
        writer.WriteU8(TimeoutCertificate.Version);
        writer.WriteU64(Round);
        writer.WriteCount(3);
        foreach (var t in new[] { Timeout(0), Timeout(2), Timeout(2) })
        {
            writer.WriteU16(t.Signer);
            writer.WriteU64(t.HighQcRound);
            writer.WriteSignature(t.Signature);
        }

        Assert.Throws<EncodingException>(() => Canonical.Decode(writer.ToArray(), TimeoutCertificate.Decode, "tc"));
        Assert.Throws<ArgumentException>(() => new TimeoutCertificate(Round, [Timeout(0), Timeout(2), Timeout(2)]));
    }

    [Fact]
    public void Timeout_certificate_with_an_unknown_signer_is_rejected()
    {
        var outsider = Ed25519Signer.FromSeedPhrase("outsider");
        var tc = new TimeoutCertificate(Round,
            [Timeout(0), Timeout(1), new TimeoutSignature(9, 3, outsider.Sign(SigningDomain.TimeoutMessage(ChainId, Round, 3)))]);
        Assert.False(_verifier.Verify(tc, out var reason));
        Assert.Contains("unknown", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Timeout_certificate_with_a_bad_signature_is_rejected()
    {
        var bad = Timeout(1);
        var tc = new TimeoutCertificate(Round, [Timeout(0), bad with { Signature = Flip(bad.Signature) }, Timeout(2), Timeout(3)]);
        Assert.False(_verifier.Verify(tc, out var reason));
        Assert.Contains("bad timeout signature", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Timeout_certificate_with_a_forged_high_qc_round_is_rejected()
    {
        // The signer signed high QC round 3; the certificate claims 4.
        var tc = new TimeoutCertificate(Round, [Timeout(0), Timeout(1), Timeout(2) with { HighQcRound = 4 }]);
        Assert.False(_verifier.Verify(tc, out _));
    }

    [Fact]
    public void Timeout_certificate_signed_for_another_chain_is_rejected()
    {
        var tc = new TimeoutCertificate(Round, new[] { 0, 1, 2 }.Select(s => Timeout(s, chainId: OtherChainId)).ToArray());
        Assert.False(_verifier.Verify(tc, out _));
    }

    [Fact]
    public void Timeout_certificate_whose_timeouts_were_for_another_round_is_rejected()
    {
        var timeouts = new[] { 0, 1, 2 }.Select(s => Timeout(s, round: Round)).ToArray();
        Assert.False(_verifier.Verify(new TimeoutCertificate(Round + 1, timeouts), out _));
        Assert.False(_verifier.Verify(new TimeoutCertificate(Round - 1, timeouts), out _));
    }

    [Theory]
    [InlineData(Round)]
    [InlineData(Round + 1)]
    [InlineData(ulong.MaxValue)]
    public void Timeout_reporting_a_high_qc_round_not_below_its_round_is_rejected(ulong highQcRound)
    {
        // Properly signed, so only the round check can catch it.
        var tc = new TimeoutCertificate(Round, [Timeout(0), Timeout(1), Timeout(2, highQcRound), Timeout(3)]);
        Assert.False(_verifier.Verify(tc, out var reason));
        Assert.Contains("high QC round", reason, StringComparison.Ordinal);
    }
}

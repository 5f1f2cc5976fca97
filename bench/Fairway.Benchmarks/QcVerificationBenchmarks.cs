using BenchmarkDotNet.Attributes;
using Fairway.Core.Chain;
using Fairway.Crypto;

namespace Fairway.Benchmarks;

/// <summary>Verifying a real Ed25519 quorum certificate: 3 of 4 validators, or 67 of 100.</summary>
[MemoryDiagnoser]
public class QcVerificationBenchmarks
{
    private CertificateVerifier _verifier = null!;
    private QuorumCertificate _qc = null!;

    [Params(4, 100)]
    public int Validators { get; set; }

    public int Signers => _qc.Signatures.Count;

    [GlobalSetup]
    public void Setup()
    {
        var signers = Fixtures.Signers("ed25519", Validators);
        var set = Fixtures.ValidatorSet(signers);
        _verifier = new CertificateVerifier(Fixtures.ChainId, set, Ed25519Verifier.Instance);
        var quorum = (int)set.QuorumStake; // one unit of stake each, so quorum stake is the signer count
        _qc = Fixtures.SignedQc(signers, quorum, 12, Fixtures.RandomHash(new Random(3)));
        if (!_verifier.Verify(_qc, out var reason))
        {
            throw new InvalidOperationException("QC does not verify: " + reason);
        }
    }

    [Benchmark(Description = "Verify Ed25519 QC (quorum of N)")]
    public bool Verify() => _verifier.Verify(_qc, out _);
}

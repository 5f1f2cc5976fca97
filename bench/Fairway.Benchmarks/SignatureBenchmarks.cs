using BenchmarkDotNet.Attributes;
using Fairway.Core.Crypto;
using Fairway.Crypto;

namespace Fairway.Benchmarks;

/// <summary>The primitives every message pays for: Ed25519 sign/verify of a small message and SHA-256.</summary>
[MemoryDiagnoser]
public class SignatureBenchmarks
{
    private Ed25519Signer _signer = null!;
    private byte[] _message = null!;
    private Signature _signature;
    private byte[] _small = null!;
    private byte[] _large = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        _signer = Ed25519Signer.FromSeedPhrase("bench-signer");
        _message = new byte[64];
        random.NextBytes(_message);
        _signature = _signer.Sign(_message);
        if (!Ed25519Verifier.Instance.Verify(_signer.PublicKey, _message, _signature))
        {
            throw new InvalidOperationException("signature does not verify");
        }

        _small = new byte[512];
        _large = new byte[1024 * 1024];
        random.NextBytes(_small);
        random.NextBytes(_large);
    }

    [Benchmark(Description = "Ed25519 sign, 64 B")]
    public Signature Sign() => _signer.Sign(_message);

    [Benchmark(Description = "Ed25519 verify, 64 B")]
    public bool Verify() => Ed25519Verifier.Instance.Verify(_signer.PublicKey, _message, _signature);

    [Benchmark(Description = "SHA-256, 512 B")]
    public Hash Sha256Small() => Hash.Compute(_small);

    [Benchmark(Description = "SHA-256, 1 MiB")]
    public Hash Sha256Large() => Hash.Compute(_large);
}

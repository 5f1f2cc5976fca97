using BenchmarkDotNet.Attributes;
using Fairway.Core.Crypto;
using Fairway.Crypto.Group;
using Fairway.Crypto.Threshold;

namespace Fairway.Benchmarks;

/// <summary>
/// The encrypted lane's cost per ciphertext (512-byte payload, 4 shares, threshold 2): what a client pays to encrypt, what
/// each validator pays to check a submission and to make its share, and what decrypting costs (verify the threshold of
/// shares and combine). Also the group's two multiplications, the unit everything else is counted in.
/// </summary>
[MemoryDiagnoser]
public class ThresholdEncryptionBenchmarks
{
    private static readonly byte[] Label = "fairway/ns/1"u8.ToArray();
    private ThresholdKeySet _keySet = null!;
    private Scalar[] _secrets = [];
    private ThresholdCiphertext _ciphertext = null!;
    private DecryptionShare[] _shares = [];
    private readonly byte[] _payload = new byte[512];
    private Scalar _scalar;
    private GroupElement _point;

    [GlobalSetup]
    public void Setup()
    {
        // A key shared as a degree-1 polynomial, as the DKG would leave it for four validators at f = 1.
        var a0 = Scalar.Random();
        var a1 = Scalar.Random();
        _secrets = [.. Enumerable.Range(1, 4).Select(i => a0 + (a1 * Scalar.FromUInt64((ulong)i)))];
        _keySet = new ThresholdKeySet(Hash.Compute([1]), 2, GroupElement.MultiplyBase(a0), [.. _secrets.Select(GroupElement.MultiplyBase)]);
        _ciphertext = ThresholdEncryption.Encrypt(_keySet, Label, _payload);
        _shares = [.. Enumerable.Range(1, 4).Select(i => ThresholdEncryption.CreateShare(_keySet, i, _secrets[i - 1], _ciphertext, Label))];
        _scalar = Scalar.Random();
        _point = GroupElement.HashToGroup("bench");
    }

    [Benchmark]
    public GroupElement MultiplyBase() => GroupElement.MultiplyBase(_scalar);

    [Benchmark]
    public GroupElement MultiplyVariable() => _point.Multiply(_scalar);

    [Benchmark]
    public ThresholdCiphertext Encrypt() => ThresholdEncryption.Encrypt(_keySet, Label, _payload);

    [Benchmark]
    public string? CheckCiphertext() => ThresholdEncryption.Check(_keySet, _ciphertext, Label);

    [Benchmark]
    public DecryptionShare CreateShare() => ThresholdEncryption.CreateShare(_keySet, 1, _secrets[0], _ciphertext, Label);

    [Benchmark]
    public bool VerifyShare() => ThresholdEncryption.VerifyShare(_keySet, _ciphertext, _shares[1]);

    [Benchmark]
    public DecryptionResult Combine() => ThresholdEncryption.Combine(_keySet, _ciphertext, _shares);

    [Benchmark]
    public DecryptionResult CombineVerified() => ThresholdEncryption.CombineVerified(_keySet, _ciphertext, _shares);

    /// <summary>What a decryption stage does first: combine unchecked shares and test the body's key check.</summary>
    [Benchmark]
    public DecryptionResult? CombineUnchecked() => ThresholdEncryption.TryCombineUnchecked(_keySet, _ciphertext, _shares);
}

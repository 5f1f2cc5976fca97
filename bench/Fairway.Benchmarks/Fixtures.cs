using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Validators;
using Fairway.Crypto;
using Fairway.Simulation;

namespace Fairway.Benchmarks;

/// <summary>Deterministic keys, validator sets and certificates shared by the benchmarks.</summary>
internal static class Fixtures
{
    public static readonly Hash ChainId = Hash.Compute("fairway-bench"u8);

    public static ISigner[] Signers(string scheme, int count) => scheme switch
    {
        "keyed-hash" => [.. Enumerable.Range(0, count).Select(i => (ISigner)KeyedHashSigner.FromName($"bench-{i}"))],
        "ed25519" => [.. Enumerable.Range(0, count).Select(i => (ISigner)Ed25519Signer.FromSeedPhrase($"bench-{i}"))],
        _ => throw new ArgumentException($"unknown signature scheme {scheme}", nameof(scheme)),
    };

    public static ISignatureVerifier Verifier(string scheme) => scheme switch
    {
        "keyed-hash" => KeyedHashVerifier.Instance,
        "ed25519" => Ed25519Verifier.Instance,
        _ => throw new ArgumentException($"unknown signature scheme {scheme}", nameof(scheme)),
    };

    public static ValidatorSet ValidatorSet(IReadOnlyList<ISigner> signers) =>
        new(signers.Select((s, i) => new Validator($"validator-{i}", s.PublicKey, 1)));

    /// <summary>A QC over <paramref name="blockHash"/> really signed by the first <paramref name="signerCount"/> signers.</summary>
    public static QuorumCertificate SignedQc(IReadOnlyList<ISigner> signers, int signerCount, ulong round, Hash blockHash)
    {
        var message = SigningDomain.VoteMessage(ChainId, round, blockHash);
        var signatures = Enumerable.Range(0, signerCount)
            .Select(i => new SignerSignature((ushort)i, signers[i].Sign(message)))
            .ToArray();
        return new QuorumCertificate(round, blockHash, signatures);
    }

    /// <summary>A QC with random signature bytes: enough for encoding, which never checks them.</summary>
    public static QuorumCertificate RandomQc(Random random, int signerCount, ulong round)
    {
        var bytes = new byte[Signature.Size];
        var signatures = new SignerSignature[signerCount];
        for (var i = 0; i < signerCount; i++)
        {
            random.NextBytes(bytes);
            signatures[i] = new SignerSignature((ushort)i, new Signature(bytes));
        }

        return new QuorumCertificate(round, RandomHash(random), signatures);
    }

    public static Hash RandomHash(Random random)
    {
        Span<byte> bytes = stackalloc byte[Hash.Size];
        random.NextBytes(bytes);
        return new Hash(bytes);
    }
}

using System.Security.Cryptography;
using System.Text;
using Fairway.Core.Crypto;
using Fairway.Crypto.Dkg;
using Fairway.Crypto.Group;

namespace Fairway.Crypto.Threshold;

/// <summary>What opening a ciphertext gave: the plaintext, or a verdict every node reaches alike that it has none.</summary>
public sealed record DecryptionResult(byte[]? Plaintext)
{
    /// <summary>The shares were valid but the sealed body does not open under the key they give: its sender made it so.</summary>
    public static DecryptionResult Undecryptable { get; } = new((byte[]?)null);

    public bool Decrypted => Plaintext is not null;
}

/// <summary>
/// TDH2 threshold encryption over ristretto255 with ChaCha20-Poly1305 for the payload. Anyone encrypts to a key set; a
/// holder of share i makes a decryption share only for a ciphertext that passes <see cref="Check"/>; any
/// <see cref="ThresholdKeySet.Threshold"/> valid shares with distinct indices open it, and fewer give nothing.
/// </summary>
public static class ThresholdEncryption
{
    private const string ProofDomain = "fairway/tdh2/ciphertext";
    private const string ShareDomain = "fairway/tdh2/share";
    private static readonly byte[] KeyDomain = Encoding.UTF8.GetBytes("fairway/tdh2/key");
    private static readonly byte[] KeyCheckDomain = Encoding.UTF8.GetBytes("fairway/tdh2/key-check");
    private static readonly byte[] Nonce = new byte[12];

    /// <summary>Ḡ: a second generator whose discrete log to G nobody knows (the map of a fixed label).</summary>
    public static GroupElement SecondGenerator { get; } = GroupElement.HashToGroup("fairway/tdh2/second-generator");

    public static ThresholdCiphertext Encrypt(ThresholdKeySet keySet, ReadOnlySpan<byte> label, ReadOnlySpan<byte> plaintext) =>
        Encrypt(keySet, label, plaintext, Scalar.Random(), Scalar.Random());

    /// <summary>
    /// Encrypts with the given randomness: <paramref name="r"/> (the ciphertext's secret exponent) and
    /// <paramref name="proofNonce"/> (its proof's nonce). Deterministic: for tests and simulations, which must replay byte
    /// for byte. Anyone who knows or guesses r opens the ciphertext without any share, so a real client uses the overload
    /// that draws both from the operating system's random source.
    /// </summary>
    public static ThresholdCiphertext Encrypt(ThresholdKeySet keySet, ReadOnlySpan<byte> label, ReadOnlySpan<byte> plaintext, Scalar r, Scalar proofNonce)
    {
        ArgumentNullException.ThrowIfNull(keySet);
        if (r.IsZero)
        {
            throw new ArgumentException("a zero exponent leaves the plaintext in the clear", nameof(r));
        }

        const int overhead = ThresholdCiphertext.KeyCheckSize + ThresholdCiphertext.TagSize;
        if (plaintext.Length > ThresholdCiphertext.BodyMax - overhead)
        {
            throw new ArgumentException($"at most {ThresholdCiphertext.BodyMax - overhead} bytes of plaintext", nameof(plaintext));
        }

        var u = GroupElement.MultiplyBase(r);
        var uBar = SecondGenerator.Multiply(r);
        var body = new byte[plaintext.Length + overhead];
        var key = DeriveKey(keySet.PublicKey.Multiply(r), u);
        KeyCheck(key, body.AsSpan(0, ThresholdCiphertext.KeyCheckSize));
        using (var aead = new ChaCha20Poly1305(key))
        {
            var sealedPart = body.AsSpan(ThresholdCiphertext.KeyCheckSize);
            aead.Encrypt(Nonce, plaintext, sealedPart[..plaintext.Length], sealedPart[plaintext.Length..], AssociatedData(keySet.Id, label));
        }

        var proof = DleqProof.Prove(ProofDomain, ProofContext(keySet.Id, label, body), r, GroupElement.Generator, SecondGenerator, proofNonce);
        return new ThresholdCiphertext(keySet.Id, label, u, uBar, body, proof);
    }

    /// <summary>Null when <paramref name="ciphertext"/> is well formed for this key set and label; otherwise why not.</summary>
    public static string? Check(ThresholdKeySet keySet, ThresholdCiphertext ciphertext, ReadOnlySpan<byte> label)
    {
        ArgumentNullException.ThrowIfNull(keySet);
        ArgumentNullException.ThrowIfNull(ciphertext);
        if (ciphertext.KeySetId != keySet.Id)
        {
            return "ciphertext for another key set";
        }

        if (!ciphertext.LabelBytes.AsSpan().SequenceEqual(label))
        {
            return "ciphertext for another label";
        }

        if (ciphertext.U.IsIdentity || ciphertext.UBar.IsIdentity)
        {
            return "degenerate ciphertext";
        }

        var context = ProofContext(keySet.Id, ciphertext.LabelBytes, ciphertext.BodyBytes);
        return ciphertext.Proof.Verify(ProofDomain, context, GroupElement.Generator, ciphertext.U, SecondGenerator, ciphertext.UBar)
            ? null
            : "ciphertext proof does not verify";
    }

    /// <summary>Share <paramref name="index"/>'s decryption share, made only for a ciphertext that passes <see cref="Check"/>.</summary>
    public static DecryptionShare CreateShare(ThresholdKeySet keySet, int index, Scalar secretShare, ThresholdCiphertext ciphertext, ReadOnlySpan<byte> label)
    {
        ArgumentNullException.ThrowIfNull(keySet);
        ArgumentNullException.ThrowIfNull(ciphertext);
        if (Check(keySet, ciphertext, label) is { } reason)
        {
            throw new ArgumentException($"no share for an invalid ciphertext: {reason}", nameof(ciphertext));
        }

        if (!keySet.TryGetVerificationKey(index, out var verification) || GroupElement.MultiplyBase(secretShare) != verification)
        {
            throw new ArgumentException($"the secret is not share {index} of key set {keySet.Id.ToHex()[..8]}", nameof(secretShare));
        }

        var value = ciphertext.U.Multiply(secretShare);
        var proof = DleqProof.Prove(ShareDomain, ShareContext(ciphertext.Id, index), secretShare, GroupElement.Generator, ciphertext.U);
        return new DecryptionShare(ciphertext.Id, (ushort)index, value, proof);
    }

    /// <summary>True when <paramref name="share"/> is a correct share of this ciphertext for its index.</summary>
    public static bool VerifyShare(ThresholdKeySet keySet, ThresholdCiphertext ciphertext, DecryptionShare share)
    {
        ArgumentNullException.ThrowIfNull(keySet);
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(share);
        return share.Ciphertext == ciphertext.Id
            && keySet.TryGetVerificationKey(share.Index, out var verification)
            && share.Proof.Verify(ShareDomain, ShareContext(ciphertext.Id, share.Index), GroupElement.Generator, verification, ciphertext.U, share.Value);
    }

    /// <summary>
    /// Opens <paramref name="ciphertext"/> from the valid shares among <paramref name="shares"/> (invalid ones and repeated
    /// indices are passed over). Throws when fewer than the threshold are valid: then nothing can be learned.
    /// </summary>
    public static DecryptionResult Combine(ThresholdKeySet keySet, ThresholdCiphertext ciphertext, IEnumerable<DecryptionShare> shares)
    {
        ArgumentNullException.ThrowIfNull(keySet);
        ArgumentNullException.ThrowIfNull(shares);

        // Proofs are checked lazily: only up to the threshold, and never twice for one index.
        var valid = new List<DecryptionShare>(keySet.Threshold);
        foreach (var share in shares)
        {
            if (valid.Count < keySet.Threshold && valid.TrueForAll(v => v.Index != share.Index) && VerifyShare(keySet, ciphertext, share))
            {
                valid.Add(share);
            }
        }

        return CombineVerified(keySet, ciphertext, valid);
    }

    /// <summary>
    /// The same for shares the caller has already checked one by one with <see cref="VerifyShare"/> (a decryption stage
    /// checks each share as it arrives; checking again here would double the cost of opening). Their proofs are not
    /// checked again; their count and distinct indices are.
    /// </summary>
    public static DecryptionResult CombineVerified(ThresholdKeySet keySet, ThresholdCiphertext ciphertext, IReadOnlyList<DecryptionShare> verifiedShares)
    {
        ArgumentNullException.ThrowIfNull(keySet);
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(verifiedShares);
        var valid = new SortedDictionary<int, GroupElement>();
        foreach (var share in verifiedShares)
        {
            if (share.Ciphertext == ciphertext.Id && valid.Count < keySet.Threshold)
            {
                valid.TryAdd(share.Index, share.Value);
            }
        }

        if (valid.Count < keySet.Threshold)
        {
            throw new InvalidOperationException($"{valid.Count} valid decryption shares with distinct indices, {keySet.Threshold} needed");
        }

        // Valid shares give the one right key: a body whose key check does not match it was sealed so by its sender.
        return Open(keySet, ciphertext, Interpolate(valid)) ?? DecryptionResult.Undecryptable;
    }

    /// <summary>
    /// Opens <paramref name="ciphertext"/> from shares nobody has checked: the first threshold of distinct indices are
    /// combined and the result is taken only if it passes the body's key check, which only the right key does. Null when
    /// it does not (a share was wrong, or the sender sealed the body so): the caller then checks the shares one by one.
    /// Saves checking each share's proof whenever every share is right, which is the common case.
    /// </summary>
    public static DecryptionResult? TryCombineUnchecked(ThresholdKeySet keySet, ThresholdCiphertext ciphertext, IReadOnlyList<DecryptionShare> shares)
    {
        ArgumentNullException.ThrowIfNull(keySet);
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(shares);
        var chosen = new SortedDictionary<int, GroupElement>();
        foreach (var share in shares)
        {
            if (share.Ciphertext == ciphertext.Id && chosen.Count < keySet.Threshold && keySet.TryGetVerificationKey(share.Index, out _))
            {
                chosen.TryAdd(share.Index, share.Value);
            }
        }

        return chosen.Count < keySet.Threshold ? null : Open(keySet, ciphertext, Interpolate(chosen));
    }

    /// <summary>r·H = Σ λ_i·(x_i·U): the secret key is never put together, only its product with this ciphertext's U.</summary>
    private static GroupElement Interpolate(SortedDictionary<int, GroupElement> shares)
    {
        var indices = shares.Keys.ToList();
        var shared = GroupElement.Identity;
        foreach (var (index, value) in shares)
        {
            shared += value.Multiply(Lagrange.CoefficientAtZero(index, indices));
        }

        return shared;
    }

    /// <summary>The plaintext, <see cref="DecryptionResult.Undecryptable"/> when the key is right but the body does not open, or null when the key fails the check.</summary>
    private static DecryptionResult? Open(ThresholdKeySet keySet, ThresholdCiphertext ciphertext, GroupElement shared)
    {
        var key = DeriveKey(shared, ciphertext.U);
        var body = ciphertext.BodyBytes;
        Span<byte> check = stackalloc byte[ThresholdCiphertext.KeyCheckSize];
        KeyCheck(key, check);
        if (!CryptographicOperations.FixedTimeEquals(check, body.AsSpan(0, ThresholdCiphertext.KeyCheckSize)))
        {
            return null;
        }

        var plaintext = new byte[ciphertext.PlaintextLength];
        var sealedPart = body.AsSpan(ThresholdCiphertext.KeyCheckSize);
        using var aead = new ChaCha20Poly1305(key);
        try
        {
            aead.Decrypt(Nonce, sealedPart[..plaintext.Length], sealedPart[plaintext.Length..], plaintext, AssociatedData(keySet.Id, ciphertext.LabelBytes));
            return new DecryptionResult(plaintext);
        }
        catch (AuthenticationTagMismatchException)
        {
            return DecryptionResult.Undecryptable;
        }
    }

    private static void KeyCheck(byte[] key, Span<byte> destination)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(KeyCheckDomain);
        hash.AppendData(key);
        hash.GetHashAndReset(destination);
    }

    private static byte[] DeriveKey(GroupElement shared, GroupElement u)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(KeyDomain);
        hash.AppendData(shared.ToArray());
        hash.AppendData(u.ToArray());
        return hash.GetHashAndReset();
    }

    private static byte[] AssociatedData(Hash keySetId, ReadOnlySpan<byte> label) => [.. keySetId.ToArray(), (byte)label.Length, .. label];

    private static byte[] ProofContext(Hash keySetId, ReadOnlySpan<byte> label, ReadOnlySpan<byte> body) =>
        [.. keySetId.ToArray(), (byte)label.Length, .. label, .. SHA256.HashData(body)];

    private static byte[] ShareContext(Hash ciphertext, int index) => [.. ciphertext.ToArray(), (byte)(index >> 8), (byte)index];
}

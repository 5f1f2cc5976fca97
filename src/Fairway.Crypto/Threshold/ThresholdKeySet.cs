using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Crypto.Group;

namespace Fairway.Crypto.Threshold;

/// <summary>
/// The public side of a threshold key: the key ciphertexts are made to, the number of decryption shares that open one,
/// and for each share index i (1-based) the verification key x_i·G that a decryption share with that index is checked
/// against. The id names the key set; a ciphertext carries it, so a node never tries to open a ciphertext made for another
/// key set (an earlier epoch's, another chain's).
/// </summary>
public sealed class ThresholdKeySet : ICanonical
{
    public const byte Version = 1;

    /// <summary>Share indices a key set may have: a bound on what a peer or a file can make a node decode.</summary>
    public const int SharesMax = 256;

    public ThresholdKeySet(Hash id, int threshold, GroupElement publicKey, IReadOnlyList<GroupElement> verificationKeys)
    {
        ArgumentNullException.ThrowIfNull(verificationKeys);
        if (verificationKeys.Count is 0 or > SharesMax)
        {
            throw new ArgumentException($"a key set has between 1 and {SharesMax} shares", nameof(verificationKeys));
        }

        if (threshold < 1 || threshold > verificationKeys.Count)
        {
            throw new ArgumentException($"threshold {threshold} outside 1..{verificationKeys.Count}", nameof(threshold));
        }

        if (publicKey.IsIdentity || verificationKeys.Any(k => k.IsIdentity))
        {
            throw new ArgumentException("the identity is not a key", nameof(publicKey));
        }

        Id = id;
        Threshold = threshold;
        PublicKey = publicKey;
        VerificationKeys = [.. verificationKeys];
    }

    /// <summary>The key set a finished key generation made (share index v+1 is validator v's).</summary>
    public static ThresholdKeySet From(Dkg.DkgResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new ThresholdKeySet(result.KeySetId, result.Threshold, result.PublicKey, result.VerificationKeys);
    }

    public Hash Id { get; }

    /// <summary>Valid decryption shares with distinct indices needed to open a ciphertext.</summary>
    public int Threshold { get; }

    public GroupElement PublicKey { get; }

    public IReadOnlyList<GroupElement> VerificationKeys { get; }

    public int ShareCount => VerificationKeys.Count;

    /// <summary>The verification key of share <paramref name="index"/> (1-based), if the key set has that share.</summary>
    public bool TryGetVerificationKey(int index, out GroupElement key)
    {
        key = default;
        if (index < 1 || index > VerificationKeys.Count)
        {
            return false;
        }

        key = VerificationKeys[index - 1];
        return true;
    }

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteU8(Version);
        writer.WriteHash(Id);
        writer.WriteU16((ushort)Threshold);
        writer.WriteRaw(PublicKey.ToArray());
        writer.WriteCount(VerificationKeys.Count);
        foreach (var key in VerificationKeys)
        {
            writer.WriteRaw(key.ToArray());
        }
    }

    public static ThresholdKeySet Decode(ref CanonicalReader reader)
    {
        reader.ExpectVersion(Version, "threshold key set");
        var id = reader.ReadHash("key set id");
        var threshold = reader.ReadU16("key set threshold");
        var publicKey = GroupEncoding.ReadElement(ref reader, "key set public key");
        var count = reader.ReadCount(SharesMax, "key set verification keys");
        var keys = new GroupElement[count];
        for (var i = 0; i < count; i++)
        {
            keys[i] = GroupEncoding.ReadElement(ref reader, "verification key");
        }

        try
        {
            return new ThresholdKeySet(id, threshold, publicKey, keys);
        }
        catch (ArgumentException e)
        {
            throw new EncodingException($"threshold key set: {e.Message}");
        }
    }
}

using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Crypto.Group;

namespace Fairway.Crypto.Threshold;

/// <summary>
/// A TDH2 ciphertext (Shoup and Gennaro's threshold scheme, secure against chosen-ciphertext attacks), used as a key
/// encapsulation: <see cref="U"/> = r·G carries the randomness, r·H (H the key set's public key) keys an AEAD that seals the
/// payload, and <see cref="Proof"/> shows that <see cref="UBar"/> = r·Ḡ has the same r. The proof's hash covers the key
/// set, the label and the sealed body, so changing any part, or moving the ciphertext under another label (another
/// namespace), makes it invalid; validators refuse to make decryption shares for an invalid ciphertext, which is what
/// makes mauling useless.
/// </summary>
public sealed class ThresholdCiphertext : ICanonical, IEncodedSizeHint
{
    /// <summary>Version 2: the body begins with a commitment to its AEAD key (<see cref="KeyCheckSize"/> bytes).</summary>
    public const byte Version = 2;

    public const int LabelMax = 64;

    /// <summary>The largest sealed body (key check, payload and the 16-byte tag): a bound for decoding what clients send.</summary>
    public const int BodyMax = 1 << 20;

    public const int TagSize = 16;

    /// <summary>
    /// The body's first bytes: SHA-256 of the AEAD key. ChaCha20-Poly1305 alone does not commit to its key, so shares
    /// combined before they are checked could open a crafted body two ways; with the commitment, the only key that
    /// passes is the right one, and a stage may combine first and check shares only when that fails.
    /// </summary>
    public const int KeyCheckSize = 32;

    private CachedHash _id;

    public ThresholdCiphertext(Hash keySetId, ReadOnlySpan<byte> label, GroupElement u, GroupElement uBar, ReadOnlySpan<byte> body, DleqProof proof)
    {
        if (label.Length > LabelMax)
        {
            throw new ArgumentException($"a label is at most {LabelMax} bytes", nameof(label));
        }

        if (body.Length is < KeyCheckSize + TagSize or > BodyMax)
        {
            throw new ArgumentException($"a sealed body is between {KeyCheckSize + TagSize} and {BodyMax} bytes", nameof(body));
        }

        KeySetId = keySetId;
        Label = label.ToArray();
        U = u;
        UBar = uBar;
        Body = body.ToArray();
        Proof = proof;
    }

    public Hash KeySetId { get; }

    /// <summary>What the ciphertext is bound to (the namespace it was made for); checked, never secret.</summary>
    public IReadOnlyList<byte> Label { get; }

    public GroupElement U { get; }

    public GroupElement UBar { get; }

    /// <summary>The key check, then the payload sealed with ChaCha20-Poly1305 under a key derived from r·H.</summary>
    public IReadOnlyList<byte> Body { get; }

    public DleqProof Proof { get; }

    /// <summary>The hash of the encoding: what decryption shares name.</summary>
    public Hash Id => _id.GetOrCompute(this, static self => Hash.Compute(Canonical.Encode(self)));

    public int PlaintextLength => Body.Count - KeyCheckSize - TagSize;

    public int EncodedSizeHint => 1 + Hash.Size + 1 + Label.Count + (2 * GroupElement.Size) + 4 + Body.Count + DleqProof.Size;

    internal byte[] LabelBytes => (byte[])Label;

    internal byte[] BodyBytes => (byte[])Body;

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteU8(Version);
        writer.WriteHash(KeySetId);
        writer.WriteU8((byte)Label.Count);
        writer.WriteRaw(LabelBytes);
        writer.WriteRaw(U.ToArray());
        writer.WriteRaw(UBar.ToArray());
        writer.WriteBytes(BodyBytes);
        Span<byte> proof = stackalloc byte[DleqProof.Size];
        Proof.CopyTo(proof);
        writer.WriteRaw(proof);
    }

    /// <summary>The ciphertext a payload encodes, or null when it encodes none (trailing bytes included).</summary>
    public static ThresholdCiphertext? TryDecode(ReadOnlySpan<byte> payload)
    {
        try
        {
            return Canonical.Decode(payload, Decode, "ciphertext");
        }
        catch (Exception e) when (e is EncodingException or ArgumentException)
        {
            return null;
        }
    }

    public static ThresholdCiphertext Decode(ref CanonicalReader reader)
    {
        reader.ExpectVersion(Version, "threshold ciphertext");
        var keySet = reader.ReadHash("ciphertext key set id");
        var labelLength = reader.ReadU8("ciphertext label length");
        if (labelLength > LabelMax)
        {
            throw new EncodingException($"ciphertext label of {labelLength} bytes, at most {LabelMax}");
        }

        Span<byte> label = stackalloc byte[labelLength];
        for (var i = 0; i < labelLength; i++)
        {
            label[i] = reader.ReadU8("ciphertext label");
        }

        var u = GroupEncoding.ReadElement(ref reader, "ciphertext U");
        var uBar = GroupEncoding.ReadElement(ref reader, "ciphertext U-bar");
        var body = reader.ReadBytes(BodyMax, "ciphertext body");
        if (body.Length < KeyCheckSize + TagSize)
        {
            throw new EncodingException("ciphertext body shorter than its key check and tag");
        }

        var challenge = GroupEncoding.ReadScalar(ref reader, "ciphertext proof challenge");
        var response = GroupEncoding.ReadScalar(ref reader, "ciphertext proof response");
        return new ThresholdCiphertext(keySet, label, u, uBar, body, new DleqProof(challenge, response));
    }
}

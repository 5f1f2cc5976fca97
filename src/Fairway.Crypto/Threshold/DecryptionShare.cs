using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Crypto.Group;

namespace Fairway.Crypto.Threshold;

/// <summary>
/// One holder's part of opening a ciphertext: U_i = x_i·U for its share index i, with a proof that it used the same x_i
/// as its verification key x_i·G, so anyone can check a share without trusting its sender, and a wrong share is provable.
/// </summary>
public sealed record DecryptionShare(Hash Ciphertext, ushort Index, GroupElement Value, DleqProof Proof) : ICanonical
{
    public const byte Version = 1;

    public const int EncodedSize = 1 + Hash.Size + 2 + GroupElement.Size + DleqProof.Size;

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteU8(Version);
        writer.WriteHash(Ciphertext);
        writer.WriteU16(Index);
        writer.WriteRaw(Value.ToArray());
        Span<byte> proof = stackalloc byte[DleqProof.Size];
        Proof.CopyTo(proof);
        writer.WriteRaw(proof);
    }

    /// <summary>Shares as one blob: a count, then each share (what a node stores and serves as the opening of a ciphertext).</summary>
    public static byte[] EncodeList(IReadOnlyList<DecryptionShare> shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        var writer = new CanonicalWriter((shares.Count * EncodedSize) + 4);
        writer.WriteCount(shares.Count);
        foreach (var share in shares)
        {
            share.Encode(writer);
        }

        return writer.ToArray();
    }

    /// <summary>Reads <see cref="EncodeList"/>'s blob, at most <paramref name="max"/> shares; anything malformed throws <see cref="EncodingException"/>.</summary>
    public static DecryptionShare[] DecodeList(ReadOnlySpan<byte> bytes, int max)
    {
        var reader = new CanonicalReader(bytes);
        var count = reader.ReadCount(max, "decryption shares");
        var shares = new DecryptionShare[count];
        for (var i = 0; i < count; i++)
        {
            shares[i] = Decode(ref reader);
        }

        reader.EnsureEnd("decryption shares");
        return shares;
    }

    public static DecryptionShare Decode(ref CanonicalReader reader)
    {
        reader.ExpectVersion(Version, "decryption share");
        var ciphertext = reader.ReadHash("decryption share ciphertext");
        var index = reader.ReadU16("decryption share index");
        var value = GroupEncoding.ReadElement(ref reader, "decryption share value");
        var challenge = GroupEncoding.ReadScalar(ref reader, "decryption share proof challenge");
        var response = GroupEncoding.ReadScalar(ref reader, "decryption share proof response");
        return new DecryptionShare(ciphertext, index, value, new DleqProof(challenge, response));
    }
}

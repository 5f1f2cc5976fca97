using Fairway.Core.Encoding;
namespace Fairway.Crypto.Group;

/// <summary>Reads and writes group elements and scalars in canonical encodings (key generation, ciphertexts, shares), refusing any other.</summary>
internal static class GroupEncoding
{
    // The canonical reader has no raw fixed-width read; a hash is 32 bytes read verbatim, the size of both values.
    public static GroupElement ReadElement(ref CanonicalReader reader, string what) =>
        GroupElement.TryRead(reader.ReadHash(what).ToArray(), out var element) ? element : throw new EncodingException($"{what}: not a ristretto255 element");

    public static Scalar ReadScalar(ref CanonicalReader reader, string what) =>
        Scalar.TryRead(reader.ReadHash(what).ToArray(), out var scalar) ? scalar : throw new EncodingException($"{what}: not a canonical scalar");

    public static void Write(CanonicalWriter writer, GroupElement element)
    {
        Span<byte> bytes = stackalloc byte[GroupElement.Size];
        element.CopyTo(bytes);
        writer.WriteRaw(bytes);
    }

    public static void Write(CanonicalWriter writer, Scalar scalar)
    {
        Span<byte> bytes = stackalloc byte[Scalar.Size];
        scalar.CopyTo(bytes);
        writer.WriteRaw(bytes);
    }
}

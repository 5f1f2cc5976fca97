using Fairway.Core.Encoding;
using Fairway.Crypto.Group;

namespace Fairway.Crypto.Dkg;

/// <summary>Reads the fixed-size group values of the key generation's messages, refusing any non-canonical encoding.</summary>
internal static class DkgEncoding
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

namespace Fairway.Core.Encoding;

/// <summary>A value with a canonical binary form.</summary>
public interface ICanonical
{
    void Encode(CanonicalWriter writer);
}

/// <summary>Decodes a whole buffer as one value; trailing bytes are an error.</summary>
public delegate T CanonicalDecoder<out T>(ref CanonicalReader reader);

public static class Canonical
{
    public static byte[] Encode(ICanonical value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var writer = new CanonicalWriter();
        value.Encode(writer);
        return writer.ToArray();
    }

    public static T Decode<T>(ReadOnlySpan<byte> bytes, CanonicalDecoder<T> decoder, string what)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        var reader = new CanonicalReader(bytes);
        var value = decoder(ref reader);
        reader.EnsureEnd(what);
        return value;
    }
}

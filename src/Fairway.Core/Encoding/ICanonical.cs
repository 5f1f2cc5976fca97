namespace Fairway.Core.Encoding;

/// <summary>A value with a canonical binary form.</summary>
public interface ICanonical
{
    void Encode(CanonicalWriter writer);
}

/// <summary>Decodes a whole buffer as one value; trailing bytes are an error.</summary>
public delegate T CanonicalDecoder<out T>(ref CanonicalReader reader);

/// <summary>
/// A value that can say about how long its encoding is, so the writer starts that large: a fair block is hundreds of
/// kilobytes, and a writer doubling its way up from a few hundred bytes allocated and copied it twice over again.
/// </summary>
public interface IEncodedSizeHint
{
    int EncodedSizeHint { get; }
}

public static class Canonical
{
    /// <summary>The largest initial buffer a size hint may ask for (a peer frame's limit): a hint is never trusted further.</summary>
    private const int HintMax = 16 * 1024 * 1024;

    /// <summary>The buffer to start a writer with for <paramref name="value"/>: its hint, or a small default.</summary>
    public static int InitialCapacity(object? value, int extra = 0) =>
        value is IEncodedSizeHint hinted ? Math.Clamp(hinted.EncodedSizeHint + extra, 256, HintMax) : 256 + extra;

    public static byte[] Encode(ICanonical value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var writer = new CanonicalWriter(InitialCapacity(value));
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

namespace Fairway.Core.Crypto;

/// <summary>A 64-byte signature. Immutable; compared by value.</summary>
public readonly struct Signature : IEquatable<Signature>
{
    public const int Size = 64;

    private readonly Hash _low, _high;

    public Signature(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"a signature is {Size} bytes, got {bytes.Length}", nameof(bytes));
        }

        _low = new Hash(bytes[..Hash.Size]);
        _high = new Hash(bytes[Hash.Size..]);
    }

    public void CopyTo(Span<byte> destination)
    {
        _low.CopyTo(destination);
        _high.CopyTo(destination[Hash.Size..]);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        CopyTo(bytes);
        return bytes;
    }

    public string ToHex() => Convert.ToHexStringLower(ToArray());

    public bool Equals(Signature other) => _low.Equals(other._low) && _high.Equals(other._high);

    public override bool Equals(object? obj) => obj is Signature other && Equals(other);

    public override int GetHashCode() => _low.GetHashCode();

    public static bool operator ==(Signature left, Signature right) => left.Equals(right);
    public static bool operator !=(Signature left, Signature right) => !left.Equals(right);

    public override string ToString() => ToHex();
}

namespace Fairway.Core.Crypto;

/// <summary>A 32-byte Ed25519 public key. Immutable; compared by value.</summary>
public readonly struct PublicKey : IEquatable<PublicKey>
{
    public const int Size = 32;

    private readonly Hash _bytes;

    public PublicKey(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"a public key is {Size} bytes, got {bytes.Length}", nameof(bytes));
        }

        _bytes = new Hash(bytes);
    }

    public void CopyTo(Span<byte> destination) => _bytes.CopyTo(destination);

    public byte[] ToArray() => _bytes.ToArray();

    public string ToHex() => _bytes.ToHex();

    public static PublicKey ParseHex(string hex) => new(Hash.ParseHex(hex).ToArray());

    /// <summary>A key from 64 hex characters; false for anything else.</summary>
    public static bool TryParse(string? hex, out PublicKey key)
    {
        key = default;
        if (hex is not { Length: Size * 2 } || !hex.All(Uri.IsHexDigit))
        {
            return false;
        }

        key = ParseHex(hex);
        return true;
    }

    public bool Equals(PublicKey other) => _bytes.Equals(other._bytes);

    public override bool Equals(object? obj) => obj is PublicKey other && Equals(other);

    public override int GetHashCode() => _bytes.GetHashCode();

    public static bool operator ==(PublicKey left, PublicKey right) => left.Equals(right);
    public static bool operator !=(PublicKey left, PublicKey right) => !left.Equals(right);

    public override string ToString() => ToHex();
}

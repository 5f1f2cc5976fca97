using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Fairway.Core.Crypto;

/// <summary>A 32-byte SHA-256 digest, held as four words so equality and hashing never allocate.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct Hash : IEquatable<Hash>, IComparable<Hash>
{
    public const int Size = 32;

    private readonly ulong _a, _b, _c, _d;

    public static readonly Hash Zero;

    public Hash(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"a hash is {Size} bytes, got {bytes.Length}", nameof(bytes));
        }

        _a = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _b = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _c = BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]);
        _d = BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]);
    }

    public static Hash Compute(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[Size];
        SHA256.HashData(data, digest);
        return new Hash(digest);
    }

    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _d);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        CopyTo(bytes);
        return bytes;
    }

    /// <summary>The first eight bytes as a number: a cheap, uniformly distributed value for bucketing.</summary>
    public ulong Prefix64 => _a;

    public bool IsZero => (_a | _b | _c | _d) == 0;

    public string ToHex()
    {
        Span<byte> bytes = stackalloc byte[Size];
        CopyTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    public static Hash ParseHex(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        if (hex.Length != Size * 2)
        {
            throw new FormatException($"a hash is {Size * 2} hex characters, got {hex.Length}");
        }

        return new Hash(Convert.FromHexString(hex));
    }

    public bool Equals(Hash other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    public override bool Equals(object? obj) => obj is Hash other && Equals(other);

    public override int GetHashCode() => (int)(_a ^ (_a >> 32));

    public int CompareTo(Hash other)
    {
        var c = _a.CompareTo(other._a);
        if (c != 0) return c;
        c = _b.CompareTo(other._b);
        if (c != 0) return c;
        c = _c.CompareTo(other._c);
        return c != 0 ? c : _d.CompareTo(other._d);
    }

    public static bool operator ==(Hash left, Hash right) => left.Equals(right);
    public static bool operator !=(Hash left, Hash right) => !left.Equals(right);
    public static bool operator <(Hash left, Hash right) => left.CompareTo(right) < 0;
    public static bool operator >(Hash left, Hash right) => left.CompareTo(right) > 0;
    public static bool operator <=(Hash left, Hash right) => left.CompareTo(right) <= 0;
    public static bool operator >=(Hash left, Hash right) => left.CompareTo(right) >= 0;

    public override string ToString() => ToHex();
}

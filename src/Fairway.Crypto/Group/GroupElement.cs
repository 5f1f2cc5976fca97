using System.Security.Cryptography;
using System.Text;

namespace Fairway.Crypto.Group;

/// <summary>
/// An element of ristretto255 (RFC 9496), a prime-order group built on Curve25519, in its canonical 32-byte encoding.
/// Only canonical encodings of group elements are accepted, so every element has one encoding and there is no cofactor
/// to clear. The identity encodes as 32 zero bytes.
/// </summary>
public readonly struct GroupElement : IEquatable<GroupElement>
{
    public const int Size = Sodium.PointBytes;

    private static readonly byte[] BaseEncoding = Convert.FromHexString("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76");

    private readonly byte[]? _bytes;

    private GroupElement(byte[] bytes) => _bytes = bytes;

    public static GroupElement Identity => new(new byte[Size]);

    /// <summary>The standard generator (RFC 9496 section 4.4).</summary>
    public static GroupElement Generator => new(BaseEncoding);

    private ReadOnlySpan<byte> Bytes => _bytes ?? new byte[Size];

    public bool IsIdentity => Bytes.IndexOfAnyExcept((byte)0) < 0;

    /// <summary>Reads a canonical encoding of a group element; anything else (RFC 9496's bad encodings included) is refused.</summary>
    public static bool TryRead(ReadOnlySpan<byte> bytes, out GroupElement element)
    {
        element = default;
        if (bytes.Length != Size)
        {
            return false;
        }

        if (bytes.IndexOfAnyExcept((byte)0) >= 0 && Sodium.crypto_core_ristretto255_is_valid_point(bytes) != 1)
        {
            return false;
        }

        element = new GroupElement(bytes.ToArray());
        return true;
    }

    public static GroupElement Read(ReadOnlySpan<byte> bytes) =>
        TryRead(bytes, out var element) ? element : throw new ArgumentException("not a canonical ristretto255 element", nameof(bytes));

    /// <summary>RFC 9496's one-way map from 64 uniform bytes: an element whose discrete log no one knows.</summary>
    public static GroupElement FromUniformBytes(ReadOnlySpan<byte> uniform)
    {
        if (uniform.Length != Sodium.HashBytes)
        {
            throw new ArgumentException($"the map takes {Sodium.HashBytes} bytes", nameof(uniform));
        }

        var bytes = new byte[Size];
        if (Sodium.crypto_core_ristretto255_from_hash(bytes, uniform) != 0)
        {
            throw new CryptographicException("ristretto255 from_hash failed");
        }

        return new GroupElement(bytes);
    }

    /// <summary>SHA-512 of a domain label, mapped into the group: a generator independent of <see cref="Generator"/>.</summary>
    public static GroupElement HashToGroup(string domain, ReadOnlySpan<byte> data = default)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        Scalar.AppendPrefixed(hash, Encoding.UTF8.GetBytes(domain));
        Scalar.AppendPrefixed(hash, data);
        return FromUniformBytes(hash.GetHashAndReset());
    }

    /// <summary><paramref name="scalar"/> times the generator.</summary>
    public static GroupElement MultiplyBase(Scalar scalar)
    {
        var bytes = new byte[Size];
        Span<byte> n = stackalloc byte[Scalar.Size];
        scalar.CopyTo(n);
        // -1 means the result is the identity, which libsodium has written as zeros.
        _ = Sodium.crypto_scalarmult_ristretto255_base(bytes, n);
        return new GroupElement(bytes);
    }

    public GroupElement Multiply(Scalar scalar)
    {
        if (IsIdentity)
        {
            return Identity;
        }

        var bytes = new byte[Size];
        Span<byte> n = stackalloc byte[Scalar.Size];
        scalar.CopyTo(n);
        _ = Sodium.crypto_scalarmult_ristretto255(bytes, n, Bytes);
        return new GroupElement(bytes);
    }

    public GroupElement Add(GroupElement other)
    {
        if (IsIdentity)
        {
            return other;
        }

        if (other.IsIdentity)
        {
            return this;
        }

        var bytes = new byte[Size];
        if (Sodium.crypto_core_ristretto255_add(bytes, Bytes, other.Bytes) != 0)
        {
            throw new CryptographicException("ristretto255 add failed");
        }

        return new GroupElement(bytes);
    }

    public GroupElement Subtract(GroupElement other)
    {
        if (other.IsIdentity)
        {
            return this;
        }

        if (IsIdentity)
        {
            return other.Multiply(-Scalar.One);
        }

        var bytes = new byte[Size];
        if (Sodium.crypto_core_ristretto255_sub(bytes, Bytes, other.Bytes) != 0)
        {
            throw new CryptographicException("ristretto255 sub failed");
        }

        return new GroupElement(bytes);
    }

    public static GroupElement operator +(GroupElement p, GroupElement q) => p.Add(q);

    public static GroupElement operator -(GroupElement p, GroupElement q) => p.Subtract(q);

    public static GroupElement operator *(Scalar s, GroupElement p) => p.Multiply(s);

    public byte[] ToArray() => Bytes.ToArray();

    public void CopyTo(Span<byte> destination) => Bytes.CopyTo(destination);

    public string ToHex() => Convert.ToHexStringLower(Bytes);

    public bool Equals(GroupElement other) => Bytes.SequenceEqual(other.Bytes);

    public override bool Equals(object? obj) => obj is GroupElement other && Equals(other);

    public override int GetHashCode() => BitConverter.ToInt32(Bytes[..4]);

    public static bool operator ==(GroupElement left, GroupElement right) => left.Equals(right);

    public static bool operator !=(GroupElement left, GroupElement right) => !left.Equals(right);

    public override string ToString() => ToHex();
}

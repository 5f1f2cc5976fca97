using System.Security.Cryptography;
using System.Text;

namespace Fairway.Crypto.Group;

/// <summary>
/// An integer modulo ℓ, the prime order of ristretto255 (2^252 + 27742317777372353535851937790883648493), in its
/// canonical 32-byte little-endian form. Immutable; arithmetic is libsodium's.
/// </summary>
public readonly struct Scalar : IEquatable<Scalar>
{
    public const int Size = Sodium.ScalarBytes;

    private readonly byte[]? _bytes;

    private Scalar(byte[] bytes) => _bytes = bytes;

    public static Scalar Zero => new(new byte[Size]);

    public static Scalar One => FromUInt64(1);

    private ReadOnlySpan<byte> Bytes => _bytes ?? new byte[Size];

    public bool IsZero => Bytes.IndexOfAnyExcept((byte)0) < 0;

    /// <summary>A uniformly random scalar from libsodium's random source (the operating system's).</summary>
    public static Scalar Random()
    {
        var bytes = new byte[Size];
        Sodium.crypto_core_ristretto255_scalar_random(bytes);
        return new Scalar(bytes);
    }

    public static Scalar FromUInt64(ulong value)
    {
        var bytes = new byte[Size];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return new Scalar(bytes);
    }

    /// <summary>Reads a canonical encoding (below ℓ); anything else is refused, so a value has exactly one encoding.</summary>
    public static bool TryRead(ReadOnlySpan<byte> bytes, out Scalar scalar)
    {
        scalar = default;
        if (bytes.Length != Size)
        {
            return false;
        }

        Span<byte> wide = stackalloc byte[Sodium.HashBytes];
        bytes.CopyTo(wide);
        var reduced = new byte[Size];
        Sodium.crypto_core_ristretto255_scalar_reduce(reduced, wide);
        if (!reduced.AsSpan().SequenceEqual(bytes))
        {
            return false;
        }

        scalar = new Scalar(reduced);
        return true;
    }

    public static Scalar Read(ReadOnlySpan<byte> bytes) =>
        TryRead(bytes, out var scalar) ? scalar : throw new ArgumentException("not a canonical ristretto255 scalar", nameof(bytes));

    /// <summary>64 bytes reduced modulo ℓ: how a uniform scalar is made from a hash.</summary>
    public static Scalar FromWide(ReadOnlySpan<byte> wide)
    {
        if (wide.Length != Sodium.HashBytes)
        {
            throw new ArgumentException($"a wide scalar is {Sodium.HashBytes} bytes", nameof(wide));
        }

        var bytes = new byte[Size];
        Sodium.crypto_core_ristretto255_scalar_reduce(bytes, wide);
        return new Scalar(bytes);
    }

    /// <summary>SHA-512 over a domain label and the parts (each length-prefixed), reduced: a scalar no one can choose.</summary>
    public static Scalar Hash(string domain, params ReadOnlySpan<byte[]> parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        AppendPrefixed(hash, Encoding.UTF8.GetBytes(domain));
        foreach (var part in parts)
        {
            AppendPrefixed(hash, part);
        }

        return FromWide(hash.GetHashAndReset());
    }

    internal static void AppendPrefixed(IncrementalHash hash, ReadOnlySpan<byte> part)
    {
        Span<byte> length = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)part.Length);
        hash.AppendData(length);
        hash.AppendData(part);
    }

    public static Scalar operator +(Scalar x, Scalar y) => Apply(Sodium.crypto_core_ristretto255_scalar_add, x, y);

    public static Scalar operator -(Scalar x, Scalar y) => Apply(Sodium.crypto_core_ristretto255_scalar_sub, x, y);

    public static Scalar operator *(Scalar x, Scalar y) => Apply(Sodium.crypto_core_ristretto255_scalar_mul, x, y);

    public static Scalar operator -(Scalar x)
    {
        var bytes = new byte[Size];
        Sodium.crypto_core_ristretto255_scalar_negate(bytes, x.Bytes);
        return new Scalar(bytes);
    }

    public Scalar Add(Scalar other) => this + other;

    public Scalar Subtract(Scalar other) => this - other;

    public Scalar Multiply(Scalar other) => this * other;

    public Scalar Negate() => -this;

    /// <summary>The multiplicative inverse; zero has none.</summary>
    public Scalar Invert()
    {
        var bytes = new byte[Size];
        if (Sodium.crypto_core_ristretto255_scalar_invert(bytes, Bytes) != 0)
        {
            throw new InvalidOperationException("zero has no inverse");
        }

        return new Scalar(bytes);
    }

    public byte[] ToArray() => Bytes.ToArray();

    public void CopyTo(Span<byte> destination) => Bytes.CopyTo(destination);

    public bool Equals(Scalar other) => CryptographicOperations.FixedTimeEquals(Bytes, other.Bytes);

    public override bool Equals(object? obj) => obj is Scalar other && Equals(other);

    public override int GetHashCode() => BitConverter.ToInt32(Bytes[..4]);

    public static bool operator ==(Scalar left, Scalar right) => left.Equals(right);

    public static bool operator !=(Scalar left, Scalar right) => !left.Equals(right);

    private delegate void Binary(Span<byte> z, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y);

    private static Scalar Apply(Binary op, Scalar x, Scalar y)
    {
        var bytes = new byte[Size];
        op(bytes, x.Bytes, y.Bytes);
        return new Scalar(bytes);
    }
}

using System.Runtime.InteropServices;

namespace Fairway.Crypto.Group;

/// <summary>
/// The ristretto255 and scalar functions of libsodium, from the native library the <c>libsodium</c> NuGet package ships.
/// Callers pass only values <see cref="GroupElement"/> and <see cref="Scalar"/> have already checked.
/// </summary>
internal static partial class Sodium
{
    private const string Library = "libsodium";

    public const int PointBytes = 32;
    public const int ScalarBytes = 32;
    public const int HashBytes = 64;

    static Sodium()
    {
        // Safe to call more than once; it picks the fastest implementations for this CPU and seeds libsodium's random source.
        if (sodium_init() < 0)
        {
            throw new InvalidOperationException("libsodium could not be initialised");
        }
    }

    [LibraryImport(Library)]
    private static partial int sodium_init();

    [LibraryImport(Library)]
    public static partial int crypto_core_ristretto255_is_valid_point(ReadOnlySpan<byte> p);

    [LibraryImport(Library)]
    public static partial int crypto_core_ristretto255_add(Span<byte> r, ReadOnlySpan<byte> p, ReadOnlySpan<byte> q);

    [LibraryImport(Library)]
    public static partial int crypto_core_ristretto255_sub(Span<byte> r, ReadOnlySpan<byte> p, ReadOnlySpan<byte> q);

    [LibraryImport(Library)]
    public static partial int crypto_core_ristretto255_from_hash(Span<byte> p, ReadOnlySpan<byte> r);

    [LibraryImport(Library)]
    public static partial void crypto_core_ristretto255_scalar_random(Span<byte> r);

    [LibraryImport(Library)]
    public static partial int crypto_core_ristretto255_scalar_invert(Span<byte> recip, ReadOnlySpan<byte> s);

    [LibraryImport(Library)]
    public static partial void crypto_core_ristretto255_scalar_negate(Span<byte> neg, ReadOnlySpan<byte> s);

    [LibraryImport(Library)]
    public static partial void crypto_core_ristretto255_scalar_add(Span<byte> z, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y);

    [LibraryImport(Library)]
    public static partial void crypto_core_ristretto255_scalar_sub(Span<byte> z, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y);

    [LibraryImport(Library)]
    public static partial void crypto_core_ristretto255_scalar_mul(Span<byte> z, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y);

    [LibraryImport(Library)]
    public static partial void crypto_core_ristretto255_scalar_reduce(Span<byte> r, ReadOnlySpan<byte> s);

    /// <summary>Returns -1 when the result is the identity (and writes its all-zero encoding) or the point is invalid.</summary>
    [LibraryImport(Library)]
    public static partial int crypto_scalarmult_ristretto255(Span<byte> q, ReadOnlySpan<byte> n, ReadOnlySpan<byte> p);

    /// <summary>Returns -1 when the result is the identity (a scalar that is 0 modulo the group order).</summary>
    [LibraryImport(Library)]
    public static partial int crypto_scalarmult_ristretto255_base(Span<byte> q, ReadOnlySpan<byte> n);
}

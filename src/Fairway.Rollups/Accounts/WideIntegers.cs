using Fairway.Core.Encoding;

namespace Fairway.Rollups.Accounts;

/// <summary>128-bit integers in canonical encodings (low u64 then high i64), and divisions that round a stated way.</summary>
internal static class WideIntegers
{
    public static void WriteI128(this CanonicalWriter writer, Int128 value)
    {
        writer.WriteU64((ulong)(value & ulong.MaxValue));
        writer.WriteI64((long)(value >> 64));
    }

    public static Int128 ReadI128(this ref CanonicalReader reader, string what)
    {
        var low = reader.ReadU64(what);
        var high = reader.ReadI64(what);
        return ((Int128)high << 64) | low;
    }

    /// <summary>a / b rounded toward negative infinity (b &gt; 0).</summary>
    public static Int128 FloorDiv(Int128 a, Int128 b)
    {
        var q = a / b;
        return a % b != 0 && a < 0 ? q - 1 : q;
    }

    /// <summary>a / b rounded toward positive infinity (b &gt; 0).</summary>
    public static Int128 CeilDiv(Int128 a, Int128 b)
    {
        var q = a / b;
        return a % b != 0 && a > 0 ? q + 1 : q;
    }
}

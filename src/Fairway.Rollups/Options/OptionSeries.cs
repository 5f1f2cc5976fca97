using Fairway.Core.Encoding;

namespace Fairway.Rollups.Options;

/// <summary>One option series: European call or put, its strike (micro-USD per unit) and expiry (oracle time, ms).</summary>
public readonly record struct OptionSeries(bool IsCall, ulong Strike, ulong Expiry) : IComparable<OptionSeries>
{
    /// <summary>Encoded: u8 type (0 call, 1 put), u64 strike, u64 expiry.</summary>
    public const int EncodedSize = 17;

    public void WriteTo(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteU8(IsCall ? (byte)0 : (byte)1);
        writer.WriteU64(Strike);
        writer.WriteU64(Expiry);
    }

    public static OptionSeries Read(ref CanonicalReader reader)
    {
        var type = reader.ReadU8("option type");
        var isCall = type switch
        {
            0 => true,
            1 => false,
            _ => throw new EncodingException($"option type {type}: 0 is a call, 1 a put"),
        };
        return new OptionSeries(isCall, reader.ReadU64("strike"), reader.ReadU64("expiry"));
    }

    /// <summary>
    /// What one unit pays at <paramref name="price"/>, micro-USD: a put max(K − S, 0); a call max(S − K, 0) capped at
    /// K (the call on a spot capped at 2K), so the worst case of either is the strike.
    /// </summary>
    public ulong IntrinsicValue(ulong price) => IsCall
        ? (price > Strike ? Math.Min(price - Strike, Strike) : 0)
        : (Strike > price ? Strike - price : 0);

    /// <summary>Expiry first, then strike, calls before puts: the order series are encoded and settled in.</summary>
    public int CompareTo(OptionSeries other)
    {
        var byExpiry = Expiry.CompareTo(other.Expiry);
        if (byExpiry != 0)
        {
            return byExpiry;
        }

        var byStrike = Strike.CompareTo(other.Strike);
        return byStrike != 0 ? byStrike : other.IsCall.CompareTo(IsCall);
    }

    public static bool operator <(OptionSeries left, OptionSeries right) => left.CompareTo(right) < 0;

    public static bool operator >(OptionSeries left, OptionSeries right) => left.CompareTo(right) > 0;

    public static bool operator <=(OptionSeries left, OptionSeries right) => left.CompareTo(right) <= 0;

    public static bool operator >=(OptionSeries left, OptionSeries right) => left.CompareTo(right) >= 0;
}

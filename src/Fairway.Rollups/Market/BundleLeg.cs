namespace Fairway.Rollups.Market;

/// <summary>
/// How a transaction marks itself as one leg of a bundle: its kind has the high bit set (the rollup's kind is the low
/// seven bits), and its body starts with the 32-byte commitment to every leg of the bundle (see
/// <see cref="BundleEnvelope"/>). A rollup skips such a transaction on its own, so nobody can lift one leg out of a
/// bundle and have it executed alone.
/// </summary>
public static class BundleLeg
{
    public const byte KindFlag = 0x80;

    public const int CommitmentSize = 32;

    public static bool IsLeg(byte kind) => (kind & KindFlag) != 0;
}

namespace Fairway.Settlement;

/// <summary>
/// Which certified height carries a validator's next statement. It is <see cref="SettlementDomain.IsDue"/>'s first due
/// height, except that a height the light client would refuse is passed over for the next one that can carry a
/// statement. The refused case is real: a chain with an L1 inbox commits to the inbox only in blocks that name an L1
/// block, and the blocks made before their leader first read the L1 name none. A statement on such a block could never
/// settle, and every later statement hangs from it. Everything here reads the committed chain alone, so every validator
/// picks the same heights.
/// </summary>
public static class StatementSchedule
{
    /// <summary>
    /// The next statement height after the anchor (the last statement, at <paramref name="anchorHeight"/> with block time
    /// <paramref name="anchorTimestampMs"/>), at most <paramref name="certified"/>; null if none is due yet or a read
    /// it needs is not there yet. <paramref name="timestampOf"/> and <paramref name="settleable"/> answer null for a
    /// height this validator does not hold. <paramref name="scanned"/> is the caller's memory of heights already found
    /// not due or not settleable, so a pass never reads them again; it only grows.
    /// </summary>
    public static ulong? Next(
        SettlementDomain domain, ulong anchorHeight, ulong anchorTimestampMs, ulong certified, ref ulong scanned,
        Func<ulong, ulong?> timestampOf, Func<ulong, bool?> settleable)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(timestampOf);
        ArgumentNullException.ThrowIfNull(settleable);
        var first = Math.Max(anchorHeight + 1, scanned + 1);
        for (var height = first; height <= certified; height++)
        {
            if (!domain.IsStatementHeight(height))
            {
                continue;
            }

            if (height - anchorHeight < domain.Interval)
            {
                if (timestampOf(height) is not { } ms)
                {
                    return null;
                }

                if (!domain.IsDue(anchorHeight, anchorTimestampMs, height, ms))
                {
                    scanned = height;
                    continue;
                }
            }

            switch (settleable(height))
            {
                case null:
                    return null;
                case true:
                    return height;
                default:
                    // Due, but the light client would refuse it: the next height that may carry a statement is due too.
                    scanned = height;
                    break;
            }
        }

        return null;
    }
}

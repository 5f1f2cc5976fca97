using Fairway.Core.Crypto;

namespace Fairway.Simulation;

/// <summary>When the honest hosts received a transaction, by true simulated time: the first and last of them, and how many.</summary>
internal readonly record struct HonestReceipts(long FirstMs, long LastMs, int Hosts);

/// <summary>
/// Receive-order fairness, measured on an output: a violation is a transaction A that every honest host received at
/// least <c>marginMs</c> (the fair delay plus the clock skew) before any honest host received some B, with B ordered
/// before A, in one namespace's stream (the caller passes each namespace on its own). Transactions not received by every
/// honest host promise nothing and are not judged, but still count as a B.
/// </summary>
internal static class FairnessCheck
{
    /// <summary>Transactions A in <paramref name="order"/> with at least one such B before them.</summary>
    public static int Violations(IEnumerable<Hash> order, IReadOnlyDictionary<Hash, HonestReceipts> receipts, int honestHosts, long marginMs)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(receipts);
        var violations = 0;
        var latestFirstSoFar = long.MinValue;
        foreach (var transaction in order)
        {
            if (!receipts.TryGetValue(transaction, out var r))
            {
                continue;
            }

            if (r.Hosts >= honestHosts && latestFirstSoFar != long.MinValue && r.LastMs + marginMs <= latestFirstSoFar)
            {
                violations++;
            }

            latestFirstSoFar = Math.Max(latestFirstSoFar, r.FirstMs);
        }

        return violations;
    }
}

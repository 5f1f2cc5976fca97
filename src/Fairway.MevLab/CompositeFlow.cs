using Fairway.Core.Chain;
using Fairway.Simulation;

namespace Fairway.MevLab;

/// <summary>
/// Several markets in one run, each on namespaces of its own: their submissions go out together, a transaction the
/// adversary sees goes to the market that owns its namespace, and every output goes to all of them (each reads its own).
/// </summary>
internal sealed class CompositeFlow(IReadOnlyList<(IReadOnlySet<ulong> Namespaces, IOrderFlow Flow)> parts) : IOrderFlow
{
    public IReadOnlyList<Transaction> Submit(ulong round, long nowMs) =>
        [.. parts.SelectMany(p => p.Flow.Submit(round, nowMs))];

    public MevAttack? React(Transaction victim, long nowMs, bool leads)
    {
        ArgumentNullException.ThrowIfNull(victim);
        foreach (var (namespaces, flow) in parts)
        {
            if (namespaces.Contains(victim.Namespace))
            {
                return flow.React(victim, nowMs, leads);
            }
        }

        return null;
    }

    public bool StillHolds(Transaction victim, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(victim);
        return parts.FirstOrDefault(p => p.Namespaces.Contains(victim.Namespace)).Flow?.StillHolds(victim, nowMs) ?? false;
    }

    public Core.Crypto.PublicKey? UserOf(ReadOnlySpan<byte> payload)
    {
        foreach (var (_, flow) in parts)
        {
            if (flow.UserOf(payload) is { } user)
            {
                return user;
            }
        }

        return null;
    }

    public void UseAuctionKeys(IReadOnlyList<Core.Crypto.PublicKey> searchers)
    {
        foreach (var (_, flow) in parts)
        {
            flow.UseAuctionKeys(searchers);
        }
    }

    /// <summary>The bids of the market that owns the namespace.</summary>
    public IReadOnlyList<ulong> AuctionBids(ulong @namespace, ulong epoch, ulong epochMs, long nowMs) =>
        parts.FirstOrDefault(p => p.Namespaces.Contains(@namespace)).Flow?.AuctionBids(@namespace, epoch, epochMs, nowMs) ?? [];

    public void OnOutput(ulong height, IReadOnlyList<Transaction> transactions, long nowMs)
    {
        foreach (var (_, flow) in parts)
        {
            flow.OnOutput(height, transactions, nowMs);
        }
    }
}

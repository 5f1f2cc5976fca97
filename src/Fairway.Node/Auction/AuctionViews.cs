using Fairway.Core.Auction;
using Fairway.Core.Crypto;
using Fairway.Node.Runtime;

namespace Fairway.Node.Auction;

/// <summary>The rollup view each <c>auction</c> namespace's auction reads deposits and users from, as genesis names it.</summary>
internal static class AuctionViews
{
    public static Func<ulong, IAuctionView?> For(NodeIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var declared = identity.Genesis.Namespaces.ToDictionary(n => n.Id);
        return ns => declared.TryGetValue(ns, out var declaration) && declaration.AuctionDeposits is { Rollup: "perps" } deposits
            ? new Rollups.Perps.PerpsAuctionView(
                deposits.OracleNamespace, ns, deposits.OptionsNamespace, PublicKey.ParseHex(deposits.Feeder), PublicKey.ParseHex(deposits.MarketMaker))
            : null;
    }
}

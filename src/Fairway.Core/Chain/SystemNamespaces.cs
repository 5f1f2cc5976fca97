namespace Fairway.Core.Chain;

/// <summary>
/// Namespaces the chain uses for its own messages, ordered and committed like any other so every validator agrees on
/// them. Clients cannot submit to them, and genesis cannot declare them.
/// </summary>
public static class SystemNamespaces
{
    /// <summary>The lowest reserved namespace id.</summary>
    public const ulong First = 0xFFFF_FFFF_FFFF_FF00;

    /// <summary>Key generation: signed dealings and complaints.</summary>
    public const ulong Dkg = First + 1;

    /// <summary>
    /// Atomic bundles: each transaction here carries a <see cref="Bundle"/>'s legs and is never output itself; the
    /// ordering stage outputs its legs in their own namespaces, all in one height, or none of them.
    /// </summary>
    public const ulong Bundle = First + 2;

    /// <summary>
    /// Sealed auction bids, for every <c>auction</c> namespace: threshold ciphertexts ordered like the encrypted lane's,
    /// whose plaintexts (read only after their block commits) the auction of the named namespace counts.
    /// </summary>
    public const ulong AuctionBids = First + 3;

    /// <summary>
    /// The express lanes' traffic: controllers' priority bundles and lane transfers, in plaintext, included by the fair
    /// rules (no single leader can drop one); the ordering stage puts each bundle's transactions first in its namespace.
    /// </summary>
    public const ulong Express = First + 4;

    public static bool IsReserved(ulong @namespace) => @namespace >= First;
}

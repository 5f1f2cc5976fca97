using Fairway.Core.Crypto;
using Fairway.Core.Output;

namespace Fairway.Core.Auction;

/// <summary>
/// What an <c>auction</c> namespace's auction needs to know of the rollup behind it, computed by every validator alike
/// from the certified outputs: each bidder's auction deposit (a bid above it does not count) and whose transaction a
/// payload is (rebates go pro rata to users). The demo perps rollup's view runs the rollup itself over the outputs, so
/// the deposit the auction sees is the one the rollup will charge.
/// </summary>
public interface IAuctionView
{
    /// <summary>Applies the next height's output (revealed, every namespace), in height order.</summary>
    void Apply(BlockOutput output);

    /// <summary>The bidder's auction deposit after the heights applied so far.</summary>
    ulong DepositOf(PublicKey bidder);

    /// <summary>The user a transaction of the namespace belongs to (its signer), or null when it names none.</summary>
    PublicKey? UserOf(ReadOnlySpan<byte> payload);
}

using Fairway.Api;

namespace Fairway.Node.Runtime;

/// <summary>The express-lane auctions as the API reads them: the ordering stage runs them, fed every final output.</summary>
public sealed partial class ValidatorNode
{
    Ordering.Auction.AuctionBook? IValidatorApi.Auctions => _outputs?.Auctions;

    long IValidatorApi.NowMs => NowMs;
}

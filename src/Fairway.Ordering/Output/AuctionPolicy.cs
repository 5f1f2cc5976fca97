using Fairway.Core.Crypto;

namespace Fairway.Ordering.Output;

/// <summary>
/// A namespace's auction settings, from genesis: the length of an auction epoch (block time), the lowest price a bid
/// may offer, and, when set, the one key the whole price goes to instead of the epoch's users.
/// </summary>
public sealed record AuctionSettings(ulong EpochMs, ulong ReservePrice, PublicKey? RebateTo)
{
    public const ulong DefaultEpochMs = 60_000;

    /// <summary>Shortest epoch genesis may set: bids must be sealed, included and revealed within one.</summary>
    public const ulong EpochMsMin = 1_000;

    /// <summary>Longest epoch genesis may set, a day.</summary>
    public const ulong EpochMsMax = 86_400_000;

    public static readonly AuctionSettings Default = new(DefaultEpochMs, 0, null);

    /// <summary>The auction epoch a block with this timestamp belongs to.</summary>
    public ulong EpochOf(ulong timestampMs) => timestampMs / EpochMs;

    /// <summary>Why these settings cannot run, or null.</summary>
    public string? Problem() => EpochMs is < EpochMsMin or > EpochMsMax ? $"auction_epoch_ms must be between {EpochMsMin} and {EpochMsMax}" : null;
}

/// <summary>
/// Priority sold in the open. Each auction epoch the express lane of the namespace is sold by a sealed-bid second-price
/// auction held during the epoch before (bids sealed to the validators' threshold key, opened only once bidding has
/// closed); the winner's priority bundles go first in the namespace's output, in sequence-number order; every other
/// transaction is ordered as <c>fair</c>; the price is rebated to the epoch's users through the output. The ordering
/// stage runs it (<see cref="Auction.AuctionBook"/>); this type names it and carries its settings.
/// </summary>
public sealed class AuctionPolicy(AuctionSettings settings) : IOrderingPolicy
{
    public const string PolicyName = "auction";

    public static readonly AuctionPolicy Instance = new(AuctionSettings.Default);

    public AuctionSettings Settings { get; } = settings ?? throw new ArgumentNullException(nameof(settings));

    public string Name => PolicyName;

    public bool FairOrdered => true;

    public string Description =>
        "an express-lane auction per epoch: sealed second-price bids (POST /v1/auction/bid), the winner's priority bundles " +
        "(POST /v1/express/bundle) first in sequence order, everything else ordered as fair, the price rebated to the epoch's users";

    /// <summary>As <see cref="FairPolicy"/>: the stage orders these namespaces itself.</summary>
    public IReadOnlyList<OrderingCandidate> Order(ulong @namespace, IReadOnlyList<OrderingCandidate> inBlockOrder) => inBlockOrder;
}

using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Fairway.Core.Auction;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Client;

/// <summary>An <c>auction</c> namespace's express lane as a validator reports it: settings, the epoch taking bids, the lane now.</summary>
public sealed record ExpressLaneInfo(
    ulong Namespace, ulong EpochMs, ulong ReservePrice, ulong Epoch, ulong BiddingEpoch, ulong BiddingClosesMs, ulong? LaneEpoch, PublicKey? Controller, ulong NextSequence);

/// <summary>A decided auction as a validator reports it (the authoritative copy is the result record in the namespace's output).</summary>
public sealed record AuctionOutcome(ulong Namespace, ulong Epoch, PublicKey? Winner, ulong Price, int BidsCounted, int BidsValid);

public sealed partial class FairwayClient
{
    /// <summary>
    /// A sealed bid of <paramref name="amount"/> for the express lane of <paramref name="namespace"/> in
    /// <paramref name="epoch"/> (the epoch after the current one): signed by <paramref name="bidder"/>, encrypted here to
    /// the chain's threshold key, and sent to validators holding more than the faulty stake through
    /// <c>POST /v1/auction/bid</c>. No validator can read it before bidding for the epoch has closed. The bid counts
    /// when its block falls in the epoch before <paramref name="epoch"/> and the bidder's deposit covers it.
    /// </summary>
    public async Task<FanOutSubmitResult> BidAsync(ulong @namespace, ulong epoch, ulong amount, ISigner bidder, ulong? stake = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(bidder);
        var plaintext = AuctionBid.Sign(_trust.ChainId, @namespace, epoch, amount, bidder).Encode();
        var keySet = await GetEncryptionKeyAsync(ct).ConfigureAwait(false);
        var ciphertext = Canonical.Encode(Crypto.Threshold.ThresholdEncryption.Encrypt(keySet, EncryptionLabel.Of(SystemNamespaces.AuctionBids), plaintext));
        return await FanOutAsync(
            "/v1/auction/bid",
            new { @namespace, epoch, ciphertext = Convert.ToBase64String(ciphertext) },
            new Transaction(SystemNamespaces.AuctionBids, ciphertext).Hash,
            stake,
            ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The express-lane controller's priority bundle number <paramref name="sequence"/> of <paramref name="epoch"/>:
    /// <paramref name="payloads"/> as transactions of <paramref name="namespace"/>, signed by <paramref name="controller"/>
    /// and sent to validators holding more than the faulty stake through <c>POST /v1/express/bundle</c>. Bundles are
    /// output first in the namespace in sequence order from 0; one past a gap waits for it.
    /// </summary>
    public Task<FanOutSubmitResult> SubmitPriorityBundleAsync(
        ulong @namespace, ulong epoch, ulong sequence, IReadOnlyList<ReadOnlyMemory<byte>> payloads, ISigner controller, ulong? stake = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(payloads);
        ArgumentNullException.ThrowIfNull(controller);
        var bundle = PriorityBundle.Sign(_trust.ChainId, @namespace, epoch, sequence, [.. payloads.Select(p => new Transaction(@namespace, p))], controller);
        return FanOutAsync("/v1/express/bundle", new { bundle = Convert.ToBase64String(bundle.Encode()) }, bundle.ToTransaction().Hash, stake, ct);
    }

    /// <summary>The controller hands the lane of <paramref name="namespace"/> in <paramref name="epoch"/> to <paramref name="to"/> (<c>POST /v1/express/transfer</c>).</summary>
    public Task<FanOutSubmitResult> TransferExpressLaneAsync(ulong @namespace, ulong epoch, PublicKey to, ISigner controller, ulong? stake = null, CancellationToken ct = default)
    {
        var transfer = ControllerTransfer.Sign(_trust.ChainId, @namespace, epoch, to, controller);
        return FanOutAsync("/v1/express/transfer", new { transfer = Convert.ToBase64String(transfer.Encode()) }, transfer.ToTransaction().Hash, stake, ct);
    }

    /// <summary>The namespace's auction settings, the epoch that takes bids now and its express lane (<c>GET /v1/auction/{namespace}</c>).</summary>
    public async Task<ExpressLaneInfo> GetExpressLaneAsync(ulong @namespace, CancellationToken ct = default)
    {
        using var response = await _http.GetAsync(Url($"/v1/auction/{@namespace.ToString(CultureInfo.InvariantCulture)}"), ct).ConfigureAwait(false);
        using var json = await ReadAsync(response, ct).ConfigureAwait(false);
        var root = json.RootElement;
        var lane = root.GetProperty("lane");
        var hasLane = lane.ValueKind == JsonValueKind.Object;
        return new ExpressLaneInfo(
            root.GetProperty("namespace").GetUInt64(),
            root.GetProperty("auction_epoch_ms").GetUInt64(),
            root.GetProperty("reserve_price").GetUInt64(),
            root.GetProperty("epoch").GetUInt64(),
            root.GetProperty("bidding_epoch").GetUInt64(),
            root.GetProperty("bidding_closes_ms").GetUInt64(),
            hasLane ? lane.GetProperty("epoch").GetUInt64() : null,
            hasLane && lane.GetProperty("controller").GetString() is { } controller ? PublicKey.ParseHex(controller) : null,
            hasLane ? lane.GetProperty("next_sequence").GetUInt64() : 0);
    }

    /// <summary>The decided auction of <paramref name="epoch"/>, or null while it is not decided (<c>GET /v1/auction/{namespace}/{epoch}</c>).</summary>
    public async Task<AuctionOutcome?> GetAuctionAsync(ulong @namespace, ulong epoch, CancellationToken ct = default)
    {
        using var response = await _http.GetAsync(Url(FormattableString.Invariant($"/v1/auction/{@namespace}/{epoch}")), ct).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        using var json = await ReadAsync(response, ct).ConfigureAwait(false);
        var root = json.RootElement;
        return new AuctionOutcome(
            root.GetProperty("namespace").GetUInt64(),
            root.GetProperty("epoch").GetUInt64(),
            root.GetProperty("winner").GetString() is { } winner ? PublicKey.ParseHex(winner) : null,
            root.GetProperty("price").GetUInt64(),
            root.GetProperty("bids_counted").GetInt32(),
            root.GetProperty("bids_valid").GetInt32());
    }
}

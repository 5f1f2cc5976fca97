using System.Globalization;
using System.Text.Json;
using Fairway.Core.Auction;
using Fairway.Core.Chain;
using Fairway.Ordering.Auction;
using Fairway.Ordering.Output;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Fairway.Api;

/// <summary>
/// The express-lane auction of <c>auction</c> namespaces:
/// <list type="bullet">
/// <item><c>POST /v1/auction/bid</c>: a sealed bid (a threshold ciphertext of a signed <see cref="AuctionBid"/>) for
/// the epoch after the current one;</item>
/// <item><c>POST /v1/express/bundle</c> and <c>POST /v1/express/transfer</c>: the controller's priority bundles and
/// its hand-over of the lane;</item>
/// <item><c>GET /v1/auction/{namespace}</c> (the lane now, and which epoch takes bids) and
/// <c>GET /v1/auction/{namespace}/{epoch}</c> (a decided auction).</item>
/// </list>
/// The checks here are for the sender's sake (a clear error now instead of a bid or bundle that counts for nothing);
/// the ordering stage applies the rules again to whatever reaches a block.
/// </summary>
public static class AuctionEndpoints
{
    public static void Map(WebApplication app, IValidatorApi node)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/v1/auction/bid", (HttpContext http, CancellationToken ct) => BidAsync(http, node, ct));
        app.MapPost("/v1/express/bundle", (HttpContext http, CancellationToken ct) => BundleAsync(http, node, ct));
        app.MapPost("/v1/express/transfer", (HttpContext http, CancellationToken ct) => TransferAsync(http, node, ct));
        app.MapGet("/v1/auction/{ns}", (string ns) => GetLane(node, ns));
        app.MapGet("/v1/auction/{ns}/{epoch}", (string ns, string epoch) => GetResult(node, ns, epoch));
    }

    /// <summary>The epoch running now: the later of the wall clock's and the last final block's.</summary>
    private static ulong CurrentEpoch(IValidatorApi node, ulong ns, AuctionSettings settings) =>
        Math.Max(settings.EpochOf((ulong)Math.Max(0, node.NowMs)), node.Auctions?.Lane(ns)?.Epoch ?? 0);

    private static IResult? NotAuction(IValidatorApi node, ulong ns, out AuctionSettings settings)
    {
        settings = node.Namespaces.AuctionOf(ns)!;
        return settings is null || node.Auctions is null
            ? ApiError.BadRequest("not_auction_namespace", $"namespace {ns} is ordered by {node.Namespaces.PolicyOf(ns).Name}, not auction: it has no express lane to bid for")
            : null;
    }

    /// <summary><c>{"namespace": N, "epoch": E, "ciphertext": base64}</c>: E must be the epoch after the current one.</summary>
    private static async Task<IResult> BidAsync(HttpContext http, IValidatorApi node, CancellationToken ct)
    {
        var (document, error) = await SubmitEndpoints.ReadJsonAsync(http, node, "send Content-Type: application/json", ct).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        using (document)
        {
            var root = document!.RootElement;
            if (Fields(root, ["namespace", "epoch", "ciphertext"]) is { } bad)
            {
                return bad;
            }

            if (!TryU64(root, "namespace", out var ns) || !TryU64(root, "epoch", out var epoch))
            {
                return ApiError.BadRequest("bad_field", "\"namespace\" and \"epoch\" must be unsigned 64-bit integers");
            }

            if (NotAuction(node, ns, out var settings) is { } notAuction)
            {
                return notAuction;
            }

            var current = CurrentEpoch(node, ns, settings);
            if (epoch <= current)
            {
                return ApiError.Of(StatusCodes.Status409Conflict, "bid_after_close",
                    $"bidding for epoch {epoch} closed when it began (at {epoch * settings.EpochMs} ms); epoch {current + 1} takes bids now");
            }

            if (epoch > current + 1)
            {
                return ApiError.BadRequest("wrong_epoch", $"bids are taken for the next epoch only: epoch {current + 1}, until {(current + 1) * settings.EpochMs} ms");
            }

            if (Base64(root, "ciphertext", node.Limits.PayloadBytesMax) is not { } ciphertext)
            {
                return ApiError.BadRequest("bad_ciphertext", $"\"ciphertext\" must be base64 of at most {node.Limits.PayloadBytesMax} bytes");
            }

            if (EncryptedSubmission.Check(node, SystemNamespaces.AuctionBids, ciphertext) is { } refused)
            {
                return ApiError.Of(refused.Status, refused.Code, refused.Message);
            }

            return await SubmitAsync(node, new Transaction(SystemNamespaces.AuctionBids, ciphertext), ct).ConfigureAwait(false);
        }
    }

    /// <summary><c>{"bundle": base64}</c>: an encoded <see cref="PriorityBundle"/> for the lane's current epoch.</summary>
    private static async Task<IResult> BundleAsync(HttpContext http, IValidatorApi node, CancellationToken ct)
    {
        var (document, error) = await SubmitEndpoints.ReadJsonAsync(http, node, "send Content-Type: application/json", ct).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        using (document)
        {
            var root = document!.RootElement;
            if (Fields(root, ["bundle"]) is { } bad)
            {
                return bad;
            }

            if (Base64(root, "bundle", node.Limits.PayloadBytesMax) is not { } bytes || PriorityBundle.TryDecode(bytes) is not { } bundle)
            {
                return ApiError.BadRequest("bad_bundle",
                    $"\"bundle\" must be base64 of an encoded priority bundle: 1 to {PriorityBundle.TransactionsMax} transactions of its namespace, at most {node.Limits.PayloadBytesMax} bytes");
            }

            if (NotAuction(node, bundle.Namespace, out _) is { } notAuction)
            {
                return notAuction;
            }

            if (!bundle.HasValidSignature(node.ChainId, Crypto.Ed25519Verifier.Instance))
            {
                return ApiError.BadRequest("bad_signature", "the bundle's signature is not its controller key's over this chain, namespace, epoch, sequence and transactions");
            }

            if (bundle.Transactions.Any(t => AuctionRecord.HasMagic(t.Payload.Span)))
            {
                return ApiError.BadRequest("bad_bundle", "a transaction starts with the auction record prefix, which only the chain's own records may");
            }

            var lane = node.Auctions!.Lane(bundle.Namespace);
            if (Opening(node, bundle.Namespace, bundle.Epoch, lane))
            {
                // This validator has not applied the epoch's first height yet, so it cannot know the controller: the
                // bundle goes on, and the ordering stage takes it only if its signer won.
                return await SubmitAsync(node, bundle.ToTransaction(), ct).ConfigureAwait(false);
            }

            if (lane is null || lane.Epoch != bundle.Epoch)
            {
                return ApiError.Of(StatusCodes.Status409Conflict, "wrong_epoch",
                    $"the express lane of namespace {bundle.Namespace} is in epoch {node.Auctions.Lane(bundle.Namespace)?.Epoch.ToString(CultureInfo.InvariantCulture) ?? "none yet"}; the bundle names epoch {bundle.Epoch}");
            }

            if (lane.Controller != bundle.Controller)
            {
                return ApiError.Of(StatusCodes.Status403Forbidden, "not_controller", lane.Controller is null
                    ? $"epoch {lane.Epoch} of namespace {bundle.Namespace} has no express lane: nobody won its auction"
                    : $"the bundle is signed by {bundle.Controller.ToHex()[..16]}, the lane's controller is {lane.Controller.Value.ToHex()[..16]}");
            }

            if (bundle.Sequence < lane.NextSequence)
            {
                return ApiError.Of(StatusCodes.Status409Conflict, "sequence_taken", $"sequence {bundle.Sequence} is already output; the next due is {lane.NextSequence}");
            }

            if (bundle.Sequence - lane.NextSequence > ExpressLane.WaitingMax)
            {
                return ApiError.BadRequest("sequence_gap",
                    $"sequence {bundle.Sequence} leaves a gap of {bundle.Sequence - lane.NextSequence} after the next due, {lane.NextSequence}; at most {ExpressLane.WaitingMax} bundles wait for a gap");
            }

            return await SubmitAsync(node, bundle.ToTransaction(), ct, lane.NextSequence).ConfigureAwait(false);
        }
    }

    /// <summary><c>{"transfer": base64}</c>: an encoded <see cref="ControllerTransfer"/> signed by the lane's controller.</summary>
    private static async Task<IResult> TransferAsync(HttpContext http, IValidatorApi node, CancellationToken ct)
    {
        var (document, error) = await SubmitEndpoints.ReadJsonAsync(http, node, "send Content-Type: application/json", ct).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        using (document)
        {
            var root = document!.RootElement;
            if (Fields(root, ["transfer"]) is { } bad)
            {
                return bad;
            }

            if (Base64(root, "transfer", 1_024) is not { } bytes || ControllerTransfer.TryDecode(bytes) is not { } transfer)
            {
                return ApiError.BadRequest("bad_transfer", "\"transfer\" must be base64 of an encoded controller transfer");
            }

            if (NotAuction(node, transfer.Namespace, out _) is { } notAuction)
            {
                return notAuction;
            }

            if (!transfer.HasValidSignature(node.ChainId, Crypto.Ed25519Verifier.Instance))
            {
                return ApiError.BadRequest("bad_signature", "the transfer's signature is not its sender's over this chain, namespace, epoch and new controller");
            }

            var lane = node.Auctions!.Lane(transfer.Namespace);
            if (Opening(node, transfer.Namespace, transfer.Epoch, lane))
            {
                return await SubmitAsync(node, transfer.ToTransaction(), ct).ConfigureAwait(false);
            }

            if (lane is null || lane.Epoch != transfer.Epoch)
            {
                return ApiError.Of(StatusCodes.Status409Conflict, "wrong_epoch", $"the express lane of namespace {transfer.Namespace} is not in epoch {transfer.Epoch}");
            }

            if (lane.Controller != transfer.From)
            {
                return ApiError.Of(StatusCodes.Status403Forbidden, "not_controller", "the transfer is not signed by the lane's controller");
            }

            return await SubmitAsync(node, transfer.ToTransaction(), ct).ConfigureAwait(false);
        }
    }

    /// <summary>True when <paramref name="epoch"/> has begun by the clock but this validator's lane is still in an earlier one.</summary>
    private static bool Opening(IValidatorApi node, ulong ns, ulong epoch, LaneStatus? lane) =>
        (lane is null || lane.Epoch < epoch) && epoch == node.Namespaces.AuctionOf(ns)!.EpochOf((ulong)Math.Max(0, node.NowMs));

    private static async Task<IResult> SubmitAsync(IValidatorApi node, Transaction transaction, CancellationToken ct, ulong? nextDue = null)
    {
        var outcome = await node.SubmitAsync(transaction, ct).ConfigureAwait(false);
        if (outcome.Status == SubmitStatus.Busy)
        {
            return ApiError.Refused(node.BusyReason);
        }

        var receipt = ApiJson.Receipt(outcome);
        if (nextDue is { } due)
        {
            // A bundle's answer also says which sequence number the lane waits for: one past it waits behind the gap.
            receipt["next_due"] = due;
        }

        return Results.Json(receipt);
    }

    private static IResult GetLane(IValidatorApi node, string nsText)
    {
        if (!ulong.TryParse(nsText, NumberStyles.None, CultureInfo.InvariantCulture, out var ns))
        {
            return ApiError.BadRequest("bad_namespace", "a namespace is an unsigned 64-bit integer");
        }

        if (NotAuction(node, ns, out var settings) is { } notAuction)
        {
            return notAuction;
        }

        var lane = node.Auctions!.Lane(ns);
        var current = CurrentEpoch(node, ns, settings);
        return Results.Json(new
        {
            @namespace = ns,
            auction_epoch_ms = settings.EpochMs,
            reserve_price = settings.ReservePrice,
            rebate_to = settings.RebateTo?.ToHex(),
            epoch = current,
            bidding_epoch = current + 1,
            bidding_closes_ms = (current + 1) * settings.EpochMs,
            lane = lane is null ? null : new
            {
                epoch = lane.Epoch,
                controller = lane.Controller?.ToHex(),
                next_sequence = lane.NextSequence,
                waiting = lane.Waiting,
            },
        });
    }

    private static IResult GetResult(IValidatorApi node, string nsText, string epochText)
    {
        if (!ulong.TryParse(nsText, NumberStyles.None, CultureInfo.InvariantCulture, out var ns)
            || !ulong.TryParse(epochText, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
        {
            return ApiError.BadRequest("bad_request", "the namespace and the epoch are unsigned 64-bit integers");
        }

        if (NotAuction(node, ns, out _) is { } notAuction)
        {
            return notAuction;
        }

        if (node.Auctions!.Result(ns, epoch) is not { } result)
        {
            var lane = node.Auctions.Lane(ns);
            return ApiError.NotFound(lane is null || epoch > lane.Epoch
                ? $"the auction for epoch {epoch} of namespace {ns} is not decided yet: it is decided at the epoch's first height"
                : $"no auction for epoch {epoch} of namespace {ns} is held here: no block fell in that epoch, or it is older than the {AuctionBook.ResultsKept} kept (its result record is in the namespace's output)");
        }

        return Results.Json(new
        {
            @namespace = result.Namespace,
            epoch = result.Epoch,
            winner = result.Winner?.ToHex(),
            price = result.Price,
            bids_counted = result.BidsCounted,
            bids_valid = result.BidsValid,
            bids = result.Bids.Select(b => new
            {
                bidder = b.Bid.Bidder.ToHex(),
                amount = b.Bid.Amount,
                carrier = b.Carrier.ToHex(),
                counted = b.Refusal == BidRefusal.None,
                refusal = b.Refusal == BidRefusal.None ? null : JsonNamingPolicy.SnakeCaseLower.ConvertName(b.Refusal.ToString()),
            }),
        });
    }

    private static IResult? Fields(JsonElement root, string[] allowed)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return ApiError.BadRequest("not_an_object", $"the body is a JSON object {{{string.Join(", ", allowed)}}}");
        }

        foreach (var property in root.EnumerateObject())
        {
            if (!allowed.Contains(property.Name))
            {
                return ApiError.BadRequest("unknown_field", $"unknown field \"{property.Name}\"");
            }
        }

        return allowed.FirstOrDefault(name => !root.TryGetProperty(name, out _)) is { } missing
            ? ApiError.BadRequest("missing_field", $"missing field: {missing}")
            : null;
    }

    private static bool TryU64(JsonElement root, string name, out ulong value)
    {
        value = 0;
        return root.GetProperty(name) is { ValueKind: JsonValueKind.Number } element && element.TryGetUInt64(out value);
    }

    private static byte[]? Base64(JsonElement root, string name, int maxBytes)
    {
        if (root.GetProperty(name) is not { ValueKind: JsonValueKind.String } element || element.GetString() is not { } text
            || text.Length > ((maxBytes + 2) / 3 * 4) + 4)
        {
            return null;
        }

        try
        {
            var bytes = Convert.FromBase64String(text);
            return bytes.Length is > 0 && bytes.Length <= maxBytes ? bytes : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

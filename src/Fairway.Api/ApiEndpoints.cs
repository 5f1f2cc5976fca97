using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Fairway.Api;

/// <summary>The v1 HTTP and WebSocket endpoints a rollup, a client or an operator uses.</summary>
public static class ApiEndpoints
{
    public static void Map(WebApplication app, IValidatorApi node)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(node);

        app.UseExceptionHandler(errorApp => errorApp.Run(WriteUnhandledAsync));
        app.UseStatusCodePages(context => WriteStatusAsync(context.HttpContext));
        app.UseRateLimiter();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });

        SubmitEndpoints.Map(app, node);
        AvailabilityEndpoints.Map(app, node);
        FairBlockEndpoint.Map(app, node);
        NamespaceEndpoints.Map(app, node);
        InboxEndpoints.Map(app, node);
        AuctionEndpoints.Map(app, node);
        SyncEndpoints.Map(app, node);
        app.MapGet("/v1/status/tx/{hash}", (string hash) => GetStatus(node, hash));
        app.MapGet("/v1/node/block-height", () => Results.Json(node.Query.IndexedHeight));
        app.MapGet("/v1/node/validators", () => Validators(node));
        app.MapGet("/v1/epochs", () => Results.Json(new
        {
            epoch = node.Epoch,
            epoch_start_height = node.EpochStartHeight,
            epochs = node.EpochHistory.Select(e => new { epoch = e.Epoch, previous = e.Previous, last_block_height = e.LastBlockHeight, first_height = e.LastBlockHeight + 1, stakes = e.Stakes }),
        }));
        app.MapGet("/v1/node/settlement", () => Settlement(node));
        app.MapGet("/v1/evidence", (string? from, string? limit) => GetEvidence(node, from, limit));
        EvidenceEndpoints.Map(app, node);
        EncryptionEndpoints.Map(app, node);
        app.MapGet("/v1/status/metrics", () => Results.Text(node.RenderMetrics(), "text/plain; version=0.0.4; charset=utf-8"));
        app.MapGet("/v1/openapi.json", () => Results.Text(OpenApiDocument.Json, "application/json"));
        StreamEndpoints.Map(app, node);
        Explorer.ExplorerEndpoints.Map(app, node);

        // No catch-all fallback route: it would match every method on every path and so hide routing's own 405 (with
        // its Allow header) behind a 404. Unmatched paths end bodiless and WriteStatusAsync gives them the JSON shape.
    }

    /// <summary>Evidence records per page at most.</summary>
    private const int EvidencePageMax = 1_000;

    private static IResult GetEvidence(IValidatorApi node, string? from, string? limit)
    {
        long start = 0;
        var max = 100;
        if ((from is not null && (!long.TryParse(from, NumberStyles.None, CultureInfo.InvariantCulture, out start) || start < 0))
            || (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out max) || max is < 1 or > EvidencePageMax)))
        {
            return ApiError.Of(400, "bad_query", $"from must be a non-negative integer and limit between 1 and {EvidencePageMax}");
        }

        var (records, next) = node.ReadEvidence(start, max);
        return Results.Json(new
        {
            evidence = records.Select(r => new
            {
                kind = r.Kind,
                validator = r.Validator,
                round = r.Round,
                height = r.Height,
                detected_at_ms = r.DetectedAtMs,
                first = r.First,
                second = r.Second,
                evidence_hash = EvidenceHash.Hex(r),
            }),
            next,
        });
    }

    internal static bool TryParseHeight(string text, out ulong height) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out height) && height > 0;

    internal static bool TryParseNamespace(string text, out ulong ns) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ns);

    internal static bool TryParseHash(string text, out Core.Crypto.Hash hash)
    {
        hash = default;
        if (text.Length != 64 || !text.All(char.IsAsciiHexDigitLower) && !text.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        hash = Core.Crypto.Hash.ParseHex(text.ToLowerInvariant());
        return true;
    }

    private static IResult GetStatus(IValidatorApi node, string hashText)
    {
        if (!TryParseHash(hashText, out var hash))
        {
            return ApiError.BadRequest("bad_hash", "a transaction hash is 64 hex characters");
        }

        if (node.GetStatus(hash) is not { } status)
        {
            return ApiError.NotFound("this validator has not seen that transaction");
        }

        return Results.Json(new
        {
            status = status.Level switch
            {
                CommitmentLevel.Settled => "settled",
                CommitmentLevel.Firm => "firm",
                CommitmentLevel.Soft => "soft",
                CommitmentLevel.Included => "included",
                _ => "received",
            },
            height = status.Height,
            index = status.Index,
        });
    }

    private static IResult Settlement(IValidatorApi node)
    {
        if (node.Settlement is not { } view)
        {
            return ApiError.NotFound("this validator runs without an L1 (no settlement section in genesis, or no l1 section in its config)");
        }

        return Results.Json(new
        {
            l1_url = view.L1Url,
            contracts = view.Contracts,
            interval_heights = view.IntervalHeights,
            settlement_key = view.SettlementKey,
            settled_height = view.SettledHeight,
            attested_height = view.AttestedHeight,
            l1_block = view.L1Block,
            epoch = view.Epoch,
            total_stake_wei = view.TotalStakeWei,
            l1_failures = view.L1Failures,
            validators = view.Validators.Select(v => new
            {
                account = v.Account,
                consensus_key = v.ConsensusKey,
                settlement_key = v.SettlementKey,
                weight_wei = v.WeightWei,
                exited = v.Exited,
                jailed = v.Jailed,
            }),
            epoch_set = view.EpochSet is { } set
                ? new
                {
                    epoch = set.Epoch,
                    members = set.Members.Select(m => new { account = m.Account, consensus_key = m.ConsensusKey, stake_gwei = m.StakeGwei, p2p = m.P2p, api = m.Api }),
                    refused = set.Refused,
                }
                : null,
        });
    }

    private static IResult Validators(IValidatorApi node)
    {
        var set = node.Validators;
        return Results.Json(new
        {
            chain_id = node.ChainId.ToHex(),
            epoch = node.Epoch,
            epoch_start_height = node.EpochStartHeight,
            total_stake = set.TotalStake,
            quorum_stake = set.QuorumStake,
            validators = set.Validators.Select((v, i) => new
            {
                index = i,
                name = v.Name,
                public_key = v.PublicKey.ToHex(),
                stake = v.Stake,
                address = i < node.ValidatorAddresses.Count ? node.ValidatorAddresses[i] : null,
            }),
        });
    }

    private static async Task WriteUnhandledAsync(HttpContext context)
    {
        var failure = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var (status, code, message) = failure switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (StatusCodes.Status413PayloadTooLarge, "too_large", "request body too large"),
            BadHttpRequestException { StatusCode: StatusCodes.Status408RequestTimeout } => (StatusCodes.Status408RequestTimeout, "request_timeout", "the request body arrived too slowly"),
            // Kestrel's own text ("Bad chunk size data.") describes its parser; the client needs to know its body was unreadable.
            BadHttpRequestException bad => (bad.StatusCode, "bad_request", "the request body could not be read: its framing is malformed or it ended early"),
            _ => (StatusCodes.Status500InternalServerError, "internal", "internal error"),
        };
        await WriteErrorAsync(context, status, code, message).ConfigureAwait(false);
    }

    /// <summary>Bodiless error responses from the framework (404, 405 from routing, 429 from the rate limiter, ...) get the JSON error shape too.</summary>
    private static Task WriteStatusAsync(HttpContext context)
    {
        var status = context.Response.StatusCode;
        var (code, message) = status switch
        {
            StatusCodes.Status429TooManyRequests => ("rate_limited", "too many requests from this client; slow down"),
            StatusCodes.Status405MethodNotAllowed => ("method_not_allowed", MethodNotAllowedMessage(context)),
            StatusCodes.Status404NotFound => ("not_found", "no such endpoint"),
            StatusCodes.Status413PayloadTooLarge => ("too_large", "request body too large"),
            _ => ("error", "error"),
        };
        return WriteErrorAsync(context, status, code, message);
    }

    /// <summary>Routing has already set the <c>Allow</c> header on a 405; the message repeats it for people reading the body.</summary>
    private static string MethodNotAllowedMessage(HttpContext context)
    {
        var allowed = context.Response.Headers.Allow.ToString();
        var method = context.Request.Method;
        return allowed.Length == 0 ? $"{method} is not allowed here" : $"{method} is not allowed here; use {allowed}";
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new { error = new { code, message } }));
    }
}

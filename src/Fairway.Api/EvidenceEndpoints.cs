using System.Text.Json;
using Fairway.Core.Crypto;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Fairway.Api;

/// <summary><c>POST /v1/evidence/receipts</c>: a user hands in the receipts it holds, so censorship by their signers becomes evidence.</summary>
internal static class EvidenceEndpoints
{
    /// <summary>Receipts per report at most: one per validator is all a transaction can have.</summary>
    public const int ReceiptsPerReportMax = Core.Validators.ValidatorSet.CountMax;

    public static void Map(WebApplication app, IValidatorApi node)
    {
        app.MapPost("/v1/evidence/receipts", (HttpContext http, CancellationToken ct) => ReportAsync(http, node, ct));
        app.MapPost("/v1/evidence/attest", (HttpContext http, CancellationToken ct) => AttestAsync(http, node, ct));
    }

    /// <summary><c>POST /v1/evidence/attest</c>: this validator signs a slash report for evidence in its own log, for <c>fairway evidence submit --attested</c>.</summary>
    private static async Task<IResult> AttestAsync(HttpContext http, IValidatorApi node, CancellationToken ct)
    {
        var (document, error) = await SubmitEndpoints.ReadJsonAsync(http, node, "send Content-Type: application/json", ct).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        using (document)
        {
            var root = document!.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("evidence_hash", out var hashText) || hashText.ValueKind != JsonValueKind.String
                || ParseEvidenceHash(hashText.GetString()!) is not { } hash)
            {
                return ApiError.BadRequest("bad_evidence_hash", "evidence_hash must be 64 hex characters (0x optional)");
            }

            var answer = node.AttestEvidence(hash);
            return answer.Attestation is { } a
                ? Results.Json(new { validator_account = a.ValidatorAccount, evidence_hash = a.EvidenceHash, settlement_key = a.SettlementKey, signature = a.Signature })
                : ApiError.Of(answer.Status, answer.Code, answer.Message);
        }
    }

    private static byte[]? ParseEvidenceHash(string text)
    {
        var hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        return hex.Length == EvidenceHash.Size * 2 && hex.All(char.IsAsciiHexDigit) ? Convert.FromHexString(hex) : null;
    }

    private static async Task<IResult> ReportAsync(HttpContext http, IValidatorApi node, CancellationToken ct)
    {
        var (document, error) = await SubmitEndpoints.ReadJsonAsync(http, node, "send Content-Type: application/json", ct).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        using (document)
        {
            var root = document!.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("transaction", out var hashText) || hashText.ValueKind != JsonValueKind.String
                || !ApiEndpoints.TryParseHash(hashText.GetString()!, out var transaction))
            {
                return ApiError.BadRequest("bad_transaction", "transaction must be a 64-character hex hash");
            }

            if (!root.TryGetProperty("receipts", out var list) || list.ValueKind != JsonValueKind.Array
                || list.GetArrayLength() is 0 or > ReceiptsPerReportMax)
            {
                return ApiError.BadRequest("bad_receipts", $"receipts must be an array of 1 to {ReceiptsPerReportMax} receipts");
            }

            var receipts = new List<Receipt>();
            foreach (var item in list.EnumerateArray())
            {
                if (Receipt.TryRead(item) is not { } receipt)
                {
                    return ApiError.BadRequest("bad_receipts", Receipt.JsonShape);
                }

                receipts.Add(receipt);
            }

            var report = node.ReportReceipts(transaction, receipts);
            return report.Error is { } refused
                ? ApiError.BadRequest("bad_receipts", refused)
                : Results.Json(new { watched = report.Watched }, statusCode: StatusCodes.Status202Accepted);
        }
    }
}

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

    public static void Map(WebApplication app, IValidatorApi node) =>
        app.MapPost("/v1/evidence/receipts", (HttpContext http, CancellationToken ct) => ReportAsync(http, node, ct));

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

using System.Text.Json;
using Fairway.Core.Chain;
using Microsoft.AspNetCore.Http;

namespace Fairway.Api;

/// <summary>
/// <c>POST /v1/submit/bundle</c>: <c>{"legs": [{"namespace": N, "payload": base64}, ...]}</c>. The legs become one
/// <see cref="Bundle"/> submitted as its carrier transaction, so the validator handles it as one unit from here on.
/// Every leg and the bundle's own rules are checked before anything is submitted.
/// </summary>
internal static class BundleSubmit
{
    public static async Task<IResult> SubmitAsync(HttpContext http, IValidatorApi node, CancellationToken ct)
    {
        if (node.RefuseIfBusy() is { } busy)
        {
            return ApiError.Refused(busy);
        }

        var (document, error) = await SubmitEndpoints.ReadJsonAsync(http, node, "send Content-Type: application/json", ct).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        using (document)
        {
            var (bundle, status, code, message) = Parse(document!.RootElement, node);
            if (bundle is null)
            {
                return ApiError.Of(status, code!, message!);
            }

            var outcome = await node.SubmitAsync(bundle.Carrier, ct).ConfigureAwait(false);
            if (outcome.Status == SubmitStatus.Busy)
            {
                return ApiError.Refused(node.BusyReason);
            }

            var receipt = outcome.Receipt;
            return Results.Json(new
            {
                hash = outcome.Hash.ToHex(),
                legs = bundle.Legs.Select(leg => leg.Hash.ToHex()).ToArray(),
                duplicate = outcome.Status == SubmitStatus.Duplicate,
                receipt = receipt is { } r
                    ? new { validator = r.Validator, received_at_ms = r.ReceivedAtMs, signature = r.Signature.ToHex() }
                    : null,
            });
        }
    }

    private static (Bundle? Bundle, int Status, string? Code, string? Message) Parse(JsonElement root, IValidatorApi node)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, 400, "not_an_object", "a bundle is a JSON object {\"legs\": [{namespace, payload}, ...]}");
        }

        foreach (var property in root.EnumerateObject())
        {
            if (property.Name != "legs")
            {
                return (null, 400, "unknown_field", $"unknown field \"{property.Name}\"");
            }
        }

        if (!root.TryGetProperty("legs", out var legsElement))
        {
            return (null, 400, "missing_field", "missing field: legs");
        }

        if (legsElement.ValueKind != JsonValueKind.Array)
        {
            return (null, 400, "not_an_array", "\"legs\" must be a JSON array of {namespace, payload}");
        }

        // Counted before any leg is decoded, so a huge array costs nothing.
        var count = legsElement.GetArrayLength();
        if (Bundle.CheckCount(count) is { } refused)
        {
            return (null, 400, refused.Code, refused.Message);
        }

        var legs = new List<Transaction>(count);
        var i = 0;
        foreach (var element in legsElement.EnumerateArray())
        {
            // Checked before the leg's own checks, which would ask an encrypted namespace for a ciphertext.
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("namespace", out var ns)
                && ns.ValueKind == JsonValueKind.Number && ns.TryGetUInt64(out var id) && node.Namespaces.IsEncrypted(id))
            {
                return (null, 400, "encrypted_namespace_in_bundle",
                    $"leg {i}: namespace {id} is encrypted; bundles take no encrypted legs (a ciphertext could fail to open after the bundle's place is fixed)");
            }

            var (leg, status, code, message) = SubmitEndpoints.Parse(element, node);
            if (leg is null)
            {
                return (null, status, code, $"leg {i}: {message}");
            }

            legs.Add(leg);
            i++;
        }

        if (Bundle.Check(legs) is { } broken)
        {
            return (null, 400, broken.Code, broken.Message);
        }

        var size = Bundle.LegsOffset + legs.Sum(leg => leg.EncodedSize);
        if (size > Math.Min(node.Limits.PayloadBytesMax, Limits.TransactionPayloadBytesMax))
        {
            return (null, 413, "bundle_too_large", $"the legs take {size} bytes encoded; a bundle is at most {node.Limits.PayloadBytesMax} bytes, as one payload");
        }

        return (Bundle.Create(legs), 200, null, null);
    }
}

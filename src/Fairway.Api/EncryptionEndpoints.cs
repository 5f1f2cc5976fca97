using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Fairway.Api;

/// <summary>
/// What a validator knows of its chain's threshold encryption key: <c>pending</c> until the key generation's last
/// height commits, then <c>ready</c> with the key set (clients encrypt to it), or <c>failed</c> with the reason;
/// <c>disabled</c> on a chain whose genesis has no encryption section.
/// </summary>
public sealed record EncryptionKeyView(
    string State,
    ulong CompletesAtHeight,
    string? KeySetId,
    int Threshold,
    string? PublicKey,
    IReadOnlyList<string> VerificationKeys,
    IReadOnlyList<int> Qualified,
    string? KeySet,
    string? Failure,
    Crypto.Threshold.ThresholdKeySet? Key = null)
{
    public static EncryptionKeyView Disabled { get; } = new("disabled", 0, null, 0, null, [], [], null, "the genesis file has no encryption section");
}

internal static class EncryptionEndpoints
{
    public static void Map(WebApplication app, IValidatorApi node) =>
        app.MapGet("/v1/node/encryption-key", () => Results.Json(Body(node.EncryptionKey)));

    private static object Body(EncryptionKeyView view) => new
    {
        state = view.State,
        completes_at_height = view.CompletesAtHeight,
        key_set_id = view.KeySetId,
        threshold = view.Threshold,
        public_key = view.PublicKey,
        verification_keys = view.VerificationKeys,
        qualified = view.Qualified,
        key_set = view.KeySet,
        failure = view.Failure,
    };
}

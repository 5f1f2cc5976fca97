using System.Text.Json;
using Fairway.Core.Encoding;
using Fairway.Crypto.Threshold;

namespace Fairway.Client;

/// <summary>
/// One validator's answer to <c>GET /v1/node/encryption-key</c>: its state, and once <c>ready</c> the key set, decoded
/// and checked against the id the answer names. One validator's word: <see cref="FairwayClient.GetEncryptionKeyAsync"/>
/// asks more than the faulty stake.
/// </summary>
public sealed record EncryptionKeyAnswer(string State, ThresholdKeySet? KeySet, string? Failure)
{
    /// <summary>Reads an answer; a key set that does not decode, or whose id is not the one named, throws <see cref="VerificationException"/>.</summary>
    public static EncryptionKeyAnswer Read(JsonElement root)
    {
        var state = root.GetProperty("state").GetString() ?? "";
        var failure = root.TryGetProperty("failure", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        if (state != "ready" || root.GetProperty("key_set").GetString() is not { } encoded)
        {
            return new EncryptionKeyAnswer(state, null, failure);
        }

        ThresholdKeySet keySet;
        try
        {
            keySet = Canonical.Decode(Convert.FromBase64String(encoded), ThresholdKeySet.Decode, "key set");
        }
        catch (Exception e) when (e is FormatException or EncodingException)
        {
            throw new VerificationException($"the validator served a key set that does not decode: {e.Message}");
        }

        if (keySet.Id.ToHex() != root.GetProperty("key_set_id").GetString())
        {
            throw new VerificationException("the validator served a key set whose id is not the one it names");
        }

        return new EncryptionKeyAnswer(state, keySet, failure);
    }

    /// <summary>The state, with the failure when there is one: for messages.</summary>
    public string Describe() => Failure is null ? State : $"{State} ({Failure})";
}

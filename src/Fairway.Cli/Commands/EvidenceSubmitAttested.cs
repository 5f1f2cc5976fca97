using System.Net.Http.Json;
using System.Text.Json;
using Fairway.Settlement;

namespace Fairway.Cli.Commands;

/// <summary>
/// <c>fairway evidence submit --attested</c>: asks each validator API to sign a slash report for one evidence hash
/// (<c>POST /v1/evidence/attest</c>), keeps the answers whose signature recovers to the settlement key they name, one
/// per signer, in ascending signer order as the light client demands, and submits them to <c>slashByAttestation</c>
/// for the stake table's current epoch. Whether they hold more than 2/3 of the stake the light client decides.
/// </summary>
internal static class EvidenceSubmitAttested
{
    public static byte[] ParseHash(string text)
    {
        var hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        return hex.Length == 64 && hex.All(char.IsAsciiHexDigit)
            ? Convert.FromHexString(hex)
            : throw new UsageException($"--evidence-hash must be 64 hex digits (0x optional), not '{text}'");
    }

    public static async Task<int> RunAsync(L1Contracts contracts, HttpClient http, IReadOnlyList<Uri> apis, byte[] evidenceHash, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(contracts);
        ArgumentNullException.ThrowIfNull(apis);
        var l1 = contracts.Connection;
        var bySigner = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        string? account = null;
        foreach (var api in apis)
        {
            var answer = await AskAsync(http, api, evidenceHash, cancel).ConfigureAwait(false);
            if (answer is null)
            {
                continue;
            }

            var (validator, signature) = answer.Value;
            if (account is not null && !string.Equals(account, validator, StringComparison.OrdinalIgnoreCase))
            {
                Console.Error.WriteLine($"fairway {EvidenceCommand.Name}: {api} names validator {validator}, the others {account}; its attestation is left out");
                continue;
            }

            var digest = SettlementDigests.SlashReport(l1.ChainId, contracts.Addresses.LightClient, validator, evidenceHash);
            if (SettlementKey.Recover(digest, signature) is not { } signer)
            {
                Console.Error.WriteLine($"fairway {EvidenceCommand.Name}: {api}'s signature does not recover over the slash report; left out");
                continue;
            }

            account ??= validator;
            bySigner.TryAdd(signer.ToLowerInvariant(), signature);
        }

        if (account is null)
        {
            throw new NodeException("no validator API attested the evidence");
        }

        // The light client requires signers in ascending address order: as numbers, which lowercase hex orders ordinally.
        var ordered = bySigner.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        var signatures = ordered.SelectMany(p => p.Value).ToArray();
        var epoch = await contracts.CurrentEpochAsync().ConfigureAwait(false);
        try
        {
            var receipt = await contracts.SlashByAttestationAsync(account, evidenceHash, epoch, signatures, cancel).ConfigureAwait(false);
            Console.WriteLine($"slashed {account} on the attestation of {ordered.Count} validators (epoch {epoch}) in transaction {receipt.TransactionHash}");
            return 0;
        }
        catch (L1Exception e)
        {
            Console.WriteLine($"refused: {e.Message} ({ordered.Count} attestations, epoch {epoch})");
            return 1;
        }
    }

    /// <summary>One validator's attestation, or null (with the reason on stderr) when it gives none: the others may still be enough.</summary>
    private static async Task<(string Validator, byte[] Signature)?> AskAsync(HttpClient http, Uri api, byte[] evidenceHash, CancellationToken cancel)
    {
        var url = new Uri(api, "/v1/evidence/attest");
        try
        {
            using var response = await http.PostAsJsonAsync(url, new { evidence_hash = Convert.ToHexStringLower(evidenceHash) }, cancel).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancel).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                Console.Error.WriteLine($"fairway {EvidenceCommand.Name}: {url} answered {(int)response.StatusCode}: {EvidenceSubmitConflicts.Truncate(body)}");
                return null;
            }

            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("validator_account", out var v) && v.GetString() is { } validator
                && IsAddress(validator)
                && root.TryGetProperty("signature", out var s) && s.GetString() is { } signatureHex
                && Hex(signatureHex) is { Length: SettlementKey.SignatureSize } signature)
            {
                return (validator, signature);
            }

            Console.Error.WriteLine($"fairway {EvidenceCommand.Name}: {url} answered no validator_account and signature");
            return null;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException)
        {
            Console.Error.WriteLine($"fairway {EvidenceCommand.Name}: {url}: {e.Message}");
            return null;
        }
    }

    private static bool IsAddress(string text) =>
        text.Length == 42 && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && text[2..].All(char.IsAsciiHexDigit);

    private static byte[]? Hex(string text)
    {
        var hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        return hex.Length % 2 == 0 && hex.All(char.IsAsciiHexDigit) ? Convert.FromHexString(hex) : null;
    }
}

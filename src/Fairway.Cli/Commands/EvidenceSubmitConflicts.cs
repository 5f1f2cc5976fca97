using System.Globalization;
using System.Text.Json;
using Fairway.Settlement;

namespace Fairway.Cli.Commands;

/// <summary>
/// <c>fairway evidence submit --url API</c>: every <c>conflicting_settlement</c> record of a validator's evidence log
/// (two settlement statements for one height signed by one key, each <c>height:parent:output:signature</c> in hex) goes
/// to the light client's <c>slashConflictingHeaders</c>, which checks it itself.
/// </summary>
internal static class EvidenceSubmitConflicts
{
    public const string Kind = "conflicting_settlement";

    /// <summary>Records asked for per page: the API's maximum.</summary>
    private const int PageSize = 1_000;

    /// <summary>Pages read at most: far above any evidence log (the node keeps a bounded one), against a node that never ends.</summary>
    private const int PagesMax = 1_000;

    public sealed record Statement(ulong Height, byte[] Parent, byte[] OutputHash, byte[] Signature);

    public static async Task<int> RunAsync(L1Contracts contracts, HttpClient http, Uri api, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(contracts);
        ArgumentNullException.ThrowIfNull(http);
        var records = await ReadConflictsAsync(http, api, cancel).ConfigureAwait(false);
        if (records.Count == 0)
        {
            Console.WriteLine($"no {Kind} evidence at {api}");
            return 0;
        }

        int slashed = 0, used = 0, failed = 0;
        foreach (var (index, validator, first, second) in records)
        {
            var what = $"evidence {index} (validator {validator})";
            if (Parse(first) is not { } a || Parse(second) is not { } b || a.Height != b.Height)
            {
                Console.WriteLine($"{what}: skipped, its statements are not two height:parent:output:signature of one height");
                failed++;
                continue;
            }

            try
            {
                var receipt = await contracts.SlashConflictingHeadersAsync(
                    a.Height, a.Parent, a.OutputHash, a.Signature, b.Parent, b.OutputHash, b.Signature, cancel).ConfigureAwait(false);
                Console.WriteLine($"{what}, height {a.Height}: slashed in transaction {receipt.TransactionHash}");
                slashed++;
            }
            catch (L1Exception e)
            {
                // Another reporter's transaction can land first in the same block (it passed our gas estimate while
                // pending, then ours reverted without a reason): the light client's record says whether that happened.
                var alreadyUsed = e.Message.Contains("EvidenceAlreadyUsed", StringComparison.Ordinal)
                    || await IsUsedAsync(contracts, a, b).ConfigureAwait(false);
                var refused = e.Message.Contains("the contract refused it", StringComparison.Ordinal);
                Console.WriteLine($"{what}, height {a.Height}: {(refused ? "refused" : "failed")}: {e.Message}{(alreadyUsed && !refused ? " (the evidence is used: EvidenceAlreadyUsed)" : "")}");
                if (alreadyUsed)
                {
                    used++;
                }
                else
                {
                    failed++;
                }
            }
        }

        return slashed > 0 || failed == 0 ? 0 : 1;
    }

    /// <summary>Whether the light client has used this pair already; its evidence id is keccak256 of the two header digests, lower first.</summary>
    private static async Task<bool> IsUsedAsync(L1Contracts contracts, Statement a, Statement b)
    {
        var l1 = contracts.Connection;
        var digestA = SettlementDigests.Header(l1.ChainId, contracts.Addresses.LightClient, a.Height, a.Parent, a.OutputHash);
        var digestB = SettlementDigests.Header(l1.ChainId, contracts.Addresses.LightClient, b.Height, b.Parent, b.OutputHash);
        var (low, high) = digestA.AsSpan().SequenceCompareTo(digestB) < 0 ? (digestA, digestB) : (digestB, digestA);
        var id = SettlementDigests.Keccak([.. low, .. high]);
        try
        {
            return await l1.CallAsync<bool>(l1.Contract(ContractArtifact.LightClient, contracts.Addresses.LightClient), "evidenceUsed", null, id).ConfigureAwait(false);
        }
        catch (L1Exception)
        {
            return false;
        }
    }

    /// <summary>A statement as the node records it: <c>height:parentHex:outputHex:signatureHex</c>; null when malformed.</summary>
    public static Statement? Parse(string text)
    {
        var parts = text.Split(':');
        return parts.Length == 4
            && ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var height)
            && Hex(parts[1], SettlementStatement.HashSize) is { } parent
            && Hex(parts[2], SettlementStatement.HashSize) is { } output
            && Hex(parts[3], SettlementKey.SignatureSize) is { } signature
                ? new Statement(height, parent, output, signature)
                : null;
    }

    private static byte[]? Hex(string text, int size)
    {
        var hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        return hex.Length == size * 2 && hex.All(char.IsAsciiHexDigit) ? Convert.FromHexString(hex) : null;
    }

    private static async Task<List<(long Index, int Validator, string First, string Second)>> ReadConflictsAsync(HttpClient http, Uri api, CancellationToken cancel)
    {
        var result = new List<(long, int, string, string)>();
        long from = 0;
        for (var page = 0; page < PagesMax; page++)
        {
            var url = new Uri(api, $"/v1/evidence?from={from}&limit={PageSize}");
            using var response = await http.GetAsync(url, cancel).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancel).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new NodeException($"{url} answered {(int)response.StatusCode}: {Truncate(body)}");
            }

            using var json = JsonDocument.Parse(body);
            if (!json.RootElement.TryGetProperty("evidence", out var list) || list.ValueKind != JsonValueKind.Array
                || !json.RootElement.TryGetProperty("next", out var nextElement) || !nextElement.TryGetInt64(out var next))
            {
                throw new NodeException($"{url} did not answer an evidence page ({{\"evidence\": [...], \"next\": N}})");
            }

            var count = 0;
            foreach (var item in list.EnumerateArray())
            {
                var index = from + count++;
                if (item.TryGetProperty("kind", out var kind) && kind.GetString() == Kind
                    && item.TryGetProperty("first", out var first) && first.ValueKind == JsonValueKind.String
                    && item.TryGetProperty("second", out var second) && second.ValueKind == JsonValueKind.String)
                {
                    var validator = item.TryGetProperty("validator", out var v) && v.TryGetInt32(out var i) ? i : -1;
                    result.Add((index, validator, first.GetString()!, second.GetString()!));
                }
            }

            if (count == 0 || next <= from)
            {
                return result;
            }

            from = next;
        }

        throw new NodeException($"{api} kept answering evidence pages past {PagesMax * PageSize} records");
    }

    public static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "...";
}

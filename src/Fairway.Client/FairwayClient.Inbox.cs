using System.Text.Json;
using Fairway.Core.Crypto;
using Fairway.Core.Inbox;

namespace Fairway.Client;

/// <summary>An inbox entry's status at one validator (<c>GET /v1/inbox/{index}</c>).</summary>
/// <param name="Status">final, soft, firm or settled.</param>
public sealed record InboxEntryStatus(ulong Index, string Status, ulong? Namespace, Hash? Transaction, ulong? Height, int? Position, ulong? DeadlineL1Block);

/// <summary>A forced inclusion followed to <c>firm</c>: the entry's index, every status seen (in order, with when), and the transaction verified against its certified output.</summary>
public sealed record ForcedInclusion(ulong Index, IReadOnlyList<(InboxEntryStatus Status, DateTimeOffset At)> Statuses, VerifiedTransaction Verified);

public sealed partial class FairwayClient
{
    /// <summary>Inbox entry <paramref name="index"/> at this validator, or null while it has not read it from a final L1 block.</summary>
    public async Task<InboxEntryStatus?> GetInboxEntryAsync(ulong index, CancellationToken ct = default)
    {
        using var response = await _http.GetAsync(Url($"/v1/inbox/{index}"), ct).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            using var error = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false), cancellationToken: ct).ConfigureAwait(false);
            return error.RootElement.TryGetProperty("error", out var e) && e.TryGetProperty("code", out var code) && code.GetString() == "inbox_entry_unknown"
                ? null
                : throw new InvalidOperationException($"{_baseUrl} serves no L1 inbox: {e}");
        }

        using var json = await ReadAsync(response, ct).ConfigureAwait(false);
        var root = json.RootElement;
        return new InboxEntryStatus(
            root.GetProperty("index").GetUInt64(),
            root.GetProperty("status").GetString() ?? throw new VerificationException("an inbox entry without a status"),
            OptionalU64(root, "namespace"),
            root.TryGetProperty("transaction", out var tx) && tx.ValueKind == JsonValueKind.String ? Hash.ParseHex(tx.GetString()!) : null,
            OptionalU64(root, "height"),
            root.TryGetProperty("position", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : null,
            OptionalU64(root, "deadline_l1_block"));
    }

    /// <summary>
    /// Forced inclusion: posts <paramref name="payload"/> for <paramref name="namespace"/> to the L1 inbox through
    /// <paramref name="poster"/>, then follows the entry at this validator to <c>firm</c>, reporting each status it reaches
    /// (<c>posted</c> first, then final, soft, firm) to <paramref name="progress"/>, and verifies the transaction against
    /// its certified output. Throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.
    /// </summary>
    public async Task<ForcedInclusion> ForceIncludeAsync(
        IInboxPoster poster, ulong @namespace, ReadOnlyMemory<byte> payload, TimeSpan timeout, IProgress<InboxEntryStatus>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(poster);
        var index = await poster.PostAsync(@namespace, payload, ct).ConfigureAwait(false);
        return await FollowInboxEntryAsync(index, @namespace, timeout, progress, ct).ConfigureAwait(false);
    }

    /// <summary>Follows inbox entry <paramref name="index"/> (already posted) to <c>firm</c>, as <see cref="ForceIncludeAsync"/> does after posting.</summary>
    public async Task<ForcedInclusion> FollowInboxEntryAsync(ulong index, ulong @namespace, TimeSpan timeout, IProgress<InboxEntryStatus>? progress = null, CancellationToken ct = default)
    {
        var statuses = new List<(InboxEntryStatus, DateTimeOffset)>();
        var posted = new InboxEntryStatus(index, "posted", @namespace, null, null, null, null);
        statuses.Add((posted, DateTimeOffset.UtcNow));
        progress?.Report(posted);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            var last = "posted";
            while (true)
            {
                if (await GetInboxEntryAsync(index, deadline.Token).ConfigureAwait(false) is { } status && status.Status != last)
                {
                    last = status.Status;
                    statuses.Add((status, DateTimeOffset.UtcNow));
                    progress?.Report(status);
                    if (status.Status is "firm" or "settled" && status.Transaction is { } tx)
                    {
                        var verified = await GetTransactionAsync(tx, deadline.Token).ConfigureAwait(false);
                        if (verified.Transaction.Namespace != @namespace)
                        {
                            throw new VerificationException($"inbox entry {index} is output in namespace {verified.Transaction.Namespace}, not {@namespace}");
                        }

                        return new ForcedInclusion(index, statuses, verified);
                    }
                }

                await Task.Delay(100, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"inbox entry {index} did not become firm within {timeout}");
        }
    }

    private static ulong? OptionalU64(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetUInt64() : null;
}

using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Fairway.Cli.Commands;

/// <summary>
/// The commitment levels <c>fairway submit --wait</c> takes, in the order a transaction reaches them; the names are the
/// <c>status</c> values of <c>GET /v1/status/tx/{hash}</c>.
/// </summary>
internal static class SubmitWait
{
    private static readonly string[] Ordered = ["received", "soft", "firm", "settled"];

    public static IReadOnlyList<string> Levels => Ordered;

    public static int Rank(string level) => Array.IndexOf(Ordered, level);

    // Every status the endpoint answers, in order: a fair-lane transaction (or bundle) passes through "included", which
    // --wait does not offer but a poll must read rather than fail on.
    private static readonly string[] Answered = ["received", "included", "soft", "firm", "settled"];

    private static int AnsweredRank(string level) => Array.IndexOf(Answered, level);

    /// <summary>One answer of the status endpoint: its level, and where the transaction is (height from soft on, index once firm).</summary>
    public sealed record Status(string Level, ulong? Height, int? Index)
    {
        public string Describe() => (Height, Index) switch
        {
            ({ } h, { } i) => string.Create(CultureInfo.InvariantCulture, $"{Level} at height {h}, index {i}"),
            ({ } h, null) => string.Create(CultureInfo.InvariantCulture, $"{Level} at height {h}"),
            _ => Level,
        };
    }

    /// <summary>
    /// What <c>fairway submit</c> prints after it sent something: the status line, and with <paramref name="level"/> the
    /// wait for it and, once firm, where to read each namespace in <paramref name="namespaces"/>. Returns the exit code.
    /// </summary>
    public static async Task<int> ReportAsync(
        HttpClient http, Uri api, string hash, string? level, int seconds, string what, IEnumerable<ulong> namespaces, CancellationToken ct)
    {
        var statusUrl = new Uri(api, $"/v1/status/tx/{hash}");
        Console.WriteLine($"status: curl -s {statusUrl}");
        if (level is null)
        {
            return 0;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(seconds));
        var (reached, last) = await PollAsync(http, statusUrl, level, deadline.Token).ConfigureAwait(false);
        if (reached is null)
        {
            ct.ThrowIfCancellationRequested();
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"fairway submit: {what}not {level} within {seconds} s (last seen: {last?.Describe() ?? "not yet seen by this validator"}); it may still get there: follow it with the status line above"));
            return 1;
        }

        Console.WriteLine(reached.Describe());
        if (reached is { Level: "firm" or "settled", Height: { } height })
        {
            foreach (var ns in namespaces)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"read:   curl -s {new Uri(api, $"/v1/availability/block/{height}/namespace/{ns}")}"));
            }
        }

        return 0;
    }

    /// <summary>
    /// Polls the status endpoint until the transaction reaches <paramref name="level"/>. Returns the status reached, or
    /// null when <paramref name="deadline"/> fires first, with the last status seen (null if none).
    /// </summary>
    public static async Task<(Status? Reached, Status? LastSeen)> PollAsync(HttpClient http, Uri statusUrl, string level, CancellationToken deadline)
    {
        Status? last = null;
        try
        {
            while (true)
            {
                using (var response = await http.GetAsync(statusUrl, deadline).ConfigureAwait(false))
                {
                    // 404: this validator has not seen it (yet); anything else unexpected is the caller's to report.
                    if (response.StatusCode != HttpStatusCode.NotFound)
                    {
                        response.EnsureSuccessStatusCode();
                        last = Parse(await response.Content.ReadAsStringAsync(deadline).ConfigureAwait(false));
                        if (AnsweredRank(last.Level) >= AnsweredRank(level))
                        {
                            return (last, last);
                        }
                    }
                }

                await Task.Delay(100, deadline).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return (null, last);
        }
    }

    private static Status Parse(string body)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        var level = root.GetProperty("status").GetString() ?? "";
        if (AnsweredRank(level) < 0)
        {
            throw new JsonException($"unknown status \"{level}\"");
        }

        return new Status(
            level,
            root.TryGetProperty("height", out var h) && h.ValueKind == JsonValueKind.Number ? h.GetUInt64() : null,
            root.TryGetProperty("index", out var x) && x.ValueKind == JsonValueKind.Number ? x.GetInt32() : null);
    }
}

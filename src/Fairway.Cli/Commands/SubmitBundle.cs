using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Fairway.Cli.Commands;

/// <summary>
/// <c>fairway submit --bundle NS:TEXT ...</c>: one atomic bundle through <c>POST /v1/submit/bundle</c>. Prints the bundle's
/// hash first, then each leg's hash; with <c>--wait</c> it follows the first leg, since the legs land together.
/// </summary>
internal static class SubmitBundle
{
    /// <summary>The legs of <c>--bundle</c> values, or why one is not <c>NS:TEXT</c>.</summary>
    public static (List<(ulong Namespace, string Text)>? Legs, string? Error) Parse(IReadOnlyList<string> values)
    {
        var legs = new List<(ulong, string)>(values.Count);
        foreach (var value in values)
        {
            var colon = value.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !ulong.TryParse(value.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var ns))
            {
                return (null, $"--bundle takes NS:TEXT (a namespace id, a colon, the payload text), got \"{value}\"");
            }

            legs.Add((ns, value[(colon + 1)..]));
        }

        return (legs, null);
    }

    public static async Task<int> RunAsync(HttpClient http, Uri api, List<(ulong Namespace, string Text)> legs, string? level, int seconds, CancellationToken ct)
    {
        var body = new { legs = legs.Select(l => new { @namespace = l.Namespace, payload = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(l.Text)) }).ToArray() };
        using var response = await http.PostAsJsonAsync(new Uri(api, "/v1/submit/bundle"), body, ct).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            Console.Error.WriteLine($"fairway submit: {(int)response.StatusCode} {text}");
            return 1;
        }

        using var json = JsonDocument.Parse(text);
        var hashes = json.RootElement.GetProperty("legs").EnumerateArray().Select(e => e.GetString()).ToList();
        Console.WriteLine(json.RootElement.GetProperty("hash").GetString());
        for (var k = 0; k < hashes.Count; k++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"leg {k}: {hashes[k]} (namespace {legs[k].Namespace})"));
        }

        return await SubmitWait.ReportAsync(http, api, hashes[0]!, level, seconds, "the bundle is ", legs.Select(l => l.Namespace).Distinct(), ct).ConfigureAwait(false);
    }
}

namespace Fairway.Settlement;

/// <summary>
/// Where a validator is reached, as it registers it in the stake table's <c>endpoints</c> string:
/// <c>p2p=HOST:PORT api=URL</c>, space-separated <c>key=value</c> pairs, unknown keys kept for later versions. Read
/// from the L1, so parsed defensively: anything malformed gives null, never an exception.
/// </summary>
public sealed record ValidatorEndpoints(string P2p, string? Api)
{
    public const int TextMax = 1024;

    public string Format() => Api is null ? $"p2p={P2p}" : $"p2p={P2p} api={Api}";

    public static ValidatorEndpoints? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > TextMax)
        {
            return null;
        }

        string? p2p = null;
        string? api = null;
        foreach (var part in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return null;
            }

            var (key, value) = (part[..eq], part[(eq + 1)..]);
            switch (key)
            {
                case "p2p":
                    p2p = value;
                    break;
                case "api":
                    api = Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? value : null;
                    break;
            }
        }

        return p2p is { Length: > 0 } && p2p.LastIndexOf(':') > 0 ? new ValidatorEndpoints(p2p, api) : null;
    }
}

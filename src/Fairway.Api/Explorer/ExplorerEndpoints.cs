using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Fairway.Api.Explorer;

/// <summary>
/// The block explorer every node serves at <c>/</c>: one static page with its scripts and styles (<c>/explorer/{file}</c>),
/// all embedded in the binary, which reads the public v1 API of the same origin like any other client. Nothing is
/// fetched from elsewhere, so it works offline, and the Content-Security-Policy says so to the browser.
/// </summary>
public static partial class ExplorerEndpoints
{
    /// <summary>A directory holding a <c>fairway mev-lab</c> report (report.json and its SVG charts), shown on the fairness page.</summary>
    public const string MevLabVariable = "FAIRWAY_EXPLORER_MEV_LAB";

    /// <summary>A report file larger than this is not served: the explorer shows summaries, not bulk data.</summary>
    private const long MevLabFileBytesMax = 4 * 1024 * 1024;

    /// <summary>Charts listed at most, so a directory full of files cannot make the answer grow without bound.</summary>
    private const int MevLabChartsMax = 32;

    public static void Map(WebApplication app, IValidatorApi node, string? mevLabDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(node);
        var mevLab = mevLabDirectory ?? Environment.GetEnvironmentVariable(MevLabVariable);
        mevLab = string.IsNullOrWhiteSpace(mevLab) ? null : Path.GetFullPath(mevLab);

        app.MapGet("/", (HttpContext http) => Serve(http, "index.html"));
        app.MapGet("/explorer/{file}", (HttpContext http, string file) => Serve(http, file));
        app.MapGet("/explorer/node.json", (HttpContext http) =>
        {
            SecurityHeaders(http);
            http.Response.Headers.CacheControl = "no-store";
            return Results.Json(new
            {
                settlement = node.Settlement is not null,
                auctions = node.Auctions is not null,
                mev_lab = mevLab is not null && File.Exists(Path.Combine(mevLab, "report.json")),
            });
        });
        app.MapGet("/explorer/mev-lab/{file}", (HttpContext http, string file) => ServeMevLab(http, mevLab, file));
    }

    /// <summary>
    /// What the page may load: only this origin (the WebSocket streams included, named explicitly for browsers whose
    /// <c>'self'</c> does not cover ws:), no inline script or style, no framing.
    /// </summary>
    public static string ContentSecurityPolicy(string? host)
    {
        var sockets = host is not null && SafeHost().IsMatch(host) ? $" ws://{host} wss://{host}" : "";
        return $"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'{sockets}; "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }

    private static IResult Serve(HttpContext http, string file)
    {
        if (!ExplorerAssets.All.TryGetValue(file, out var asset))
        {
            return ApiError.NotFound($"the explorer has no file {file}");
        }

        SecurityHeaders(http);
        // Revalidate every time: the files change with the binary, and the ETag makes an unchanged one cost a 304.
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers.ETag = asset.ETag;
        if (http.Request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Bytes, asset.ContentType);
    }

    private static IResult ServeMevLab(HttpContext http, string? directory, string file)
    {
        if (directory is null)
        {
            return ApiError.NotFound($"this node has no MEV lab report (set {MevLabVariable} to a fairway mev-lab output directory)");
        }

        SecurityHeaders(http);
        http.Response.Headers.CacheControl = "no-cache";
        if (file == "charts.json")
        {
            var charts = Directory.Exists(directory)
                ? Directory.EnumerateFiles(directory, "*.svg").Select(Path.GetFileName).Where(n => n is not null && ChartName().IsMatch(n)).Order(StringComparer.Ordinal).Take(MevLabChartsMax).ToList()
                : [];
            return Results.Json(new { charts });
        }

        // Only the report and its charts, by a name that cannot leave the directory.
        if (file != "report.json" && !ChartName().IsMatch(file))
        {
            return ApiError.NotFound("the MEV lab report has report.json, charts.json and its *.svg charts");
        }

        var path = Path.Combine(directory, file);
        var info = new FileInfo(path);
        if (!info.Exists || info.Length > MevLabFileBytesMax)
        {
            return ApiError.NotFound($"no {file} in this node's MEV lab report (or larger than {MevLabFileBytesMax} bytes)");
        }

        var bytes = File.ReadAllBytes(path);
        http.Response.Headers.ETag = ExplorerAssets.ETagOf(bytes);
        return Results.Bytes(bytes, ExplorerAssets.ContentTypeOf(file));
    }

    private static void SecurityHeaders(HttpContext http)
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy(http.Request.Host.HasValue ? http.Request.Host.Value : null);
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
    }

    [GeneratedRegex("^[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?$|^\\[[0-9A-Fa-f:]{2,39}\\](:[0-9]{1,5})?$")]
    private static partial Regex SafeHost();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}\\.svg$")]
    private static partial Regex ChartName();
}

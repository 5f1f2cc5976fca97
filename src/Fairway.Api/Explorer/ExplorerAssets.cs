using System.Collections.Frozen;
using System.Security.Cryptography;

namespace Fairway.Api.Explorer;

/// <summary>One embedded explorer file: its bytes, its content type and the ETag that names this build's version of it.</summary>
internal sealed record ExplorerAsset(string Name, byte[] Bytes, string ContentType, string ETag);

/// <summary>
/// The explorer's static files, embedded in this assembly (so a node serves them offline, from one binary) and read once:
/// a fixed, small set, so holding them costs a bounded amount of memory.
/// </summary>
internal static class ExplorerAssets
{
    private const string Prefix = "explorer/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".json"] = "application/json",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static FrozenDictionary<string, ExplorerAsset> All { get; } = Load();

    public static string ContentTypeOf(string name) =>
        ContentTypes.TryGetValue(Path.GetExtension(name), out var type) ? type : "application/octet-stream";

    public static string ETagOf(byte[] bytes) => "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..32] + "\"";

    private static FrozenDictionary<string, ExplorerAsset> Load()
    {
        var assembly = typeof(ExplorerAssets).Assembly;
        var assets = new Dictionary<string, ExplorerAsset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var name = resource[Prefix.Length..];
            var bytes = copy.ToArray();
            assets[name] = new ExplorerAsset(name, bytes, ContentTypeOf(name), ETagOf(bytes));
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;
using Fairway.Crypto;

namespace Fairway.Node.Keys;

/// <summary>
/// A validator key on disk: JSON with the public key and the private seed, readable by the owner only (0600).
/// A file that others can read is refused, as ssh does, so a leaked key is not silently used.
/// </summary>
public static class KeyFile
{
    private sealed record Contents(
        [property: JsonPropertyName("public_key")] string PublicKey,
        [property: JsonPropertyName("private_seed")] string PrivateSeed);

    public static Ed25519Signer Generate(string path)
    {
        var signer = Ed25519Signer.Generate();
        Write(path, signer);
        return signer;
    }

    public static void Write(string path, Ed25519Signer signer)
    {
        ArgumentNullException.ThrowIfNull(signer);
        if (File.Exists(path))
        {
            throw new IOException($"{path} already exists; refusing to overwrite a key");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var json = JsonSerializer.Serialize(new Contents(signer.PublicKey.ToHex(), Convert.ToHexStringLower(signer.ExportPrivateSeed())));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(json);
        writer.Flush();
        stream.Flush(flushToDisk: true);
    }

    public static Ed25519Signer Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new IOException($"key file {path} not found");
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new IOException($"key file {path} is readable by others; chmod 600 it");
        }

        try
        {
            var contents = JsonSerializer.Deserialize<Contents>(File.ReadAllText(path)) ?? throw new IOException($"key file {path} is empty");
            var signer = Ed25519Signer.FromSeed(Convert.FromHexString(contents.PrivateSeed));
            if (!string.Equals(signer.PublicKey.ToHex(), contents.PublicKey, StringComparison.OrdinalIgnoreCase))
            {
                throw new IOException($"key file {path}: the public key does not match the private seed");
            }

            return signer;
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException)
        {
            throw new IOException($"key file {path} is malformed", e);
        }
    }
}

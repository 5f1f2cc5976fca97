using System.Text.Json;
using System.Text.Json.Serialization;
using Fairway.Settlement;

namespace Fairway.Node.Keys;

/// <summary>
/// A validator's secp256k1 settlement key on disk: JSON with the address and the private key, owner-only (0600), like
/// the consensus key. Its address is what the stake table records and what the light client recovers.
/// </summary>
public static class SettlementKeyFile
{
    private sealed record Contents(
        [property: JsonPropertyName("address")] string Address,
        [property: JsonPropertyName("private_key")] string PrivateKey);

    public static SettlementKey Generate(string path)
    {
        var key = SettlementKey.Generate();
        Write(path, key);
        return key;
    }

    public static void Write(string path, SettlementKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (File.Exists(path))
        {
            throw new IOException($"{path} already exists; refusing to overwrite a key");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(JsonSerializer.Serialize(new Contents(key.Address, key.PrivateKeyHex)));
        writer.Flush();
        stream.Flush(flushToDisk: true);
    }

    public static SettlementKey Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new IOException($"settlement key file {path} not found");
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new IOException($"settlement key file {path} is readable by others; chmod 600 it");
        }

        try
        {
            var contents = JsonSerializer.Deserialize<Contents>(File.ReadAllText(path)) ?? throw new IOException($"settlement key file {path} is empty");
            var key = SettlementKey.FromPrivateKeyHex(contents.PrivateKey);
            if (!string.Equals(key.Address, contents.Address, StringComparison.OrdinalIgnoreCase))
            {
                throw new IOException($"settlement key file {path}: the address does not match the private key");
            }

            return key;
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException)
        {
            throw new IOException($"settlement key file {path} is malformed", e);
        }
    }
}

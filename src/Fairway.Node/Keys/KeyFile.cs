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
        OwnerOnlyFile.WriteNew(path, JsonSerializer.Serialize(new Contents(signer.PublicKey.ToHex(), Convert.ToHexStringLower(signer.ExportPrivateSeed()))));
    }

    public static Ed25519Signer Read(string path)
    {
        var text = OwnerOnlyFile.ReadText(path, "key file");
        try
        {
            var contents = JsonSerializer.Deserialize<Contents>(text) ?? throw new IOException($"key file {path} is empty");
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

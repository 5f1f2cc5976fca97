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
        OwnerOnlyFile.WriteNew(path, JsonSerializer.Serialize(new Contents(key.Address, key.PrivateKeyHex)));
    }

    public static SettlementKey Read(string path)
    {
        var text = OwnerOnlyFile.ReadText(path, "settlement key file");
        try
        {
            var contents = JsonSerializer.Deserialize<Contents>(text) ?? throw new IOException($"settlement key file {path} is empty");
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

using System.Text.Json;
using Fairway.Core.Crypto;
using Fairway.Core.Validators;
using Fairway.Crypto;

namespace Fairway.Client;

/// <summary>
/// What a client trusts, and nothing it learns from a node: the chain's id and its validator set (from the genesis file).
/// Every header a node returns must carry a QC from this set.
/// </summary>
public sealed record TrustedChain(Hash ChainId, ValidatorSet Validators, ISignatureVerifier Verifier)
{
    /// <summary>Reads a Fairway genesis file (chain_id and validators' keys and stakes).</summary>
    public static TrustedChain FromGenesisFile(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        var chainName = root.GetProperty("chain_id").GetString() ?? throw new InvalidDataException($"{path}: no chain_id");
        var validators = root.GetProperty("validators").EnumerateArray().Select(v => new Validator(
            v.GetProperty("name").GetString() ?? "",
            PublicKey.ParseHex(v.GetProperty("public_key").GetString() ?? ""),
            v.TryGetProperty("stake", out var stake) ? stake.GetUInt64() : 1)).ToList();
        return new TrustedChain(Hash.Compute(System.Text.Encoding.UTF8.GetBytes(chainName)), new ValidatorSet(validators), Ed25519Verifier.Instance);
    }
}

using System.Text.Json;
using Fairway.Core.Crypto;
using Fairway.Core.Validators;
using Fairway.Crypto;

namespace Fairway.Client;

/// <summary>
/// What a client trusts, and nothing it learns from a node: the chain's id and its validator set (from the genesis file),
/// and the epochs it followed from there by verified hand-overs (<see cref="TrustedEpochs"/>). Every header a node
/// returns must carry a QC from the set of its epoch.
/// </summary>
public sealed record TrustedChain(Hash ChainId, ValidatorSet Validators, ISignatureVerifier Verifier)
{
    private TrustedEpochs? _epochs;

    /// <summary>
    /// The epochs followed so far, starting with genesis's set as epoch 0. Copies of this record with the same chain,
    /// set and verifier share them; a copy with another (<c>with { Validators = ... }</c>) starts its own from its set,
    /// so it never trusts what the original learned under another genesis.
    /// </summary>
    public TrustedEpochs Epochs
    {
        get
        {
            var current = Volatile.Read(ref _epochs);
            if (current is not null && current.Follows(ChainId, Validators, Verifier))
            {
                return current;
            }

            var fresh = new TrustedEpochs(ChainId, Validators, Verifier);
            return Interlocked.CompareExchange(ref _epochs, fresh, current) == current ? fresh : Epochs;
        }
    }

    /// <summary>The roster with the newest trusted epoch's stakes.</summary>
    public ValidatorSet CurrentValidators => Epochs.Latest.Validators;

    /// <summary>The ordering policy of every namespace genesis does not declare; null when unknown (not read from genesis).</summary>
    public string? DefaultPolicy { get; init; }

    /// <summary>Namespaces genesis declares, with their ordering policy.</summary>
    public IReadOnlyDictionary<ulong, string> DeclaredPolicies { get; init; } = new Dictionary<ulong, string>();

    /// <summary>Each validator's API URL from genesis (by validator index), where genesis gives one: where a fan-out submits.</summary>
    public IReadOnlyDictionary<int, Uri> ApiUrls { get; init; } = new Dictionary<int, Uri>();

    /// <summary>The policy that orders <paramref name="namespace"/> according to genesis, or null when genesis was not read.</summary>
    public string? PolicyOf(ulong @namespace) => DeclaredPolicies.TryGetValue(@namespace, out var policy) ? policy : DefaultPolicy;

    /// <summary>Reads a Fairway genesis file: chain_id, validators' keys and stakes, and the namespaces' ordering policies.</summary>
    public static TrustedChain FromGenesisFile(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        var chainName = root.GetProperty("chain_id").GetString() ?? throw new InvalidDataException($"{path}: no chain_id");
        var validators = root.GetProperty("validators").EnumerateArray().Select(v => new Validator(
            v.GetProperty("name").GetString() ?? "",
            PublicKey.ParseHex(v.GetProperty("public_key").GetString() ?? ""),
            v.TryGetProperty("stake", out var stake) ? stake.GetUInt64() : 1)).ToList();
        var apis = new Dictionary<int, Uri>();
        var index = 0;
        foreach (var v in root.GetProperty("validators").EnumerateArray())
        {
            if (v.TryGetProperty("api", out var api) && Uri.TryCreate(api.GetString(), UriKind.Absolute, out var url))
            {
                apis[index] = url;
            }

            index++;
        }

        var declared = new Dictionary<ulong, string>();
        if (root.TryGetProperty("namespaces", out var namespaces))
        {
            foreach (var ns in namespaces.EnumerateArray())
            {
                declared[ns.GetProperty("id").GetUInt64()] = ns.GetProperty("policy").GetString() ?? "";
            }
        }

        return new TrustedChain(Hash.Compute(System.Text.Encoding.UTF8.GetBytes(chainName)), new ValidatorSet(validators), Ed25519Verifier.Instance)
        {
            DefaultPolicy = root.TryGetProperty("default_policy", out var policy) ? policy.GetString() : "fcfs",
            DeclaredPolicies = declared,
            ApiUrls = apis,
        };
    }
}

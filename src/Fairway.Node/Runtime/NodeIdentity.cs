using Fairway.Core.Crypto;
using Fairway.Core.Validators;
using Fairway.Node.Config;
using Fairway.Ordering.Output;

namespace Fairway.Node.Runtime;

/// <summary>Everything fixed about this validator once config, genesis and key are loaded and checked against each other.</summary>
public sealed record NodeIdentity(
    NodeConfig Config,
    GenesisDocument Genesis,
    Hash ChainId,
    ValidatorSet Validators,
    int Index,
    ISigner Signer)
{
    /// <summary>Which policy orders each namespace, from genesis.</summary>
    public NamespaceRegistry Namespaces { get; init; } = NamespaceRegistry.FcfsOnly;

    /// <summary>This validator's key-generation transport key (derived from its key file), when the chain generates an encryption key.</summary>
    public Crypto.Dkg.DkgTransportKey? TransportKey { get; init; }

    public static Hash ChainIdOf(string chainName) => Hash.Compute(System.Text.Encoding.UTF8.GetBytes(chainName));

    public static NodeIdentity Resolve(NodeConfig config, GenesisDocument genesis, ISigner signer)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(genesis);
        ArgumentNullException.ThrowIfNull(signer);
        var validators = new ValidatorSet(genesis.Validators.Select(v => new Validator(v.Name, PublicKey.ParseHex(v.PublicKey), v.Stake)));
        var index = genesis.Validators.ToList().FindIndex(v => v.Name == config.Validator);
        if (index < 0)
        {
            throw new ConfigException($"validator \"{config.Validator}\" is not in the genesis file {config.GenesisFile}");
        }

        if (validators[index].PublicKey != signer.PublicKey)
        {
            throw new ConfigException($"the key in {config.KeyFile} is not the key the genesis file lists for \"{config.Validator}\"");
        }

        return new NodeIdentity(config, genesis, ChainIdOf(genesis.ChainId), validators, index, signer)
        {
            Namespaces = ConfigLoader.NamespacesOf(genesis, config.GenesisFile),
        };
    }
}

using Fairway.Crypto.Group;

namespace Fairway.Crypto.Dkg;

/// <summary>
/// A validator's key for receiving dealt shares: secret y, public Y = y·G. It is derived from a seed so a validator can
/// rebuild it from its key file, and kept apart from the signing key so a complaint (which reveals y·E for one dealing)
/// touches nothing else. The secret never leaves this object; <see cref="ToString"/> shows only the public key.
/// </summary>
public sealed class DkgTransportKey
{
    public const int SeedSize = 32;

    private const string Domain = "fairway/dkg/transport-key";

    private DkgTransportKey(Scalar secret)
    {
        Secret = secret;
        PublicKey = GroupElement.MultiplyBase(secret);
    }

    public GroupElement PublicKey { get; }

    internal Scalar Secret { get; }

    /// <summary>The key for a 32-byte seed: y = Scalar.Hash("fairway/dkg/transport-key", seed).</summary>
    public static DkgTransportKey FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize)
        {
            throw new ArgumentException($"a transport key seed is {SeedSize} bytes, got {seed.Length}", nameof(seed));
        }

        var secret = Scalar.Hash(Domain, seed.ToArray());

        // Only with probability 2^-252; a zero key would make every pad public.
        return secret.IsZero ? throw new ArgumentException("the seed gives the zero key", nameof(seed)) : new DkgTransportKey(secret);
    }

    /// <summary>The shared point with a dealing's ephemeral key: y·E = e·Y, from which the pads are derived.</summary>
    internal GroupElement SharedPoint(GroupElement ephemeral) => ephemeral.Multiply(Secret);

    public override string ToString() => $"DkgTransportKey({PublicKey.ToHex()})";
}

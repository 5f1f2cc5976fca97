using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Crypto.Group;

namespace Fairway.Crypto.Dkg;

/// <summary>
/// One dealer's contribution to a key generation: Feldman commitments A_k = a_k·G to a random polynomial a of degree t−1,
/// an ephemeral public key E = e·G, and for each validator v the share a(v+1) encrypted under a pad derived from e·Y_v.
/// Everything is public, so the whole dealing can go through consensus; only validator v can remove its pad, and anyone
/// can check the share v reveals in a complaint against the commitments.
/// </summary>
/// <remarks>
/// A dealing carries no signature: the caller must accept a dealing as dealer j's only when j signed it over the session
/// (otherwise anyone could deal, or replay an old dealing, in j's name and have j disqualified).
/// </remarks>
public sealed class Dealing : ICanonical, IEncodedSizeHint
{
    public const byte Version = 1;

    private CachedHash _id;

    /// <summary>
    /// A dealing from its parts, as decoding makes one. Nothing beyond the encoding's bounds is checked here:
    /// <see cref="Check"/> says whether it fits a session, so a malformed dealing can be held, agreed on and excluded.
    /// </summary>
    public Dealing(ushort dealer, IReadOnlyList<GroupElement> commitments, GroupElement ephemeral, IReadOnlyList<Scalar> encryptedShares)
    {
        ArgumentNullException.ThrowIfNull(commitments);
        ArgumentNullException.ThrowIfNull(encryptedShares);
        if (commitments.Count > DkgParameters.MaxValidators || encryptedShares.Count > DkgParameters.MaxValidators)
        {
            throw new ArgumentException($"a dealing has at most {DkgParameters.MaxValidators} commitments and shares");
        }

        Dealer = dealer;
        Commitments = [.. commitments];
        Ephemeral = ephemeral;
        EncryptedShares = [.. encryptedShares];
    }

    public ushort Dealer { get; }

    /// <summary>A_k = a_k·G for k = 0..t−1; A_0 is the dealer's contribution to the public key.</summary>
    public IReadOnlyList<GroupElement> Commitments { get; }

    /// <summary>E = e·G: with a recipient's transport key it gives the shared point the pads are derived from.</summary>
    public GroupElement Ephemeral { get; }

    /// <summary>Validator v's share a(v+1) plus its pad, at position v.</summary>
    public IReadOnlyList<Scalar> EncryptedShares { get; }

    /// <summary>The hash of the encoding: what complaints name, so a complaint counts only against the dealing it was made about.</summary>
    public Hash Id => _id.GetOrCompute(this, static self => Hash.Compute(Canonical.Encode(self)));

    public int EncodedSizeHint => 8 + (GroupElement.Size * (Commitments.Count + 1)) + (Scalar.Size * EncryptedShares.Count);

    /// <summary>Deals with a fresh random polynomial and ephemeral key from the operating system's random source.</summary>
    public static Dealing Create(DkgParameters parameters, ushort dealer)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var coefficients = new Scalar[parameters.Threshold];
        for (var k = 0; k < coefficients.Length; k++)
        {
            coefficients[k] = Scalar.Random();
        }

        return Create(parameters, dealer, coefficients, Scalar.Random());
    }

    /// <summary>
    /// Deals the polynomial with the given <paramref name="coefficients"/> (a_0 first) using ephemeral secret
    /// <paramref name="ephemeral"/>. Deterministic: for tests and simulations, which need known secrets; a real dealer
    /// uses <see cref="Create(DkgParameters, ushort)"/>, since reused or guessable coefficients give its share away.
    /// </summary>
    public static Dealing Create(DkgParameters parameters, ushort dealer, IReadOnlyList<Scalar> coefficients, Scalar ephemeral)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(coefficients);
        if (!parameters.IsValidator(dealer))
        {
            throw new ArgumentOutOfRangeException(nameof(dealer), dealer, $"the session has {parameters.ValidatorCount} validators");
        }

        if (coefficients.Count != parameters.Threshold)
        {
            throw new ArgumentException($"threshold {parameters.Threshold} needs that many coefficients, got {coefficients.Count}", nameof(coefficients));
        }

        if (ephemeral.IsZero)
        {
            throw new ArgumentException("a zero ephemeral key makes every pad public", nameof(ephemeral));
        }

        var commitments = coefficients.Select(GroupElement.MultiplyBase).ToArray();
        var shares = new Scalar[parameters.ValidatorCount];
        for (var v = 0; v < shares.Length; v++)
        {
            var sharedPoint = parameters.TransportKeys[v].Multiply(ephemeral);
            shares[v] = DkgMath.Evaluate(coefficients, DkgMath.ShareIndex(v)) + DkgMath.Pad(parameters, dealer, v, sharedPoint);
        }

        return new Dealing(dealer, commitments, GroupElement.MultiplyBase(ephemeral), shares);
    }

    /// <summary>
    /// Null when the dealing has the shape <paramref name="parameters"/> ask for (a dealer in range, t commitments, n
    /// shares, an ephemeral key that is not the identity); otherwise why not. Every validator reaches the same answer, so
    /// a malformed dealing is excluded without complaints.
    /// </summary>
    public string? Check(DkgParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return !parameters.IsValidator(Dealer) ? $"dealer {Dealer} is not among the {parameters.ValidatorCount} validators"
            : Commitments.Count != parameters.Threshold ? $"{Commitments.Count} commitments for threshold {parameters.Threshold}"
            : EncryptedShares.Count != parameters.ValidatorCount ? $"{EncryptedShares.Count} shares for {parameters.ValidatorCount} validators"
            : Ephemeral.IsIdentity ? "the ephemeral key is the identity"
            : null;
    }

    /// <summary>
    /// Decrypts validator <paramref name="recipient"/>'s share with its transport key and checks it against the
    /// commitments: true, with the share, when it is the committed polynomial's value at the recipient's index. False
    /// means the recipient should complain (<see cref="Complaint.Against"/>).
    /// </summary>
    public bool TryOpenShare(DkgParameters parameters, ushort recipient, DkgTransportKey key, out Scalar share)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(key);
        RequireRecipient(parameters, recipient, key);
        share = OpenShare(parameters, recipient, key.SharedPoint(Ephemeral));
        return DkgMath.ShareMatches(Commitments, recipient, share);
    }

    /// <summary>The recipient's share with the pad from <paramref name="sharedPoint"/> removed: what a complaint's K reveals.</summary>
    internal Scalar OpenShare(DkgParameters parameters, int recipient, GroupElement sharedPoint) =>
        EncryptedShares[recipient] - DkgMath.Pad(parameters, Dealer, recipient, sharedPoint);

    internal void RequireRecipient(DkgParameters parameters, ushort recipient, DkgTransportKey key)
    {
        if (Check(parameters) is { } malformed)
        {
            throw new ArgumentException($"dealer {Dealer}'s dealing is malformed: {malformed}");
        }

        if (!parameters.IsValidator(recipient))
        {
            throw new ArgumentOutOfRangeException(nameof(recipient), recipient, $"the session has {parameters.ValidatorCount} validators");
        }

        if (parameters.TransportKeys[recipient] != key.PublicKey)
        {
            throw new ArgumentException($"the key is not validator {recipient}'s transport key", nameof(key));
        }
    }

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteU8(Version);
        writer.WriteU16(Dealer);
        writer.WriteCount(Commitments.Count);
        foreach (var commitment in Commitments)
        {
            GroupEncoding.Write(writer, commitment);
        }

        GroupEncoding.Write(writer, Ephemeral);
        writer.WriteCount(EncryptedShares.Count);
        foreach (var share in EncryptedShares)
        {
            GroupEncoding.Write(writer, share);
        }
    }

    public static Dealing Decode(ref CanonicalReader reader)
    {
        reader.ExpectVersion(Version, "dealing");
        var dealer = reader.ReadU16("dealing dealer");
        var commitments = new GroupElement[reader.ReadCount(DkgParameters.MaxValidators, "dealing commitments")];
        for (var k = 0; k < commitments.Length; k++)
        {
            commitments[k] = GroupEncoding.ReadElement(ref reader, "dealing commitment");
        }

        var ephemeral = GroupEncoding.ReadElement(ref reader, "dealing ephemeral key");
        var shares = new Scalar[reader.ReadCount(DkgParameters.MaxValidators, "dealing shares")];
        for (var v = 0; v < shares.Length; v++)
        {
            shares[v] = GroupEncoding.ReadScalar(ref reader, "dealing encrypted share");
        }

        return new Dealing(dealer, commitments, ephemeral, shares);
    }
}

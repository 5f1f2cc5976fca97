using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Crypto.Group;

namespace Fairway.Crypto.Dkg;

/// <summary>
/// A validator's public claim that its share in a dealing is wrong. It reveals K = y·E, the shared point its pad came
/// from, with a proof that K was made with its own transport secret (log_G Y = log_E K), so anyone can decrypt that one
/// share and see for themselves whether it fails the dealer's commitments. No one has to take the complainer's word, and a
/// complaint about a good share convicts no one; K is worth nothing beyond this one dealing, since E is the dealer's.
/// </summary>
public sealed class Complaint : ICanonical
{
    public const byte Version = 1;

    private const string ProofDomain = "fairway/dkg/complaint";

    private CachedHash _id;

    public Complaint(ushort complainer, ushort dealer, Hash dealingId, GroupElement sharedPoint, DleqProof proof)
    {
        Complainer = complainer;
        Dealer = dealer;
        DealingId = dealingId;
        SharedPoint = sharedPoint;
        Proof = proof;
    }

    public ushort Complainer { get; }

    public ushort Dealer { get; }

    /// <summary>The dealing complained about: a complaint never carries over to another dealing from the same dealer.</summary>
    public Hash DealingId { get; }

    /// <summary>K = y·E, the complainer's shared point with the dealing's ephemeral key.</summary>
    public GroupElement SharedPoint { get; }

    /// <summary>That log_G(Y_complainer) = log_E(K), bound to the session, the dealing and the complainer.</summary>
    public DleqProof Proof { get; }

    public Hash Id => _id.GetOrCompute(this, static self => Hash.Compute(Canonical.Encode(self)));

    /// <summary>
    /// The complaint validator <paramref name="recipient"/> must make against <paramref name="dealing"/>: null when the
    /// dealing is malformed (everyone excludes it without complaints) or the recipient's share verifies.
    /// </summary>
    public static Complaint? Against(DkgParameters parameters, Dealing dealing, ushort recipient, DkgTransportKey key)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(dealing);
        return dealing.Check(parameters) is not null || dealing.TryOpenShare(parameters, recipient, key, out _)
            ? null
            : Create(parameters, dealing, recipient, key);
    }

    /// <summary>
    /// A complaint by <paramref name="complainer"/> about its share in <paramref name="dealing"/>, whatever the share is:
    /// <see cref="Against"/> decides whether to make one. Proving is randomised; checking is not.
    /// </summary>
    public static Complaint Create(DkgParameters parameters, Dealing dealing, ushort complainer, DkgTransportKey key)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(dealing);
        ArgumentNullException.ThrowIfNull(key);
        dealing.RequireRecipient(parameters, complainer, key);
        var proof = DleqProof.Prove(ProofDomain, ProofContext(parameters, dealing.Id, complainer), key.Secret, GroupElement.Generator, dealing.Ephemeral);
        return new Complaint(complainer, dealing.Dealer, dealing.Id, key.SharedPoint(dealing.Ephemeral), proof);
    }

    /// <summary>
    /// Null when the complaint shows that <paramref name="dealing"/> gave the complainer a bad share; otherwise why it
    /// does not (it is about another dealing, its proof fails, or the share it reveals is good). Only the first case
    /// disqualifies the dealer. Deterministic, so every validator reaches the same verdict.
    /// </summary>
    public string? Check(DkgParameters parameters, Dealing dealing)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(dealing);
        if (Dealer != dealing.Dealer || DealingId != dealing.Id)
        {
            return "the complaint is about another dealing";
        }

        if (dealing.Check(parameters) is { } malformed)
        {
            return $"the dealing is malformed ({malformed}), so it is excluded without complaints";
        }

        if (!parameters.IsValidator(Complainer))
        {
            return $"complainer {Complainer} is not among the {parameters.ValidatorCount} validators";
        }

        if (!Proof.Verify(ProofDomain, ProofContext(parameters, DealingId, Complainer), GroupElement.Generator, parameters.TransportKeys[Complainer], dealing.Ephemeral, SharedPoint))
        {
            return "the proof that K is the complainer's shared point does not verify";
        }

        var share = dealing.OpenShare(parameters, Complainer, SharedPoint);
        return DkgMath.ShareMatches(dealing.Commitments, Complainer, share) ? "the complainer's share verifies" : null;
    }

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteU8(Version);
        writer.WriteU16(Complainer);
        writer.WriteU16(Dealer);
        writer.WriteHash(DealingId);
        GroupEncoding.Write(writer, SharedPoint);
        GroupEncoding.Write(writer, Proof.Challenge);
        GroupEncoding.Write(writer, Proof.Response);
    }

    public static Complaint Decode(ref CanonicalReader reader)
    {
        reader.ExpectVersion(Version, "complaint");
        return new Complaint(
            reader.ReadU16("complaint complainer"),
            reader.ReadU16("complaint dealer"),
            reader.ReadHash("complaint dealing id"),
            GroupEncoding.ReadElement(ref reader, "complaint shared point"),
            new DleqProof(GroupEncoding.ReadScalar(ref reader, "complaint proof challenge"), GroupEncoding.ReadScalar(ref reader, "complaint proof response")));
    }

    private static byte[] ProofContext(DkgParameters parameters, Hash dealingId, ushort complainer)
    {
        var writer = new CanonicalWriter(Hash.Size + parameters.Context.Length + 16);
        writer.WriteBytes(parameters.Context);
        writer.WriteHash(dealingId);
        writer.WriteU16(complainer);
        return writer.ToArray();
    }
}

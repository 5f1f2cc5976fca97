using Fairway.Core.Crypto;
using Fairway.Crypto.Group;

namespace Fairway.Crypto.Dkg;

/// <summary>
/// Finishes a key generation from what consensus agreed on: the dealings, in agreed order, and the complaints. A pure
/// function of those and the parameters, so every honest validator gets the identical qualified set and key set.
/// </summary>
/// <remarks>
/// Each dealer's first dealing counts and any later one is ignored, so a dealer cannot choose among its dealings after
/// seeing the complaints. The qualified set Q is the dealers whose counted dealing is well formed and has no valid
/// complaint; it does not depend on the order of the complaints. With the threshold at f+1 (see <see cref="DkgParameters"/>)
/// at least one qualified dealer is honest and the key stays secret. As with every joint-Feldman key generation, faulty
/// dealers can bias the public key's distribution (by dealing after seeing others' commitments, or getting themselves
/// disqualified), though not choose it or learn it; threshold decryption under the key is still secure.
/// </remarks>
public sealed class DkgTranscript
{
    private DkgTranscript(DkgParameters parameters, IReadOnlyList<Dealing> qualified, DkgResult result)
    {
        Parameters = parameters;
        QualifiedDealings = qualified;
        Result = result;
    }

    public DkgParameters Parameters { get; }

    /// <summary>The qualified dealers' dealings, by dealer ascending.</summary>
    public IReadOnlyList<Dealing> QualifiedDealings { get; }

    public DkgResult Result { get; }

    /// <summary>
    /// The qualified dealings, by dealer ascending: each dealer's first dealing in <paramref name="dealings"/>, when it is
    /// well formed and no complaint in <paramref name="complaints"/> against it is valid. Dealings from dealers outside the
    /// session, complaints about other dealings and invalid complaints are ignored.
    /// </summary>
    public static IReadOnlyList<Dealing> Qualify(DkgParameters parameters, IEnumerable<Dealing> dealings, IEnumerable<Complaint> complaints)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(dealings);
        ArgumentNullException.ThrowIfNull(complaints);
        var counted = new SortedDictionary<ushort, Dealing>();
        foreach (var dealing in dealings)
        {
            ArgumentNullException.ThrowIfNull(dealing, nameof(dealings));
            if (parameters.IsValidator(dealing.Dealer))
            {
                counted.TryAdd(dealing.Dealer, dealing);
            }
        }

        var qualified = counted.Where(d => d.Value.Check(parameters) is null).ToDictionary(d => d.Key, d => d.Value);

        // One valid complaint disqualifies; once a dealer is out, further complaints about it need no checking.
        var checkedComplaints = new HashSet<Hash>();
        foreach (var complaint in complaints)
        {
            ArgumentNullException.ThrowIfNull(complaint, nameof(complaints));
            if (qualified.TryGetValue(complaint.Dealer, out var accused) && checkedComplaints.Add(complaint.Id) && complaint.Check(parameters, accused) is null)
            {
                qualified.Remove(complaint.Dealer);
            }
        }

        return [.. qualified.OrderBy(d => d.Key).Select(d => d.Value)];
    }

    /// <summary>
    /// The key set from the agreed <paramref name="dealings"/> and <paramref name="complaints"/>. Throws
    /// <see cref="DkgException"/> when fewer dealers than the threshold qualify: then the qualified ones might all be
    /// faulty, and the session must be run again.
    /// </summary>
    public static DkgTranscript Finish(DkgParameters parameters, IEnumerable<Dealing> dealings, IEnumerable<Complaint> complaints)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var qualified = Qualify(parameters, dealings, complaints);
        if (qualified.Count < parameters.Threshold)
        {
            throw new DkgException($"only {qualified.Count} dealers qualified; threshold {parameters.Threshold} needs at least {parameters.Threshold}");
        }

        return new DkgTranscript(parameters, qualified, DkgResult.FromQualified(parameters, qualified));
    }

    /// <summary>
    /// Validator <paramref name="validator"/>'s secret share x_{v+1} = Σ_{j∈Q} a_j(v+1), decrypted with its transport key.
    /// Throws <see cref="DkgException"/> if a qualified dealer's share to it does not verify, which happens only when the
    /// validator failed to complain in time; then it has no usable share of this key.
    /// </summary>
    public Scalar SecretShare(ushort validator, DkgTransportKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var secret = Scalar.Zero;
        foreach (var dealing in QualifiedDealings)
        {
            if (!dealing.TryOpenShare(Parameters, validator, key, out var share))
            {
                throw new DkgException($"qualified dealer {dealing.Dealer}'s share to validator {validator} does not verify; the validator did not complain");
            }

            secret += share;
        }

        return secret;
    }
}

using System.Text;
using Fairway.Core.Crypto;
using Fairway.Crypto.Dkg;
using Fairway.Crypto.Group;

namespace Fairway.Crypto.Tests.Dkg;

/// <summary>Deterministic sessions for the key generation tests: known polynomials, so the expected key can be computed.</summary>
internal sealed class DkgKit
{
    private DkgKit(int n, int t)
    {
        Keys = [.. Enumerable.Range(0, n).Select(v => DkgTransportKey.FromSeed(Hash.Compute(Encoding.UTF8.GetBytes($"validator {v}")).ToArray()))];
        Parameters = new DkgParameters("test chain/epoch 1"u8, t, [.. Keys.Select(k => k.PublicKey)]);
        Polynomials = [.. Enumerable.Range(0, n).Select(j => Enumerable.Range(0, t).Select(k => Seeded($"dealer {j} coefficient {k}")).ToArray())];
        Dealings = [.. Enumerable.Range(0, n).Select(j => Dealing.Create(Parameters, (ushort)j, Polynomials[j], Seeded($"dealer {j} ephemeral")))];
    }

    public DkgParameters Parameters { get; }

    public IReadOnlyList<DkgTransportKey> Keys { get; }

    /// <summary>Dealer j's polynomial coefficients, a_j0 first.</summary>
    public IReadOnlyList<Scalar[]> Polynomials { get; }

    /// <summary>Every dealer's honest dealing, by dealer.</summary>
    public IReadOnlyList<Dealing> Dealings { get; }

    public int N => Keys.Count;

    public int T => Parameters.Threshold;

    public static DkgKit Create(int n, int t) => new(n, t);

    public static Scalar Seeded(string label) => Scalar.Hash("fairway/test/dkg", Encoding.UTF8.GetBytes(label));

    /// <summary>The dealing with validator <paramref name="victim"/>'s encrypted share replaced: the share it decrypts is wrong.</summary>
    public static Dealing WithBadShare(Dealing dealing, int victim)
    {
        var shares = dealing.EncryptedShares.ToArray();
        shares[victim] += Scalar.One;
        return new Dealing(dealing.Dealer, dealing.Commitments, dealing.Ephemeral, shares);
    }

    /// <summary>The complaints every validator makes against the given dealings (what honest validators would send).</summary>
    public List<Complaint> HonestComplaints(IEnumerable<Dealing> dealings) =>
        [.. dealings.SelectMany(d => Enumerable.Range(0, N).Select(v => Complaint.Against(Parameters, d, (ushort)v, Keys[v]))).OfType<Complaint>()];

    /// <summary>The secret key the qualified dealers' polynomials add up to: Σ_{j∈Q} a_j0.</summary>
    public Scalar ExpectedSecret(IEnumerable<ushort> qualified) => qualified.Aggregate(Scalar.Zero, (sum, j) => sum + Polynomials[j][0]);

    /// <summary>Lagrange-combines the secret shares of the given validators: the key, when there are at least t of them.</summary>
    public static Scalar Combine(IReadOnlyList<int> validators, IReadOnlyList<Scalar> secretShares)
    {
        var indices = validators.Select(v => v + 1).ToList();
        return validators.Aggregate(Scalar.Zero, (sum, v) => sum + (Lagrange.CoefficientAtZero(v + 1, indices) * secretShares[v]));
    }

    /// <summary>The same in the exponent, from the public verification keys h_i = x_i·G.</summary>
    public static GroupElement CombineInExponent(IReadOnlyList<int> validators, IReadOnlyList<GroupElement> points)
    {
        var indices = validators.Select(v => v + 1).ToList();
        return validators.Aggregate(GroupElement.Identity, (sum, v) => sum + points[v].Multiply(Lagrange.CoefficientAtZero(v + 1, indices)));
    }

    /// <summary>Every subset of size <paramref name="size"/> of 0..n−1, in lexicographic order.</summary>
    public static IEnumerable<int[]> Subsets(int n, int size)
    {
        if (size == 0)
        {
            yield return [];
            yield break;
        }

        for (var first = 0; first <= n - size; first++)
        {
            foreach (var rest in Subsets(n - first - 1, size - 1))
            {
                yield return [first, .. rest.Select(r => r + first + 1)];
            }
        }
    }
}

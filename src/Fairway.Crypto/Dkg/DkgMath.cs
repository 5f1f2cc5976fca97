using System.Buffers.Binary;
using Fairway.Crypto.Group;

namespace Fairway.Crypto.Dkg;

/// <summary>The arithmetic the dealer, the recipients and every verifier must do identically, kept in one place.</summary>
internal static class DkgMath
{
    private const string PadDomain = "fairway/dkg/pad";

    /// <summary>Validator v's share index, v+1: the polynomial's value at zero is the secret, so no one gets that one.</summary>
    public static Scalar ShareIndex(int validator) => Scalar.FromUInt64((ulong)validator + 1);

    /// <summary>a(x) = Σ a_k·x^k by Horner's rule.</summary>
    public static Scalar Evaluate(IReadOnlyList<Scalar> coefficients, Scalar x)
    {
        var value = Scalar.Zero;
        for (var k = coefficients.Count - 1; k >= 0; k--)
        {
            value = (value * x) + coefficients[k];
        }

        return value;
    }

    /// <summary>
    /// Σ x^k·A_k, by Horner's rule in the group: a(x)·G from the commitments A_k = a_k·G alone, which is what lets anyone
    /// check a share against a dealing without learning the polynomial.
    /// </summary>
    public static GroupElement Evaluate(IReadOnlyList<GroupElement> commitments, Scalar x)
    {
        var value = GroupElement.Identity;
        for (var k = commitments.Count - 1; k >= 0; k--)
        {
            value = value.Multiply(x) + commitments[k];
        }

        return value;
    }

    /// <summary>Whether <paramref name="share"/> is the value at <paramref name="recipient"/>'s index of the committed polynomial.</summary>
    public static bool ShareMatches(IReadOnlyList<GroupElement> commitments, int recipient, Scalar share) =>
        GroupElement.MultiplyBase(share) == Evaluate(commitments, ShareIndex(recipient));

    /// <summary>
    /// The one-time pad over the share dealer → recipient: a hash of the session context, the dealer's validator number and
    /// the recipient's share index (u16, little-endian) and the shared point K = e·Y = y·E. Binding who and where means a
    /// pad, or an encrypted share, cannot be moved to another pair or session.
    /// </summary>
    public static Scalar Pad(DkgParameters parameters, int dealer, int recipient, GroupElement sharedPoint)
    {
        var dealerBytes = new byte[2];
        var recipientBytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(dealerBytes, checked((ushort)dealer));
        BinaryPrimitives.WriteUInt16LittleEndian(recipientBytes, checked((ushort)(recipient + 1)));
        return Scalar.Hash(PadDomain, parameters.ContextBytes, dealerBytes, recipientBytes, sharedPoint.ToArray());
    }
}

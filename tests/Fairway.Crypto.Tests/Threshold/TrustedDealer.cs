using Fairway.Core.Crypto;
using Fairway.Crypto.Group;
using Fairway.Crypto.Threshold;

namespace Fairway.Crypto.Tests.Threshold;

/// <summary>Shamir-shares a random key for the tests (the network makes its keys with the DKG instead).</summary>
internal static class TrustedDealer
{
    public static (ThresholdKeySet KeySet, Scalar[] Secrets) Deal(int shares, int threshold)
    {
        var coefficients = Enumerable.Range(0, threshold).Select(_ => Scalar.Random()).ToArray();
        var secrets = new Scalar[shares];
        for (var i = 1; i <= shares; i++)
        {
            // Horner's rule at x = i.
            var x = Scalar.FromUInt64((ulong)i);
            var value = Scalar.Zero;
            for (var k = threshold - 1; k >= 0; k--)
            {
                value = (value * x) + coefficients[k];
            }

            secrets[i - 1] = value;
        }

        var keySet = new ThresholdKeySet(
            Hash.Compute(Guid.NewGuid().ToByteArray()), threshold, GroupElement.MultiplyBase(coefficients[0]), [.. secrets.Select(GroupElement.MultiplyBase)]);
        return (keySet, secrets);
    }
}

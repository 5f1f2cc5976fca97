using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Crypto.Group;

namespace Fairway.Crypto.Dkg;

/// <summary>
/// The public outcome of a key generation, the same at every honest validator: the qualified dealers, the public key
/// H = Σ_{j∈Q} A_j0, and for each validator v the verification key h_{v+1} = x_{v+1}·G its secret share must match. The
/// key set id hashes all of it with the session context, so the key set is named by what it is.
/// </summary>
public sealed class DkgResult : ICanonical
{
    public const byte Version = 1;

    private readonly byte[] _context;

    private DkgResult(byte[] context, int threshold, IReadOnlyList<ushort> qualified, GroupElement publicKey, IReadOnlyList<GroupElement> verificationKeys)
    {
        _context = context;
        Threshold = threshold;
        Qualified = qualified;
        PublicKey = publicKey;
        VerificationKeys = verificationKeys;
        KeySetId = Hash.Compute(Canonical.Encode(this));
    }

    public ReadOnlySpan<byte> Context => _context;

    /// <summary>Shares needed to use the key.</summary>
    public int Threshold { get; }

    /// <summary>The dealers whose polynomials make up the key, ascending.</summary>
    public IReadOnlyList<ushort> Qualified { get; }

    public GroupElement PublicKey { get; }

    /// <summary>h_i = x_i·G for share index i = v+1, at position v (validator v's).</summary>
    public IReadOnlyList<GroupElement> VerificationKeys { get; }

    /// <summary>SHA-256 of the encoding: context, threshold, qualified dealers, public key, verification keys.</summary>
    public Hash KeySetId { get; }

    /// <summary>The result of the qualified dealings' aggregate commitments C_k = Σ_{j∈Q} A_jk: H = C_0 and h_i = Σ_k i^k·C_k.</summary>
    internal static DkgResult FromQualified(DkgParameters parameters, IReadOnlyList<Dealing> qualified)
    {
        var aggregate = new GroupElement[parameters.Threshold];
        Array.Fill(aggregate, GroupElement.Identity);
        foreach (var dealing in qualified)
        {
            for (var k = 0; k < aggregate.Length; k++)
            {
                aggregate[k] += dealing.Commitments[k];
            }
        }

        var verificationKeys = new GroupElement[parameters.ValidatorCount];
        for (var v = 0; v < verificationKeys.Length; v++)
        {
            verificationKeys[v] = DkgMath.Evaluate(aggregate, DkgMath.ShareIndex(v));
        }

        return new DkgResult(parameters.ContextBytes, parameters.Threshold, [.. qualified.Select(d => d.Dealer)], aggregate[0], verificationKeys);
    }

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteU8(Version);
        writer.WriteBytes(_context);
        writer.WriteU16((ushort)Threshold);
        writer.WriteCount(Qualified.Count);
        foreach (var dealer in Qualified)
        {
            writer.WriteU16(dealer);
        }

        GroupEncoding.Write(writer, PublicKey);
        writer.WriteCount(VerificationKeys.Count);
        foreach (var key in VerificationKeys)
        {
            GroupEncoding.Write(writer, key);
        }
    }

    /// <summary>
    /// Reads a stored result, checking its shape (threshold, dealers ascending and in range, at least a threshold of them).
    /// It cannot check that the keys came from a key generation: a decoded result is as good as where it was kept.
    /// </summary>
    public static DkgResult Decode(ref CanonicalReader reader)
    {
        reader.ExpectVersion(Version, "dkg result");
        var context = reader.ReadBytes(DkgParameters.MaxContextLength, "dkg result context").ToArray();
        var threshold = reader.ReadU16("dkg result threshold");
        var qualified = new ushort[reader.ReadCount(DkgParameters.MaxValidators, "dkg result qualified dealers")];
        for (var q = 0; q < qualified.Length; q++)
        {
            qualified[q] = reader.ReadU16("dkg result qualified dealer");
            if (q > 0 && qualified[q] <= qualified[q - 1])
            {
                throw new EncodingException("dkg result: qualified dealers not strictly ascending");
            }
        }

        var publicKey = GroupEncoding.ReadElement(ref reader, "dkg result public key");
        var keys = new GroupElement[reader.ReadCount(DkgParameters.MaxValidators, "dkg result verification keys")];
        for (var v = 0; v < keys.Length; v++)
        {
            keys[v] = GroupEncoding.ReadElement(ref reader, "dkg result verification key");
        }

        if (threshold < 1 || threshold > keys.Length)
        {
            throw new EncodingException($"dkg result: threshold {threshold} for {keys.Length} validators");
        }

        if (qualified.Length < threshold || (qualified.Length > 0 && qualified[^1] >= keys.Length))
        {
            throw new EncodingException("dkg result: qualified dealers fewer than the threshold or out of range");
        }

        return new DkgResult(context, threshold, qualified, publicKey, keys);
    }
}

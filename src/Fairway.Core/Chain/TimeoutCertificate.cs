using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Core.Chain;

/// <summary>One validator's signed statement that it gave up on a round, and the round of the highest QC it held.</summary>
public readonly record struct TimeoutSignature(ushort Signer, ulong HighQcRound, Signature Signature);

/// <summary>
/// Proof that a quorum of stake timed out in <see cref="Round"/>. The highest QC round it reports bounds what the
/// next leader may extend: a proposal after a TC must build on a QC at least that high.
/// </summary>
public sealed class TimeoutCertificate : ICanonical, IEquatable<TimeoutCertificate>
{
    public const byte Version = 1;

    public TimeoutCertificate(ulong round, IReadOnlyList<TimeoutSignature> signatures)
    {
        ArgumentNullException.ThrowIfNull(signatures);
        // Copy first, then check the copy: the certificate must not change if the caller's list does later.
        var copy = signatures.ToArray();
        for (var i = 1; i < copy.Length; i++)
        {
            if (copy[i].Signer <= copy[i - 1].Signer)
            {
                throw new ArgumentException("certificate signers must be strictly ascending", nameof(signatures));
            }
        }

        Round = round;
        Signatures = copy;
    }

    public ulong Round { get; }

    public IReadOnlyList<TimeoutSignature> Signatures { get; }

    public ulong HighestQcRound => Signatures.Count == 0 ? 0 : Signatures.Max(s => s.HighQcRound);

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteU8(Version);
        writer.WriteU64(Round);
        writer.WriteCount(Signatures.Count);
        foreach (var s in Signatures)
        {
            writer.WriteU16(s.Signer);
            writer.WriteU64(s.HighQcRound);
            writer.WriteSignature(s.Signature);
        }
    }

    public static TimeoutCertificate Decode(ref CanonicalReader reader)
    {
        reader.ExpectVersion(Version, "timeout certificate");
        var round = reader.ReadU64("tc round");
        var count = reader.ReadCount(Limits.SignersMax, "tc signatures");
        var signatures = new TimeoutSignature[count];
        for (var i = 0; i < count; i++)
        {
            var signer = reader.ReadU16("tc signer");
            if (i > 0 && signer <= signatures[i - 1].Signer)
            {
                throw new EncodingException("timeout certificate: signers not strictly ascending");
            }

            signatures[i] = new TimeoutSignature(signer, reader.ReadU64("tc high qc round"), reader.ReadSignature("tc signature"));
        }

        return new TimeoutCertificate(round, signatures);
    }

    public bool Equals(TimeoutCertificate? other) =>
        other is not null && Round == other.Round && Signatures.SequenceEqual(other.Signatures);

    public override bool Equals(object? obj) => Equals(obj as TimeoutCertificate);

    public override int GetHashCode() => HashCode.Combine(Round, Signatures.Count);

    public override string ToString() => $"TC(r{Round}, {Signatures.Count} sigs)";
}

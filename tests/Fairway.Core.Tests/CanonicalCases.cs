using Fairway.Core.Chain;
using Fairway.Core.Encoding;
using Fairway.Core.Merkle;
using Fairway.Core.Proofs;
using FsCheck;
using FsCheck.Fluent;

namespace Fairway.Core.Tests;

/// <summary>One canonical type under test: how to generate values, encode them and decode them.</summary>
internal sealed record CanonicalCase(string Name, Gen<byte[]> ValidEncodings, CanonicalDecoder<object> Decode)
{
    public override string ToString() => Name;

    public static readonly CanonicalCase[] All =
    [
        new("quorum certificate", Generators.QuorumCertificate.Select(Canonical.Encode),
            (ref CanonicalReader r) => QuorumCertificate.Decode(ref r)),
        new("timeout certificate", Generators.TimeoutCertificate.Select(Canonical.Encode),
            (ref CanonicalReader r) => TimeoutCertificate.Decode(ref r)),
        new("block", Generators.Block.Select(Canonical.Encode),
            (ref CanonicalReader r) => Block.Decode(ref r)),
        new("transaction", Generators.Transaction.Select(Canonical.Encode),
            (ref CanonicalReader r) => Transaction.Decode(ref r)),
        new("merkle proof", Generators.MerkleProof.Select(Canonical.Encode),
            (ref CanonicalReader r) => MerkleProof.Decode(ref r)),
        new("batch header", ProofGenerators.BatchHeader.Select(Canonical.Encode),
            (ref CanonicalReader r) => BatchHeader.Decode(ref r)),
        new("namespace range proof", ProofGenerators.RangeProof(int.MaxValue, 6).Select(Canonical.Encode),
            (ref CanonicalReader r) => NamespaceRangeProof.Decode(ref r)),
        new("namespace proof", ProofGenerators.NamespaceProof.Select(Canonical.Encode),
            (ref CanonicalReader r) => NamespaceProof.Decode(ref r)),
        new("transaction proof", ProofGenerators.TransactionProof.Select(Canonical.Encode),
            (ref CanonicalReader r) => TransactionProof.Decode(ref r)),
        new("output header", ProofGenerators.OutputHeader.Select(Canonical.Encode),
            (ref CanonicalReader r) => Output.OutputHeader.Decode(ref r)),
        new("output certificate", ProofGenerators.OutputCertificate.Select(Canonical.Encode),
            (ref CanonicalReader r) => Output.OutputCertificate.Decode(ref r)),
    ];

    public static TheoryData<string> Names
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var c in All)
            {
                data.Add(c.Name);
            }

            return data;
        }
    }

    public static CanonicalCase Named(string name) => All.Single(c => c.Name == name);

    /// <summary>Decodes the whole buffer, refusing trailing bytes.</summary>
    public object DecodeAll(byte[] bytes) => Canonical.Decode(bytes, Decode, Name);

    /// <summary>Decodes one value from the front of the buffer, with no trailing-byte check.</summary>
    public object DecodePrefix(byte[] bytes)
    {
        var reader = new CanonicalReader(bytes);
        return Decode(ref reader);
    }
}

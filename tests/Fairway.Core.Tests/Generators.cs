using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Merkle;
using FsCheck;
using FsCheck.Fluent;

namespace Fairway.Core.Tests;

/// <summary>FsCheck generators for the core types. Signatures are random bytes: encoding never checks them.</summary>
internal static class Generators
{
    public static Gen<byte> Byte => Gen.Choose(0, 255).Select(b => (byte)b);

    /// <summary>Random bytes of a given length, filled from a generated seed so large arrays stay cheap.</summary>
    public static Gen<byte[]> Bytes(int length) =>
        Gen.Choose(int.MinValue, int.MaxValue).Select(seed =>
        {
            var bytes = new byte[length];
            new Random(seed).NextBytes(bytes);
            return bytes;
        });

    public static Gen<ulong> U64 =>
        Gen.Zip(Gen.Choose(int.MinValue, int.MaxValue), Gen.Choose(int.MinValue, int.MaxValue))
            .Select(p => ((ulong)(uint)p.Item1 << 32) | (uint)p.Item2);

    public static Gen<Hash> Hash => Bytes(Core.Crypto.Hash.Size).Select(b => new Hash(b));

    public static Gen<Signature> Signature => Bytes(Core.Crypto.Signature.Size).Select(b => new Signature(b));

    /// <summary>Distinct signer indices in ascending order, as certificates require.</summary>
    public static Gen<ushort[]> Signers =>
        Gen.ListOf(Gen.Choose(0, Limits.SignersMax - 1))
            .Select(xs => xs.Distinct().Order().Select(x => (ushort)x).ToArray());

    public static Gen<QuorumCertificate> QuorumCertificate =>
        from round in U64
        from blockHash in Hash
        from signers in Signers
        from sigs in Gen.ArrayOf(Signature, signers.Length)
        select new QuorumCertificate(round, blockHash, signers.Zip(sigs, (s, g) => new SignerSignature(s, g)).ToArray());

    public static Gen<TimeoutCertificate> TimeoutCertificate =>
        from round in U64
        from signers in Signers
        from highs in Gen.ArrayOf(U64, signers.Length)
        from sigs in Gen.ArrayOf(Signature, signers.Length)
        select new TimeoutCertificate(
            round, signers.Select((s, i) => new TimeoutSignature(s, highs[i], sigs[i])).ToArray());

    public static Gen<Block> Block =>
        from chainId in Hash
        from round in U64
        from height in U64
        from author in Gen.Choose(0, ushort.MaxValue)
        from timestamp in U64
        from justify in QuorumCertificate
        from hasTimeout in Gen.Elements(true, false)
        from timeout in TimeoutCertificate
        from digests in Gen.ListOf(Hash)
        select new Block(chainId, round, height, (ushort)author, timestamp, justify, hasTimeout ? timeout : null, digests.ToArray());

    public static Gen<Transaction> Transaction =>
        from ns in U64
        from big in Gen.Frequency((9, Gen.Constant(false)), (1, Gen.Constant(true)))
        from length in big ? Gen.Choose(0, Limits.TransactionPayloadBytesMax) : Gen.Choose(0, 200)
        from payload in Bytes(length)
        select new Transaction(ns, payload);

    public static Gen<MerkleProof> MerkleProof =>
        from count in Gen.Choose(1, MerkleProofCountMaxForTests)
        from index in Gen.Choose(0, count - 1)
        from siblingCount in Gen.Choose(0, Merkle.MerkleProof.SiblingsMax)
        from siblings in Gen.ArrayOf(Hash, siblingCount)
        select new MerkleProof(index, count, siblings);

    private const int MerkleProofCountMaxForTests = int.MaxValue;
}

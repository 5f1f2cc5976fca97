using BenchmarkDotNet.Attributes;
using Fairway.Core.Crypto;
using Fairway.Core.Merkle;

namespace Fairway.Benchmarks;

/// <summary>Merkle root and inclusion proof over 10,000 leaves (roughly one block of transactions).</summary>
[MemoryDiagnoser]
public class MerkleBenchmarks
{
    private const int LeafCount = 10_000;
    private const int ProvenLeaf = 6_789;

    private Hash[] _leaves = null!;
    private Hash _root;
    private MerkleProof _proof = null!;

    [GlobalSetup]
    public void Setup()
    {
        _leaves = new Hash[LeafCount];
        Span<byte> data = stackalloc byte[64];
        for (var i = 0; i < LeafCount; i++)
        {
            BitConverter.TryWriteBytes(data, i);
            _leaves[i] = MerkleTree.LeafHash(data);
        }

        _root = MerkleTree.ComputeRoot(_leaves);
        _proof = MerkleTree.CreateProof(_leaves, ProvenLeaf);
        if (!_proof.Verify(_root, _leaves[ProvenLeaf]))
        {
            throw new InvalidOperationException("proof does not verify");
        }
    }

    [Benchmark(Description = "ComputeRoot, 10k leaves")]
    public Hash ComputeRoot() => MerkleTree.ComputeRoot(_leaves);

    [Benchmark(Description = "CreateProof, 10k leaves")]
    public MerkleProof CreateProof() => MerkleTree.CreateProof(_leaves, ProvenLeaf);

    [Benchmark(Description = "Verify proof, 10k leaves")]
    public bool VerifyProof() => _proof.Verify(_root, _leaves[ProvenLeaf]);

    [Benchmark(Description = "CreateProof + Verify, 10k leaves")]
    public bool CreateAndVerifyProof() => MerkleTree.CreateProof(_leaves, ProvenLeaf).Verify(_root, _leaves[ProvenLeaf]);
}

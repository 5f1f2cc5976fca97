using System.Buffers.Binary;
using Fairway.Core.Crypto;
using Fairway.Core.Merkle;

namespace Fairway.Core.Tests;

public class MerkleTreeTests
{
    private static Hash[] Leaves(int count, string tag = "leaf") =>
        Enumerable.Range(0, count).Select(i => MerkleTree.LeafHash(System.Text.Encoding.UTF8.GetBytes($"{tag}-{i}"))).ToArray();

    /// <summary>RFC 6962's recursive definition, written independently of the iterative code, then the count-binding root.</summary>
    private static Hash ReferenceRoot(IReadOnlyList<Hash> leaves)
    {
        var prefix = new byte[9];
        prefix[0] = 0x02;
        BinaryPrimitives.WriteUInt64LittleEndian(prefix.AsSpan(1), (ulong)leaves.Count);
        return leaves.Count == 0 ? Hash.Compute(prefix) : Hash.Compute([.. prefix, .. ReferenceTop(leaves.ToArray()).ToArray()]);
    }

    private static Hash ReferenceTop(Hash[] leaves)
    {
        if (leaves.Length == 1)
        {
            return leaves[0];
        }

        var k = 1;
        while (k * 2 < leaves.Length)
        {
            k *= 2;
        }

        return Hash.Compute([0x01, .. ReferenceTop(leaves[..k]).ToArray(), .. ReferenceTop(leaves[k..]).ToArray()]);
    }

    [Fact]
    public void Leaf_and_inner_hashes_are_domain_separated()
    {
        Assert.Equal(Hash.Compute([0x00, 1, 2, 3]), MerkleTree.LeafHash([1, 2, 3]));
        var a = Hash.Compute("a"u8);
        var b = Hash.Compute("b"u8);
        Assert.Equal(Hash.Compute([0x01, .. a.ToArray(), .. b.ToArray()]), MerkleTree.InnerHash(a, b));
        Assert.NotEqual(MerkleTree.InnerHash(a, b), MerkleTree.LeafHash([.. a.ToArray(), .. b.ToArray()]));
    }

    [Fact]
    public void Leaf_hash_of_large_data_matches_small_data_path()
    {
        var data = new byte[10_000];
        new Random(1).NextBytes(data);
        Assert.Equal(Hash.Compute([0x00, .. data]), MerkleTree.LeafHash(data));
    }

    [Fact]
    public void Empty_tree_root_is_the_documented_constant()
    {
        Assert.Equal(Hash.Compute([0x02, 0, 0, 0, 0, 0, 0, 0, 0]), MerkleTree.EmptyRoot);
        Assert.Equal(MerkleTree.EmptyRoot, MerkleTree.ComputeRoot([]));
    }

    [Fact]
    public void Root_matches_the_recursive_RFC_6962_definition_for_sizes_0_to_70_and_some_large_sizes()
    {
        foreach (var n in Enumerable.Range(0, 71).Concat([127, 128, 129, 1000, 1023, 1024, 1025]))
        {
            var leaves = Leaves(n);
            Assert.Equal(ReferenceRoot(leaves), MerkleTree.ComputeRoot(leaves));
        }
    }

    [Fact]
    public void Root_commits_to_the_leaf_count()
    {
        // A two-leaf tree whose first "leaf" is the parent of leaves 0 and 1 has the same top node as the
        // three-leaf tree; binding the count into the root still tells them apart.
        var leaves = Leaves(3);
        var two = new[] { MerkleTree.InnerHash(leaves[0], leaves[1]), leaves[2] };
        Assert.NotEqual(MerkleTree.ComputeRoot(leaves), MerkleTree.ComputeRoot(two));
    }

    [Fact]
    public void Root_changes_when_any_leaf_changes_or_leaves_are_swapped()
    {
        var leaves = Leaves(9);
        var root = MerkleTree.ComputeRoot(leaves);
        for (var i = 0; i < leaves.Length; i++)
        {
            var changed = (Hash[])leaves.Clone();
            changed[i] = MerkleTree.LeafHash("other"u8);
            Assert.NotEqual(root, MerkleTree.ComputeRoot(changed));
        }

        var swapped = (Hash[])leaves.Clone();
        (swapped[0], swapped[1]) = (swapped[1], swapped[0]);
        Assert.NotEqual(root, MerkleTree.ComputeRoot(swapped));
    }

    [Fact]
    public void Proofs_verify_for_every_index_of_trees_of_1_to_40_leaves()
    {
        for (var n = 1; n <= 40; n++)
        {
            var leaves = Leaves(n);
            var root = MerkleTree.ComputeRoot(leaves);
            for (var i = 0; i < n; i++)
            {
                var proof = MerkleTree.CreateProof(leaves, i);
                Assert.Equal(i, proof.LeafIndex);
                Assert.Equal(n, proof.LeafCount);
                Assert.True(proof.Verify(root, leaves[i]), $"leaf {i} of {n}");
            }
        }
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(1024)]
    [InlineData(1025)]
    [InlineData(10_000)]
    public void Proofs_verify_in_large_trees(int n)
    {
        var leaves = Leaves(n);
        var root = MerkleTree.ComputeRoot(leaves);
        foreach (var i in new[] { 0, 1, n / 2, n - 2, n - 1 }.Concat(Enumerable.Range(0, 50).Select(k => k * 7919 % n)))
        {
            var proof = MerkleTree.CreateProof(leaves, i);
            Assert.True(proof.Verify(root, leaves[i]), $"leaf {i} of {n}");
            Assert.True(proof.Siblings.Count <= 14);
        }
    }

    [Fact]
    public void Proof_with_wrong_index_is_rejected()
    {
        ForEveryProof((leaves, root, proof) =>
        {
            for (var other = 0; other < proof.LeafCount; other++)
            {
                if (other != proof.LeafIndex)
                {
                    var moved = new MerkleProof(other, proof.LeafCount, proof.Siblings);
                    Assert.False(moved.Verify(root, leaves[proof.LeafIndex]));
                }
            }
        });
    }

    [Fact]
    public void Proof_with_wrong_leaf_is_rejected()
    {
        ForEveryProof((leaves, root, proof) =>
        {
            Assert.False(proof.Verify(root, MerkleTree.LeafHash("not a leaf"u8)));
            foreach (var other in leaves.Where(l => l != leaves[proof.LeafIndex]))
            {
                Assert.False(proof.Verify(root, other));
            }
        });
    }

    [Fact]
    public void Proof_with_wrong_sibling_is_rejected()
    {
        ForEveryProof((leaves, root, proof) =>
        {
            for (var s = 0; s < proof.Siblings.Count; s++)
            {
                var siblings = proof.Siblings.ToArray();
                var bytes = siblings[s].ToArray();
                bytes[31] ^= 1;
                siblings[s] = new Hash(bytes);
                Assert.False(new MerkleProof(proof.LeafIndex, proof.LeafCount, siblings).Verify(root, leaves[proof.LeafIndex]));
            }
        });
    }

    [Fact]
    public void Truncated_proof_is_rejected()
    {
        ForEveryProof((leaves, root, proof) =>
        {
            for (var keep = 0; keep < proof.Siblings.Count; keep++)
            {
                var shorter = new MerkleProof(proof.LeafIndex, proof.LeafCount, proof.Siblings.Take(keep).ToArray());
                Assert.False(shorter.Verify(root, leaves[proof.LeafIndex]));
            }
        });
    }

    [Fact]
    public void Proof_with_an_extra_sibling_is_rejected()
    {
        ForEveryProof((leaves, root, proof) =>
        {
            var extra = MerkleTree.LeafHash("extra"u8);
            var appended = new MerkleProof(proof.LeafIndex, proof.LeafCount, [.. proof.Siblings, extra]);
            var prepended = new MerkleProof(proof.LeafIndex, proof.LeafCount, [extra, .. proof.Siblings]);
            Assert.False(appended.Verify(root, leaves[proof.LeafIndex]));
            Assert.False(prepended.Verify(root, leaves[proof.LeafIndex]));
        });
    }

    [Fact]
    public void Proof_with_wrong_leaf_count_is_rejected()
    {
        ForEveryProof((leaves, root, proof) =>
        {
            for (var count = proof.LeafIndex + 1; count <= 80; count++)
            {
                if (count != proof.LeafCount)
                {
                    var resized = new MerkleProof(proof.LeafIndex, count, proof.Siblings);
                    Assert.False(resized.Verify(root, leaves[proof.LeafIndex]), $"leaf {proof.LeafIndex} of {proof.LeafCount} claimed as of {count}");
                }
            }
        });
    }

    [Fact]
    public void Proof_for_another_root_is_rejected()
    {
        ForEveryProof((leaves, root, proof) =>
        {
            var otherRoot = MerkleTree.ComputeRoot(Leaves(leaves.Length, "other"));
            Assert.False(proof.Verify(otherRoot, leaves[proof.LeafIndex]));
            Assert.False(proof.Verify(MerkleTree.EmptyRoot, leaves[proof.LeafIndex]));
        });
    }

    [Fact]
    public void Create_proof_refuses_an_index_outside_the_tree()
    {
        var leaves = Leaves(3);
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.CreateProof(leaves, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.CreateProof(leaves, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.CreateProof([], 0));
    }

    [Fact]
    public void Proof_constructor_refuses_impossible_shapes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MerkleProof(0, 0, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MerkleProof(3, 3, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MerkleProof(-1, 3, []));
        Assert.Throws<ArgumentException>(() => new MerkleProof(0, 3, new Hash[MerkleProof.SiblingsMax + 1]));
    }

    [Fact]
    public void Proof_with_arbitrary_position_and_siblings_is_rejected_without_throwing() =>
        Property.Holds(Generators.MerkleProof, proof => !proof.Verify(MerkleTree.ComputeRoot(Leaves(5)), Leaves(5)[0]));

    private static void ForEveryProof(Action<Hash[], Hash, MerkleProof> check)
    {
        foreach (var n in new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 16, 17, 31, 33 })
        {
            var leaves = Leaves(n);
            var root = MerkleTree.ComputeRoot(leaves);
            for (var i = 0; i < n; i++)
            {
                check(leaves, root, MerkleTree.CreateProof(leaves, i));
            }
        }
    }
}

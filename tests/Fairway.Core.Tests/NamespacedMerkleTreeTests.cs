using System.Buffers.Binary;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Merkle;

namespace Fairway.Core.Tests;

public class NamespacedMerkleTreeTests
{
    private static Hash H(string s) => Hash.Compute(System.Text.Encoding.UTF8.GetBytes(s));

    private static byte[] U64(ulong v)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, v);
        return b;
    }

    /// <summary>Random leaves: namespaces drawn from a few values spaced 10 apart (so gaps exist between them).</summary>
    private static NamespacedLeaf[] RandomLeaves(Random random, int count, int namespaces) =>
        Enumerable.Range(0, count)
            .Select(i => new NamespacedLeaf((ulong)(10 + (10 * random.Next(namespaces))), H($"tx-{random.Next()}-{i}")))
            .ToArray();

    // ---- An independent reference: the definition written recursively, straight from the spec. ----

    private static (ulong Min, ulong Max, Hash Digest) RefLeaf(NamespacedLeaf l) =>
        (l.Namespace, l.Namespace, Hash.Compute([0x00, .. U64(l.Namespace), .. l.TransactionHash.ToArray()]));

    private static (ulong Min, ulong Max, Hash Digest) RefTop(NamespacedLeaf[] sorted)
    {
        if (sorted.Length == 1)
        {
            return RefLeaf(sorted[0]);
        }

        var k = 1;
        while (k * 2 < sorted.Length)
        {
            k *= 2;
        }

        var l = RefTop(sorted[..k]);
        var r = RefTop(sorted[k..]);
        byte[] data = [0x01, .. U64(l.Min), .. U64(l.Max), .. l.Digest.ToArray(), .. U64(r.Min), .. U64(r.Max), .. r.Digest.ToArray()];
        return (l.Min, r.Max, Hash.Compute(data));
    }

    private static Hash RefRoot(NamespacedLeaf[] leaves)
    {
        // A stable sort written differently from the tree's: by (namespace, original position).
        var sorted = leaves.Select((l, i) => (l, i)).OrderBy(p => p.l.Namespace).ThenBy(p => p.i).Select(p => p.l).ToArray();
        if (sorted.Length == 0)
        {
            return Hash.Compute([0x02, .. U64(0)]);
        }

        var top = RefTop(sorted);
        return Hash.Compute([0x02, .. U64((ulong)sorted.Length), .. U64(top.Min), .. U64(top.Max), .. top.Digest.ToArray()]);
    }

    [Fact]
    public void Empty_tree_root_is_the_documented_constant()
    {
        Assert.Equal(Hash.Compute([0x02, 0, 0, 0, 0, 0, 0, 0, 0]), NamespacedMerkleTree.EmptyRoot);
        Assert.Equal(NamespacedMerkleTree.EmptyRoot, new NamespacedMerkleTree([]).Root);
        Assert.NotEqual(MerkleTree.EmptyRoot, Hash.Zero);
    }

    [Fact]
    public void Leaf_and_inner_nodes_hash_as_specified()
    {
        var tx = H("a");
        var leaf = NamespacedMerkleTree.LeafNode(7, tx);
        Assert.Equal(Hash.Compute([0x00, .. U64(7), .. tx.ToArray()]), leaf.Digest);
        Assert.Equal((7ul, 7ul), (leaf.MinNamespace, leaf.MaxNamespace));
        var right = NamespacedMerkleTree.LeafNode(9, H("b"));
        var inner = NamespacedMerkleTree.InnerNode(leaf, right);
        Assert.Equal((7ul, 9ul), (inner.MinNamespace, inner.MaxNamespace));
        Assert.Equal(
            Hash.Compute([0x01, .. U64(7), .. U64(7), .. leaf.Digest.ToArray(), .. U64(9), .. U64(9), .. right.Digest.ToArray()]),
            inner.Digest);
    }

    [Fact]
    public void Root_matches_the_recursive_reference_for_random_trees_of_every_small_size()
    {
        var random = new Random(1234);
        for (var n = 0; n <= 70; n++)
        {
            for (var trial = 0; trial < 3; trial++)
            {
                var leaves = RandomLeaves(random, n, 1 + random.Next(6));
                Assert.Equal(RefRoot(leaves), new NamespacedMerkleTree(leaves).Root);
            }
        }
    }

    [Fact]
    public void The_streaming_root_of_sorted_transactions_equals_the_full_trees_root_for_every_size_up_to_300()
    {
        var random = new Random(5);
        for (var n = 0; n <= 300; n++)
        {
            var sorted = Enumerable.Range(0, n)
                .Select(i => new Chain.Transaction((ulong)random.Next(6), BitConverter.GetBytes(i * 7919 + n)))
                .OrderBy(t => t.Namespace)
                .ToList();
            Assert.Equal(NamespacedMerkleTree.FromTransactions(sorted).Root, NamespacedMerkleTree.RootOfSorted(sorted));
        }

        Assert.Throws<ArgumentException>(() => NamespacedMerkleTree.RootOfSorted([new Chain.Transaction(2, new byte[1]), new Chain.Transaction(1, new byte[1])]));
    }

    [Fact]
    public void Sort_is_stable_within_a_namespace()
    {
        NamespacedLeaf[] leaves = [new(5, H("x1")), new(3, H("y1")), new(5, H("x2")), new(3, H("y2")), new(5, H("x3"))];
        var tree = new NamespacedMerkleTree(leaves);
        Assert.Equal(["y1", "y2", "x1", "x2", "x3"], tree.Leaves.Select(l => Name(l.TransactionHash)));

        static string Name(Hash h) => new[] { "x1", "x2", "x3", "y1", "y2" }.Single(s => H(s) == h);
    }

    [Fact]
    public void Root_depends_on_the_order_within_a_namespace_and_on_the_namespace()
    {
        NamespacedLeaf[] a = [new(1, H("p")), new(1, H("q"))];
        NamespacedLeaf[] b = [new(1, H("q")), new(1, H("p"))];
        NamespacedLeaf[] c = [new(1, H("p")), new(2, H("q"))];
        Assert.NotEqual(new NamespacedMerkleTree(a).Root, new NamespacedMerkleTree(b).Root);
        Assert.NotEqual(new NamespacedMerkleTree(a).Root, new NamespacedMerkleTree(c).Root);
    }

    [Fact]
    public void Every_namespace_proof_of_random_trees_verifies_present_or_absent()
    {
        var random = new Random(42);
        for (var n = 0; n <= 80; n++)
        {
            var leaves = RandomLeaves(random, n, 1 + random.Next(8));
            var tree = new NamespacedMerkleTree(leaves);
            // Present ones are multiples of 10 from 10 to 80; the rest probe below all, between and above all.
            for (ulong ns = 0; ns <= 95; ns += 5)
            {
                var proof = tree.ProveNamespace(ns);
                var run = tree.Leaves.Skip(proof.Start).Take(proof.RangeLength).Select(l => l.TransactionHash).ToArray();
                var expected = leaves.Where(l => l.Namespace == ns).Select(l => l.TransactionHash).ToArray();
                Assert.Equal(expected, run);
                Assert.True(proof.VerifyNamespace(tree.Root, ns, run), $"n={n} ns={ns}");
                Assert.Equal(proof, Canonical.Decode(Canonical.Encode(proof), NamespaceRangeProof.Decode, "proof"));
            }
        }
    }

    [Theory]
    [InlineData(0ul)] // below every namespace
    [InlineData(25ul)] // between two
    [InlineData(ulong.MaxValue)] // above every namespace
    public void Absence_proofs_verify_with_no_leaves_and_fail_with_any(ulong ns)
    {
        NamespacedLeaf[] leaves = [new(10, H("a")), new(20, H("b")), new(20, H("c")), new(30, H("d")), new(40, H("e"))];
        var tree = new NamespacedMerkleTree(leaves);
        var proof = tree.ProveNamespace(ns);
        Assert.Equal(0, proof.RangeLength);
        Assert.True(proof.VerifyNamespace(tree.Root, ns, []));
        Assert.False(proof.VerifyNamespace(tree.Root, ns, [H("a")]));
        Assert.False(proof.VerifyNamespace(tree.Root, 20, []));
    }

    [Fact]
    public void Absence_in_the_empty_tree_verifies()
    {
        var tree = new NamespacedMerkleTree([]);
        var proof = tree.ProveNamespace(3);
        Assert.True(proof.VerifyNamespace(NamespacedMerkleTree.EmptyRoot, 3, []));
        Assert.False(proof.VerifyNamespace(H("other root"), 3, []));
    }

    [Fact]
    public void An_absence_claim_for_a_present_namespace_fails_at_every_position()
    {
        var random = new Random(7);
        var leaves = RandomLeaves(random, 37, 4);
        var tree = new NamespacedMerkleTree(leaves);
        foreach (var ns in leaves.Select(l => l.Namespace).Distinct())
        {
            for (var p = 0; p <= tree.Count; p++)
            {
                Assert.False(tree.ProveRange(p, p).VerifyNamespace(tree.Root, ns, []), $"ns={ns} p={p}");
            }
        }
    }

    [Fact]
    public void A_range_missing_a_leaf_or_holding_an_extra_one_fails_completeness()
    {
        NamespacedLeaf[] leaves = [new(1, H("a")), new(2, H("b")), new(2, H("c")), new(2, H("d")), new(3, H("e")), new(3, H("f"))];
        var tree = new NamespacedMerkleTree(leaves);
        var (start, end) = tree.RangeOf(2);
        Assert.Equal((1, 4), (start, end));
        Hash[] run = [H("b"), H("c"), H("d")];
        Assert.True(tree.ProveRange(start, end).VerifyNamespace(tree.Root, 2, run));

        // Honest sub-ranges and super-ranges: the hashes are genuine leaves, but the run is not the whole namespace.
        Assert.False(tree.ProveRange(start + 1, end).VerifyNamespace(tree.Root, 2, run[1..]));
        Assert.False(tree.ProveRange(start, end - 1).VerifyNamespace(tree.Root, 2, run[..^1]));
        Assert.False(tree.ProveRange(start, end + 1).VerifyNamespace(tree.Root, 2, [.. run, H("e")]));
        Assert.False(tree.ProveRange(start - 1, end).VerifyNamespace(tree.Root, 2, [H("a"), .. run]));

        // The right proof with the wrong leaves.
        var proof = tree.ProveRange(start, end);
        Assert.False(proof.VerifyNamespace(tree.Root, 2, [H("c"), H("b"), H("d")]));
        Assert.False(proof.VerifyNamespace(tree.Root, 2, [H("b"), H("c"), H("x")]));
        Assert.False(proof.VerifyNamespace(tree.Root, 2, run[..2]));
        Assert.False(proof.VerifyNamespace(tree.Root, 3, run));
    }

    [Fact]
    public void A_sibling_with_forged_namespace_bounds_or_digest_fails()
    {
        var random = new Random(11);
        var leaves = RandomLeaves(random, 50, 5);
        var tree = new NamespacedMerkleTree(leaves);
        const ulong ns = 30;
        var proof = tree.ProveNamespace(ns);
        var run = tree.Leaves.Skip(proof.Start).Take(proof.RangeLength).Select(l => l.TransactionHash).ToArray();
        Assert.True(proof.VerifyNamespace(tree.Root, ns, run));
        for (var i = 0; i < proof.Siblings.Count; i++)
        {
            var s = proof.Siblings[i];
            foreach (var forged in new[]
            {
                s with { Digest = H("forged") },
                s with { MinNamespace = s.MinNamespace - 1 },
                s with { MaxNamespace = s.MaxNamespace + 1 },
            })
            {
                var siblings = proof.Siblings.ToArray();
                siblings[i] = forged;
                Assert.False(new NamespaceRangeProof(proof.LeafCount, proof.Start, proof.End, siblings).VerifyNamespace(tree.Root, ns, run));
            }
        }

        // Missing, extra or reordered siblings, and a wrong leaf count.
        Assert.False(new NamespaceRangeProof(proof.LeafCount, proof.Start, proof.End, proof.Siblings.Skip(1).ToArray()).VerifyNamespace(tree.Root, ns, run));
        Assert.False(new NamespaceRangeProof(proof.LeafCount, proof.Start, proof.End, [.. proof.Siblings, proof.Siblings[0]]).VerifyNamespace(tree.Root, ns, run));
        Assert.False(new NamespaceRangeProof(proof.LeafCount, proof.Start, proof.End, proof.Siblings.Reverse().ToArray()).VerifyNamespace(tree.Root, ns, run));
        Assert.False(new NamespaceRangeProof(proof.LeafCount + 1, proof.Start, proof.End, proof.Siblings).VerifyNamespace(tree.Root, ns, run));
    }

    [Fact]
    public void Inclusion_proofs_verify_for_every_leaf_and_only_for_it()
    {
        var random = new Random(99);
        for (var n = 1; n <= 40; n++)
        {
            var leaves = RandomLeaves(random, n, 3);
            var tree = new NamespacedMerkleTree(leaves);
            for (var i = 0; i < n; i++)
            {
                var leaf = tree.Leaves[i];
                var proof = tree.ProveLeaf(i);
                Assert.True(proof.VerifyInclusion(tree.Root, leaf.Namespace, leaf.TransactionHash));
                Assert.False(proof.VerifyInclusion(tree.Root, leaf.Namespace + 1, leaf.TransactionHash));
                Assert.False(proof.VerifyInclusion(tree.Root, leaf.Namespace, H("not a leaf")));
                Assert.False(proof.VerifyInclusion(H("another root"), leaf.Namespace, leaf.TransactionHash));
                if (i + 1 < n)
                {
                    var next = tree.Leaves[i + 1];
                    Assert.False(proof.VerifyInclusion(tree.Root, next.Namespace, next.TransactionHash));
                }
            }
        }
    }

    [Fact]
    public void A_range_proof_of_length_other_than_one_is_not_an_inclusion_proof()
    {
        var tree = new NamespacedMerkleTree([new(1, H("a")), new(1, H("b"))]);
        Assert.False(tree.ProveRange(0, 2).VerifyInclusion(tree.Root, 1, H("a")));
        Assert.False(tree.ProveRange(0, 0).VerifyInclusion(tree.Root, 1, H("a")));
    }

    [Fact]
    public void Range_proofs_stay_logarithmic()
    {
        var random = new Random(5);
        var tree = new NamespacedMerkleTree(RandomLeaves(random, 5000, 20));
        for (ulong ns = 5; ns <= 215; ns += 5)
        {
            Assert.True(tree.ProveNamespace(ns).Siblings.Count <= 2 * 13);
        }
    }

    [Fact]
    public void Decoder_refuses_a_range_outside_the_tree_and_a_node_with_min_above_max()
    {
        var bytes = Canonical.Encode(new NamespaceRangeProof(4, 1, 2, [new NamespacedNode(3, 3, H("s"))]));
        var badRange = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(badRange.AsSpan(1 + 4 + 4), 5); // end beyond the leaf count
        Assert.Throws<EncodingException>(() => Canonical.Decode(badRange, NamespaceRangeProof.Decode, "proof"));
        var badNode = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(badNode.AsSpan(1 + 12 + 4), 4); // min 4 > max 3
        Assert.Throws<EncodingException>(() => Canonical.Decode(badNode, NamespaceRangeProof.Decode, "proof"));
        var tooMany = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(tooMany.AsSpan(1 + 12), NamespaceRangeProof.SiblingsMax + 1);
        Assert.Throws<EncodingException>(() => Canonical.Decode(tooMany, NamespaceRangeProof.Decode, "proof"));
    }
}

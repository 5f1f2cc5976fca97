using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Output;
using Fairway.Core.Proofs;
using Fairway.Ordering.Output;

namespace Fairway.Ordering.Tests;

public class OrderingStageTests
{
    private static readonly Hash ChainId = Hash.Compute("ordering tests"u8);
    private static readonly OrderingStage Stage = new(ChainId, NamespaceRegistry.FcfsOnly);

    private static Transaction Tx(ulong ns, string payload) => new(ns, System.Text.Encoding.UTF8.GetBytes(payload));

    private static Block BlockOf(ulong height, params Batch[] batches) =>
        new(ChainId, height + 3, height, 0, 1, new QuorumCertificate(height + 2, Hash.Compute("parent"u8), []), null, [.. batches.Select(b => b.Digest)]);

    [Fact]
    public void The_output_groups_namespaces_in_ascending_order_each_in_the_blocks_arrival_order_without_repeats()
    {
        var (a, b, c, x, y) = (Tx(5, "a"), Tx(5, "b"), Tx(5, "c"), Tx(2, "x"), Tx(9, "y"));
        var first = new Batch(ChainId, 0, 1, [a, y, b, a]);
        var second = new Batch(ChainId, 1, 1, [x, c, b]);
        var block = BlockOf(1, first, second);

        var (output, next) = Stage.Order(block, [first, second], OrderingState.Genesis);

        Assert.Equal([x, a, b, c, y], output.Transactions);
        // Each output transaction points back at its first place in the block's batches.
        Assert.Equal([new OutputSource(1, 0), new OutputSource(0, 0), new OutputSource(0, 2), new OutputSource(1, 1), new OutputSource(0, 1)], output.Sources);
        Assert.Equal(output.Transactions, BlockOutput.Rebuild(output.Header, [first, second], output.Sources).Transactions);
        Assert.Equal((1UL, output.Header.Hash), (next.Height, next.OutputHash));
        Assert.Equal(block.Hash, output.Header.BlockHash);
        Assert.Equal(Hash.Zero, output.Header.PreviousOutputHash);
    }

    [Fact]
    public void Output_headers_chain_and_the_same_block_always_gives_the_same_output()
    {
        var batch = new Batch(ChainId, 0, 1, [Tx(1, "p"), Tx(0, "q")]);
        var (one, state) = Stage.Order(BlockOf(1, batch), [batch], OrderingState.Genesis);
        var (two, _) = Stage.Order(BlockOf(2), [], state);
        var (again, _) = new OrderingStage(ChainId, NamespaceRegistry.FcfsOnly).Order(BlockOf(1, batch), [batch], OrderingState.Genesis);

        Assert.Equal(one.Header.Hash, two.Header.PreviousOutputHash);
        Assert.Equal(one.Header, again.Header);
        Assert.Equal(0, two.Header.TransactionCount);
    }

    [Fact]
    public void Every_position_of_the_output_is_provable_against_its_header()
    {
        var random = new Random(11);
        var batches = Enumerable.Range(0, 5).Select(b => new Batch(ChainId, (ushort)b, 1,
            [.. Enumerable.Range(0, 30).Select(i => Tx((ulong)random.Next(4), $"{b}-{i}-{random.Next(40)}"))])).ToArray();
        var (output, _) = Stage.Order(BlockOf(1, batches), batches, OrderingState.Genesis);
        var proofs = new OutputProofBuilder(output);

        for (var i = 0; i < output.Transactions.Count; i++)
        {
            var proof = proofs.ForTransaction(output.Transactions[i].Hash)!;
            Assert.Equal(i, proof.Index);
            Assert.True(proof.Verify(output.Header, output.Transactions[i]));
        }
    }

    [Fact]
    public void A_block_out_of_height_order_or_with_other_batches_is_refused()
    {
        var batch = new Batch(ChainId, 0, 1, [Tx(1, "p")]);
        var other = new Batch(ChainId, 0, 2, [Tx(1, "q")]);

        Assert.Throws<ArgumentException>(() => Stage.Order(BlockOf(2, batch), [batch], OrderingState.Genesis));
        Assert.Throws<ArgumentException>(() => Stage.Order(BlockOf(1, batch), [other], OrderingState.Genesis));
        Assert.Throws<ArgumentException>(() => Stage.Order(BlockOf(1, batch), [], OrderingState.Genesis));
    }

    private sealed class ReversingPolicy : IOrderingPolicy
    {
        public string Name => "reverse";

        public string Description => "test only";

        public IReadOnlyList<OrderingCandidate> Order(ulong @namespace, IReadOnlyList<OrderingCandidate> inBlockOrder) => [.. inBlockOrder.Reverse()];
    }

    private sealed class DroppingPolicy : IOrderingPolicy
    {
        public string Name => "drop";

        public string Description => "test only";

        public IReadOnlyList<OrderingCandidate> Order(ulong @namespace, IReadOnlyList<OrderingCandidate> inBlockOrder) => [.. inBlockOrder.Skip(1)];
    }

    private sealed class DoublingPolicy : IOrderingPolicy
    {
        public string Name => "double";

        public string Description => "test only";

        public IReadOnlyList<OrderingCandidate> Order(ulong @namespace, IReadOnlyList<OrderingCandidate> inBlockOrder) => [.. inBlockOrder.Skip(1), inBlockOrder[1]];
    }

    [Fact]
    public void Each_namespace_gets_its_declared_policy_and_the_rest_the_default()
    {
        var registry = new NamespaceRegistry(FcfsPolicy.Instance, [new NamespaceDeclaration(5, "reversed", new ReversingPolicy())]);
        var (a, b, p, q) = (Tx(5, "a"), Tx(5, "b"), Tx(6, "p"), Tx(6, "q"));
        var batch = new Batch(ChainId, 0, 1, [a, p, b, q]);

        var (output, _) = new OrderingStage(ChainId, registry).Order(BlockOf(1, batch), [batch], OrderingState.Genesis);

        Assert.Equal([b, a, p, q], output.Transactions);
    }

    [Fact]
    public void A_policy_that_drops_or_repeats_a_transaction_is_caught_before_its_output_exists()
    {
        var batch = new Batch(ChainId, 0, 1, [Tx(5, "a"), Tx(5, "b"), Tx(5, "c")]);
        foreach (IOrderingPolicy policy in new IOrderingPolicy[] { new DroppingPolicy(), new DoublingPolicy() })
        {
            var stage = new OrderingStage(ChainId, new NamespaceRegistry(policy, []));
            Assert.Throws<InvalidOperationException>(() => stage.Order(BlockOf(1, batch), [batch], OrderingState.Genesis));
        }
    }

    [Fact]
    public void The_registry_refuses_a_namespace_declared_twice_and_names_the_known_policies()
    {
        Assert.Throws<ArgumentException>(() => new NamespaceRegistry(FcfsPolicy.Instance,
            [new NamespaceDeclaration(1, "a", FcfsPolicy.Instance), new NamespaceDeclaration(1, "b", FcfsPolicy.Instance)]));
        var e = Assert.Throws<ArgumentException>(() => OrderingPolicies.Get("pga"));
        Assert.Contains("fcfs", e.Message, StringComparison.Ordinal);
        Assert.Same(FcfsPolicy.Instance, OrderingPolicies.Get("fcfs"));
    }
}

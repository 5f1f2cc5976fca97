using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Output;
using Fairway.Core.Proofs;

namespace Fairway.Core.Tests;

/// <summary>
/// Outputs for proof tests, built without the ordering stage (which lives above Core): the given transactions grouped
/// by namespace with a stable sort, which is the output order the stage produces for fcfs.
/// </summary>
internal static class OutputFixture
{
    public static readonly Hash ChainId = Hash.Compute("proof-test-chain"u8);

    public static Transaction Tx(ulong ns, string payload) => new(ns, System.Text.Encoding.UTF8.GetBytes(payload));

    public static BlockOutput OutputOf(IEnumerable<Transaction> arrival, ulong height = 5, string block = "block")
    {
        var ordered = arrival.OrderBy(t => t.Namespace).ToList();
        var header = OutputHeader.Over(ChainId, height, Hash.Compute(System.Text.Encoding.UTF8.GetBytes(block)), Hash.Compute("previous"u8), ordered);
        return new BlockOutput(header, ordered, [.. ordered.Select((_, i) => new OutputSource(0, i))]);
    }

    /// <summary>Transactions over namespaces 1..namespaces, payloads unique per seed, in arrival order.</summary>
    public static List<Transaction> Random(int seed, int count, int namespaces = 4)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(i => Tx((ulong)(1 + random.Next(namespaces)), $"{seed}-{i}"))];
    }

    public static OutputProofBuilder ProofsOf(BlockOutput output) => new(output);
}

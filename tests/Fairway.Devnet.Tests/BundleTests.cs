using System.Text;
using Fairway.Client;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Devnet.Tests;

/// <summary>
/// Atomic bundles on four real validator processes: a bundle with legs in the fair and fcfs namespaces, sent to more
/// than a third of the stake, lands whole in one height, each namespace's legs contiguous and in order, the same at
/// every validator, while a single copy of one leg goes to another validator at the same time.
/// </summary>
[Collection("processes")]
public class BundleTests
{
    private const ulong FcfsNamespace = 1;
    private const ulong FairNamespace = 2;
    private static readonly int[] All = [0, 1, 2, 3];

    [Fact]
    public async Task A_bundle_across_fair_and_fcfs_namespaces_lands_whole_and_the_same_at_every_validator()
    {
        await using var cluster = new TestCluster();
        cluster.StartAll();
        await cluster.WaitForHeightAsync(All, 3);
        var trust = TrustedChain.FromGenesisFile(Path.Combine(cluster.Directory, "genesis.json"));
        var clients = cluster.Nodes.Select(n => new FairwayClient(new Uri(n.ApiUrl), trust)).ToList();
        try
        {
            (ulong, ReadOnlyMemory<byte>)[] legs =
            [
                (FairNamespace, Payload("fair one")), (FcfsNamespace, Payload("fcfs")), (FairNamespace, Payload("fair two")),
            ];
            var single = clients[3].SubmitAsync(FairNamespace, legs[2].Item2, stake: null);
            var sent = await clients[0].SubmitBundleAsync(legs, stake: null);
            Assert.True(sent.Included, string.Join("; ", sent.Failures.Select(f => $"{f.Key}: {f.Value}")));
            Assert.True((await single).Included);

            var legHashes = legs.Select(l => new Transaction(l.Item1, l.Item2).Hash).ToList();
            var firm = await clients[0].WaitForAsync(legHashes[0], Commitment.Firm, TestCluster.Deadline);
            var height = firm.Height!.Value;
            foreach (var client in clients)
            {
                await cluster.WaitForHeightAsync(All, height);
                foreach (var ns in new[] { FairNamespace, FcfsNamespace })
                {
                    var expected = legHashes.Where((_, k) => legs[k].Item1 == ns).ToList();
                    var read = (await client.GetNamespaceAsync(height, ns)).Transactions.Select(t => t.Hash).ToList();
                    AssertContiguous(expected, read, $"namespace {ns} at height {height}");
                }
            }
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    private static void AssertContiguous(List<Hash> expected, List<Hash> read, string where)
    {
        var start = read.IndexOf(expected[0]);
        Assert.True(start >= 0, $"{where} lacks the bundle's first leg");
        Assert.Equal(expected, read.Skip(start).Take(expected.Count));
    }

    private static byte[] Payload(string what) => Encoding.UTF8.GetBytes($"bundle leg {what} {Guid.NewGuid():N}");
}

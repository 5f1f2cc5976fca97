using Fairway.Consensus.Engine;
using Fairway.Consensus.Messages;
using Fairway.Core.Chain;

namespace Fairway.Consensus.Tests;

public class EpochTests
{
    private static ulong EpochOf(TestNetwork net, int i) => net.Core(i).Epoch;

    /// <summary>The committed blocks above the root of <paramref name="epoch"/>'s core at validator 0.</summary>
    private static List<(Block Block, QuorumCertificate Qc)> CommittedIn(TestNetwork net, int i, ulong epoch)
    {
        var root = net.Verifiers[i][epoch].Root;
        var next = net.EndedEpochs[i].TryGetValue(epoch, out var ended) ? ended.LastBlock.Height : ulong.MaxValue;
        return [.. net.Committed[i].Where(c => c.Block.Height > root.Height && c.Block.Height <= next)];
    }

    [Fact]
    public void Every_validator_ends_the_epoch_at_the_same_block_and_the_next_epoch_runs_on_the_new_stakes()
    {
        // Validator 3 starts on the roster without stake (a standby), is given stake by epoch 1, and validator 0 leaves in epoch 2.
        var net = new TestNetwork(4, stakes: [1, 1, 1, 0]);
        net.StartAll();
        net.RunUntil(() => net.Committed.All(c => c.Count >= 5));
        net.PlannedChange = new EpochChange(1, [1, 1, 1, 1]);
        net.RunUntil(() => Enumerable.Range(0, 4).All(i => EpochOf(net, i) == 1) && net.Committed.All(c => c.Count >= 12));

        // In epoch 1 validator 3's stake counts: with validator 0 cut off, the chain goes on only through 3's votes.
        net.Isolated.Add(0);
        var before = net.Committed[1].Count;
        net.RunUntil(() => net.Committed[1].Count >= before + 8);
        // The first two may have been certified before the cut.
        Assert.All(net.Committed[1].Skip(before + 2), c => Assert.Contains(c.Qc.Signatures, s => s.Signer == 3));
        net.Isolated.Remove(0);
        net.RunUntil(() => net.Committed[0].Count >= net.Committed[1].Count);

        net.PlannedChange = new EpochChange(2, [0, 1, 1, 1]);
        net.RunUntil(() => Enumerable.Range(0, 4).All(i => EpochOf(net, i) == 2) && net.Committed.All(c => c.Count >= 40));

        // In epoch 2 validator 0's votes count for nothing: with validator 1 cut off, 0 and the other two hold 2 of 3 stake.
        net.Isolated.Add(1);
        var stalled = net.Committed[0].Count;
        Assert.Throws<TimeoutException>(() => net.RunUntil(() => net.Committed[0].Count > stalled + 1, stepsMax: 20_000));
        net.Isolated.Remove(1);
        net.RunUntil(() => net.Committed.All(c => c.Count >= stalled + 5));

        var boundaries = net.EndedEpochs.Select(e => e.Values.Select(x => x.LastBlock.Hash).ToList()).ToList();
        Assert.All(boundaries, b => Assert.Equal(boundaries[0], b));
        Assert.Equal(2, boundaries[0].Count);
        var shortest = net.Committed.Min(c => c.Count);
        foreach (var chain in net.Committed)
        {
            Assert.Equal(net.Committed[0].Take(shortest).Select(c => c.Block.Hash), chain.Take(shortest).Select(c => c.Block.Hash));
        }

        // Heights and parents run on across the boundary: one chain, whatever the epoch.
        var committed = net.Committed[0];
        for (var h = 1; h < committed.Count; h++)
        {
            Assert.Equal(committed[h - 1].Block.Hash, committed[h].Block.ParentHash);
            Assert.Equal(committed[h - 1].Block.Height + 1, committed[h].Block.Height);
            Assert.True(committed[h - 1].Block.Round < committed[h].Block.Round);
        }

        var epoch0 = CommittedIn(net, 0, 0);
        var epoch1 = CommittedIn(net, 0, 1);
        var epoch2 = CommittedIn(net, 0, 2);
        Assert.DoesNotContain(epoch0, c => c.Block.Author == 3);
        Assert.DoesNotContain(epoch2, c => c.Block.Author == 0);
        Assert.Contains(epoch1, c => c.Qc.Signatures.Any(x => x.Signer == 3));

        // Each epoch's certificates verify under its own set and domain, and under no other epoch's.
        foreach (var (epoch, blocks) in new[] { (0UL, epoch0), (1UL, epoch1), (2UL, epoch2) })
        {
            foreach (var (block, qc) in blocks.Where(b => b.Qc.Signatures.Count > 0))
            {
                Assert.True(net.Verifiers[0][epoch].Verify(qc, out var reason), $"epoch {epoch} h{block.Height}: {reason}");
                foreach (var other in net.Verifiers[0].Where(v => v.Key != epoch))
                {
                    Assert.False(other.Value.Verify(qc, out _), $"a certificate of epoch {epoch} passed in epoch {other.Key}");
                }
            }
        }

        // The first block of an epoch is justified by the root certificate: the previous epoch's last block, no signers.
        var firstOf2 = epoch2[0].Block;
        Assert.Empty(firstOf2.Justify.Signatures);
        Assert.Equal(net.EndedEpochs[0][1].LastBlock.Hash, firstOf2.Justify.BlockHash);
    }

    [Fact]
    public void Blocks_after_the_last_block_of_an_epoch_are_never_committed_even_when_already_certified()
    {
        var net = new TestNetwork(4);
        net.StartAll();
        net.RunUntil(() => net.Committed.All(c => c.Count >= 3));
        net.PlannedChange = new EpochChange(1, [1, 1, 1, 1]);
        net.RunUntil(() => Enumerable.Range(0, 4).All(i => EpochOf(net, i) == 1) && net.Committed.All(c => c.Count >= 12));

        var last = net.EndedEpochs[0][0].LastBlock;
        Assert.NotNull(last.NextEpoch);
        // The proposals after it in epoch 0 carried the change too (leaders still in epoch 0 kept proposing it); none was committed.
        var afterLast = net.Committed[0].SkipWhile(c => c.Block.Hash != last.Hash).Skip(1).ToList();
        Assert.All(afterLast, c => Assert.Null(c.Block.NextEpoch));
        Assert.All(afterLast, c => Assert.True(net.Verifiers[0][1].Verify(c.Qc, out _) || c.Qc.Signatures.Count == 0));
        // The closing certificate certifies a block of epoch 0 (the two-chain child) that is not on the committed chain.
        var closing = net.EndedEpochs[0][0].ClosingCertificate;
        Assert.True(net.Verifiers[0][0].Verify(closing, out var reason), reason);
        Assert.DoesNotContain(net.Committed[0], c => c.Block.Hash == closing.BlockHash);
    }

    [Fact]
    public void A_validator_cut_off_across_the_boundary_catches_up_through_the_closing_certificate_and_votes_in_the_new_epoch()
    {
        var net = new TestNetwork(4, new ConsensusConfig { TimeoutBaseTicks = 10 });
        net.StartAll();
        net.RunUntil(() => net.Committed.All(c => c.Count >= 3));
        net.Isolated.Add(2);
        net.PlannedChange = new EpochChange(1, [1, 1, 1, 1]);
        net.RunUntil(() => new[] { 0, 1, 3 }.All(i => EpochOf(net, i) == 1) && net.Committed[0].Count >= 15);
        Assert.Equal(0UL, EpochOf(net, 2));

        net.Isolated.Remove(2);
        net.RunUntil(() => EpochOf(net, 2) == 1 && net.Committed[2].Count >= 15);
        Assert.Equal(net.EndedEpochs[0][0].LastBlock.Hash, net.EndedEpochs[2][0].LastBlock.Hash);

        // Without validator 3, epoch 1 needs validator 2's vote: progress now shows it votes in the new epoch.
        net.Crash(3);
        var before = net.Committed[0].Count;
        net.RunUntil(() => net.Committed[0].Count >= before + 10 && net.Committed[2].Count >= before + 10);
        var shortest = new[] { 0, 1, 2 }.Min(i => net.Committed[i].Count);
        Assert.Equal(net.Committed[0].Take(shortest).Select(c => c.Block.Hash), net.Committed[2].Take(shortest).Select(c => c.Block.Hash));
    }

    [Fact]
    public void A_vote_from_the_previous_epoch_is_not_counted_in_the_next()
    {
        var net = new TestNetwork(4);
        net.StartAll();
        net.RunUntil(() => net.Committed.All(c => c.Count >= 3));
        net.PlannedChange = new EpochChange(1, [1, 1, 1, 1]);
        net.RunUntil(() => Enumerable.Range(0, 4).All(i => EpochOf(net, i) == 1) && net.Committed.All(c => c.Count >= 8));

        // A vote signed in epoch 0's domain for a round and block of epoch 1 is dropped, not counted.
        var round = net.Core(0).Round;
        var block = net.Committed[0][^1].Block.Hash;
        var stale = new VoteMessage(round, block, 1, net.Signers[1].Sign(SigningDomain.VoteMessage(net.ChainId, round, block)));
        var drops = net.Core(0).Stats.DroppedByReason.GetValueOrDefault("bad vote signature");
        net.Deliver(0, 1, stale);
        Assert.Equal(drops + 1, net.Core(0).Stats.DroppedByReason.GetValueOrDefault("bad vote signature"));

        // The same vote signed in epoch 1's domain passes the signature check (so the drop above was the domain's doing).
        var fresh = new VoteMessage(round, block, 1, net.Signers[1].Sign(SigningDomain.VoteMessage(SigningDomain.EpochId(net.ChainId, 1), round, block)));
        net.Deliver(0, 1, fresh);
        Assert.Equal(drops + 1, net.Core(0).Stats.DroppedByReason.GetValueOrDefault("bad vote signature"));
    }
}

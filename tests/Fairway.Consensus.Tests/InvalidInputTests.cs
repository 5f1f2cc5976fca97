using Fairway.Consensus.Engine;
using Fairway.Consensus.Messages;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Consensus.Tests;

/// <summary>Every malformed or unauthenticated input is dropped and counted; none changes state or throws.</summary>
public class InvalidInputTests
{
    public static TheoryData<string> Cases => new()
    {
        "proposal signed by the wrong key",
        "proposal by a validator that does not lead the round",
        "proposal for another chain",
        "proposal whose QC lacks a quorum",
        "proposal for a round its QC does not justify",
        "vote with a bad signature",
        "vote from an unknown validator",
        "timeout with a bad signature",
        "timeout claiming a QC from its own round",
        "unrequested synced block",
        "block request sent to the engine",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_input_is_dropped_counted_and_changes_nothing(string name)
    {
        var net = new TestNetwork(4);
        var leader = net.ValidatorSet.LeaderOf(1);
        var target = Enumerable.Range(0, 4).First(i => i != leader);
        net.Start(target);
        var core = net.Core(target);
        var roundBefore = core.Round;
        var safetyBefore = core.Safety;
        var droppedBefore = core.Stats.DroppedTotal;

        var outputs = core.Step(MakeInput(net, name, leader));

        Assert.Empty(outputs);
        Assert.Equal(droppedBefore + 1, core.Stats.DroppedTotal);
        Assert.Equal(roundBefore, core.Round);
        Assert.Same(safetyBefore, core.Safety);
    }

    private static ConsensusInput MakeInput(TestNetwork net, string name, int leader)
    {
        var genesisQc = QuorumCertificate.Genesis(net.Genesis.Hash);
        var notLeader = Enumerable.Range(0, 4).First(i => i != leader);
        Block RoundOne(int author, Hash? chain = null) =>
            new(chain ?? net.ChainId, 1, 1, (ushort)author, 10, genesisQc, null, [Hash.Compute("x"u8)]);
        var block = RoundOne(leader);
        var bogusSignature = net.Signers[notLeader].Sign("not this"u8);

        return name switch
        {
            "proposal signed by the wrong key" => new MessageReceived(leader, new ProposalMessage(block, net.Signers[notLeader].Sign(SigningDomain.ProposalMessage(net.ChainId, block.Hash)))),
            "proposal by a validator that does not lead the round" => new MessageReceived(notLeader, net.SignProposal(RoundOne(notLeader))),
            "proposal for another chain" => new MessageReceived(leader, net.SignProposal(RoundOne(leader, Hash.Compute("other"u8)))),
            "proposal whose QC lacks a quorum" => new MessageReceived(net.ValidatorSet.LeaderOf(2), net.SignProposal(new Block(
                net.ChainId, 2, 2, (ushort)net.ValidatorSet.LeaderOf(2), 20,
                new QuorumCertificate(1, block.Hash, [new SignerSignature((ushort)leader, net.Signers[leader].Sign(SigningDomain.VoteMessage(net.ChainId, 1, block.Hash)))]),
                null, []))),
            "proposal for a round its QC does not justify" => new MessageReceived(net.ValidatorSet.LeaderOf(5), net.SignProposal(new Block(
                net.ChainId, 5, 1, (ushort)net.ValidatorSet.LeaderOf(5), 50, genesisQc, null, []))),
            "vote with a bad signature" => new MessageReceived(notLeader, new VoteMessage(1, block.Hash, (ushort)notLeader, bogusSignature)),
            "vote from an unknown validator" => new MessageReceived(notLeader, new VoteMessage(1, block.Hash, 77, bogusSignature)),
            "timeout with a bad signature" => new MessageReceived(notLeader, new TimeoutMessage(1, genesisQc, (ushort)notLeader, bogusSignature)),
            "timeout claiming a QC from its own round" => new MessageReceived(notLeader, new TimeoutMessage(0, genesisQc, (ushort)notLeader, bogusSignature)),
            "unrequested synced block" => new SyncResponse(notLeader, [block]),
            "block request sent to the engine" => new MessageReceived(notLeader, new BlockRequestMessage(block.Hash, 4)),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }
}

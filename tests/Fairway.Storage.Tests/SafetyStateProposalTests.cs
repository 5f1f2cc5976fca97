using Fairway.Consensus.Engine;
using Fairway.Consensus.Messages;
using Fairway.Core.Crypto;

namespace Fairway.Storage.Tests;

/// <summary>The safety state keeps a signed proposal only while it may have to be re-sent: in its own round.</summary>
public sealed class SafetyStateProposalTests
{
    [Fact]
    public void A_vote_in_the_proposals_round_keeps_it_and_a_later_one_drops_it()
    {
        var chain = new TestChain(2, 1);
        var block = chain.At(2).Block;
        var signature = new Signature(new byte[Signature.Size]);
        var proposed = SafetyStoreContract.Initial() with { LastVotedRound = block.Round - 1, LastProposal = new ProposalMessage(block, signature) };

        var sameRound = proposed.VotedIn(block.Round);
        Assert.Equal(block.Round, sameRound.LastVotedRound);
        Assert.NotNull(sameRound.LastProposal);

        var later = sameRound.VotedIn(block.Round + 1);
        Assert.Equal(block.Round + 1, later.LastVotedRound);
        Assert.Null(later.LastProposal);

        // A vote for an older round never lowers the voted round, and the proposal's fate follows the highest round.
        var stale = sameRound.VotedIn(block.Round - 1);
        Assert.Equal(block.Round, stale.LastVotedRound);
        Assert.NotNull(stale.LastProposal);
    }
}

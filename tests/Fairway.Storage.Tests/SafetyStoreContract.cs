using Fairway.Consensus.Engine;
using Fairway.Consensus.Messages;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Storage.Tests;

/// <summary>What every <see cref="ISafetyStore"/> must do, run against each implementation by a subclass.</summary>
public abstract class SafetyStoreContract : IDisposable
{
    protected abstract ISafetyStore Store { get; }

    public virtual void Dispose() => GC.SuppressFinalize(this);

    internal static SafetyState Initial() => SafetyState.Initial(Block.Genesis(TestChain.ChainId).Hash);

    /// <summary>A state with every optional field filled, so each one is round-tripped.</summary>
    internal static SafetyState Full(ulong round)
    {
        var chain = new TestChain(2, 1);
        var qc = chain.At(2).Certificate;
        var signature = new Signature(Enumerable.Repeat((byte)round, Signature.Size).ToArray());
        var tc = new TimeoutCertificate(round - 1, [new TimeoutSignature(0, qc.Round, signature), new TimeoutSignature(3, 1, signature)]);
        return new SafetyState(
            round, qc.Round, qc, tc,
            new VoteMessage(round, chain.At(2).Block.Hash, 1, signature),
            new TimeoutMessage(round - 1, qc, 1, signature),
            new ProposalMessage(chain.At(2).Block, signature));
    }

    internal static void AssertSame(SafetyState expected, SafetyState? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(Canonical.Encode(expected), Canonical.Encode(actual));
    }

    [Fact]
    public void A_fresh_store_has_no_state()
    {
        Assert.Null(Store.Load());
    }

    [Fact]
    public void A_saved_state_loads_back_equal()
    {
        var state = Initial() with { LastVotedRound = 9, LockedQcRound = 7 };
        Store.Save(state);

        AssertSame(state, Store.Load());
    }

    [Fact]
    public void Every_field_round_trips()
    {
        var state = Full(12);
        Store.Save(state);

        var back = Store.Load();
        AssertSame(state, back);
        Assert.Equal(12UL, back!.LastVote!.Round);
        Assert.NotNull(back.LastProposal);
    }

    [Fact]
    public void The_last_save_wins()
    {
        Store.Save(Full(5));
        Store.Save(Initial() with { LastVotedRound = 6 });
        Store.Save(Full(7));

        AssertSame(Full(7), Store.Load());
    }
}

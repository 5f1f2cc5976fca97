using Fairway.Consensus.Engine;

namespace Fairway.Consensus.Tests;

public class InvariantAssertionTests
{
    [Fact]
    public void The_engine_checks_its_own_invariants_after_every_step_and_a_broken_one_throws()
    {
        // A restart that recovers a lock above its highest QC is a state no correct engine can reach.
        var net = new TestNetwork(4);
        net.StartAll();
        net.RunUntil(() => net.Committed[0].Count >= 3);
        var corrupt = net.PersistedSafety[0]! with { LockedQcRound = net.PersistedSafety[0]!.HighQc.Round + 5 };
        var core = new ConsensusCore(net.Config, net.Certificates, 0, net.Signers[0], new Random(0),
            new RecoveredState(corrupt, net.Committed[0][^1].Block, []));
        core.Start();

        var broken = Assert.Throws<InvalidOperationException>(() => core.Step(Tick.Instance));
        Assert.Contains("locked on a round above the highest QC", broken.Message, StringComparison.Ordinal);

        // The same state with the checks off passes silently: they are what catches it.
        var lenient = new ConsensusCore(net.Config with { AssertInvariants = false }, net.Certificates, 0, net.Signers[0], new Random(0),
            new RecoveredState(corrupt, net.Committed[0][^1].Block, []));
        lenient.Start();
        lenient.Step(Tick.Instance);
    }
}

using BenchmarkDotNet.Attributes;
using Fairway.Consensus.Engine;
using Fairway.Consensus.Messages;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Benchmarks;

/// <summary>
/// One step of the consensus state machine for a 4-validator network, with the fast keyed-hash stand-in signer or
/// real Ed25519.
/// <para>
/// Setup runs four cores against each other in memory and records the proposal of each of the first
/// <see cref="Rounds"/> rounds (each carries the 3-of-4 QC of the round before). The proposal benchmark gives a fresh
/// follower core that whole chain, one proposal per step: each step checks the proposal signature and its QC, raises
/// the high QC, enters the round, inserts the block, applies the commit rule and signs a vote. The cost is reported
/// per step (OperationsPerInvoke); creating and starting the fresh core is measured on its own so it can be subtracted.
/// </para>
/// </summary>
[MemoryDiagnoser]
public class ConsensusStepBenchmarks
{
    private const int Rounds = 100;
    private const int Follower = 3;

    private ConsensusConfig _config = null!;
    private CertificateVerifier _certificates = null!;
    private ISigner _followerSigner = null!;
    private MessageReceived[] _chain = null!;
    private ConsensusCore _idle = null!;

    [Params("keyed-hash", "ed25519")]
    public string Signatures { get; set; } = "keyed-hash";

    [GlobalSetup]
    public void Setup()
    {
        var signers = Fixtures.Signers(Signatures, 4);
        _certificates = new CertificateVerifier(Fixtures.ChainId, Fixtures.ValidatorSet(signers), Fixtures.Verifier(Signatures));
        _config = new ConsensusConfig();
        _followerSigner = signers[Follower];

        var proposals = new InMemoryNetwork(_config, _certificates, signers).RunUntilRound(Rounds);
        _chain = [.. proposals.Select(p => new MessageReceived(p.Block.Author, p))];

        // Check once that the replay does what the benchmark claims: a vote per round and commits along the way.
        var core = NewFollower();
        var votes = 0;
        var commits = 0;
        foreach (var input in _chain)
        {
            foreach (var output in core.Step(input))
            {
                votes += output is SendTo { Message: VoteMessage } ? 1 : 0;
                commits += output is CommitBlock ? 1 : 0;
            }
        }

        if (core.Round != Rounds || core.Safety.LastVotedRound != Rounds || commits < Rounds - 3)
        {
            throw new InvalidOperationException(
                $"follower replay went wrong: round {core.Round}, last voted {core.Safety.LastVotedRound}, {votes} votes sent, {commits} commits");
        }

        var own = proposals.Count(p => p.Block.Author == Follower);
        Console.WriteLine($"// consensus step ({Signatures}): {Rounds} proposals, {own} authored by the follower itself "
            + $"(no proposal signature check), {votes} votes sent, {commits} commits");

        // An idle core: started, nothing to do, with a timeout so far off that ticks never fire it.
        var idleConfig = new ConsensusConfig { TimeoutBaseTicks = int.MaxValue / 16, TimeoutJitterTicksMax = 0 };
        _idle = new ConsensusCore(idleConfig, _certificates, Follower, _followerSigner, new Random(1));
        _idle.Start();
    }

    private ConsensusCore NewFollower()
    {
        var core = new ConsensusCore(_config, _certificates, Follower, _followerSigner, new Random(5));
        core.Start();
        return core;
    }

    [Benchmark(Description = "Follower step on a valid proposal", OperationsPerInvoke = Rounds)]
    public int FollowerStepOnProposal()
    {
        var core = NewFollower();
        var outputs = 0;
        foreach (var input in _chain)
        {
            outputs += core.Step(input).Count;
        }

        return outputs;
    }

    [Benchmark(Description = "New core + Start (overhead of the above, once per 100 steps)")]
    public ConsensusCore NewCoreAndStart() => NewFollower();

    [Benchmark(Description = "Step(Tick) on an idle core")]
    public int IdleTick() => _idle.Step(Tick.Instance).Count;
}

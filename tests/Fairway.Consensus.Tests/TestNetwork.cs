using Fairway.Consensus.Engine;
using Fairway.Consensus.Messages;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Validators;
using Fairway.Crypto;

namespace Fairway.Consensus.Tests;

/// <summary>
/// A minimal host for several engines in one test: messages are delivered in FIFO order, and when none are in flight
/// every running engine gets a tick. It keeps what a real host would: the persisted safety state, stored blocks and
/// the committed chain of each validator, plus every output list for inspection.
/// </summary>
internal sealed class TestNetwork
{
    private readonly Queue<(int To, int From, ConsensusMessage Message)> _inbox = new();

    public TestNetwork(int validators, ConsensusConfig? config = null)
    {
        Config = (config ?? new ConsensusConfig()) with { AssertInvariants = true };
        Signers = Enumerable.Range(0, validators).Select(i => Ed25519Signer.FromSeedPhrase($"consensus-test-{i}")).ToArray();
        ValidatorSet = new ValidatorSet(Signers.Select((s, i) => new Validator($"v{i}", s.PublicKey, 1)));
        ChainId = Hash.Compute("consensus-tests"u8);
        Certificates = new CertificateVerifier(ChainId, ValidatorSet, Ed25519Verifier.Instance);
        Genesis = Block.Genesis(ChainId);
        Cores = new ConsensusCore?[validators];
        Committed = Enumerable.Range(0, validators).Select(_ => new List<(Block Block, QuorumCertificate Qc)>()).ToArray();
        Stored = Enumerable.Range(0, validators).Select(_ => new Dictionary<Hash, Block>()).ToArray();
        PersistedSafety = new SafetyState?[validators];
        Outputs = Enumerable.Range(0, validators).Select(_ => new List<IReadOnlyList<ConsensusOutput>>()).ToArray();
    }

    public ConsensusConfig Config { get; }
    public Ed25519Signer[] Signers { get; }
    public ValidatorSet ValidatorSet { get; }
    public Hash ChainId { get; }
    public CertificateVerifier Certificates { get; }
    public Block Genesis { get; }
    public ConsensusCore?[] Cores { get; }
    public List<(Block Block, QuorumCertificate Qc)>[] Committed { get; }
    public Dictionary<Hash, Block>[] Stored { get; }
    public SafetyState?[] PersistedSafety { get; }
    public List<IReadOnlyList<ConsensusOutput>>[] Outputs { get; }
    public List<Evidence> Evidence { get; } = [];

    /// <summary>Validators whose incoming and outgoing messages are dropped.</summary>
    public HashSet<int> Isolated { get; } = [];

    /// <summary>Validators whose own proposals never leave them: they vote, but fail every round they lead.</summary>
    public HashSet<int> SilentLeaders { get; } = [];

    /// <summary>Batch digests no host holds: blocks referencing them never pass the availability check.</summary>
    public HashSet<Hash> Withheld { get; } = [];

    /// <summary>Ticks every running engine has been given.</summary>
    public long Ticks { get; private set; }

    public ConsensusCore Core(int i) => Cores[i] ?? throw new InvalidOperationException($"validator {i} is down");

    public void StartAll()
    {
        for (var i = 0; i < Cores.Length; i++)
        {
            Start(i);
        }
    }

    public void Start(int i)
    {
        var history = Committed[i].Take(Math.Max(0, Committed[i].Count - 1)).TakeLast(ConsensusCore.HistoryBlocksNeeded(Config)).Select(c => c.Block).ToList();
        var recovered = PersistedSafety[i] is not null || Committed[i].Count > 0
            ? new RecoveredState(
                PersistedSafety[i] ?? SafetyState.Initial(Genesis.Hash),
                Committed[i].Count > 0 ? Committed[i][^1].Block : Genesis,
                Stored[i].Values.ToList(),
                history)
            : null;
        Cores[i] = new ConsensusCore(Config, Certificates, i, Signers[i], new Random(i), recovered);
        Carry(i, Cores[i]!.Start());
    }

    public void Crash(int i) => Cores[i] = null;

    public void Deliver(int to, int from, ConsensusMessage message)
    {
        if (Cores[to] is { } core)
        {
            Carry(to, core.Step(new MessageReceived(from, message)));
        }
    }

    /// <summary>Delivers messages (ticking when none are in flight) until the condition holds; fails after the step budget.</summary>
    public void RunUntil(Func<bool> condition, int stepsMax = 200_000)
    {
        for (var step = 0; step < stepsMax; step++)
        {
            if (condition())
            {
                return;
            }

            if (_inbox.TryDequeue(out var m))
            {
                var silenced = m.Message is ProposalMessage p && SilentLeaders.Contains(m.From) && p.Block.Author == m.From;
                if (!Isolated.Contains(m.To) && !Isolated.Contains(m.From) && !silenced)
                {
                    Deliver(m.To, m.From, m.Message);
                }
            }
            else
            {
                Ticks++;
                for (var i = 0; i < Cores.Length; i++)
                {
                    if (Cores[i] is { } core)
                    {
                        Carry(i, core.Step(Tick.Instance));
                    }
                }
            }
        }

        throw new TimeoutException("condition not reached within the step budget");
    }

    public void Carry(int i, IReadOnlyList<ConsensusOutput> outputs)
    {
        // Answers are stepped after the whole output list is carried, as a host must, so no output overtakes another.
        var followUps = new List<ConsensusInput>();
        Outputs[i].Add(outputs);
        foreach (var output in outputs)
        {
            switch (output)
            {
                case PersistSafety p:
                    PersistedSafety[i] = p.State;
                    break;
                case PersistBlock b:
                    Stored[i][b.Block.Hash] = b.Block;
                    break;
                case CommitBlock c:
                    Committed[i].Add((c.Block, c.Certificate));
                    Stored[i][c.Block.Hash] = c.Block;
                    break;
                case Broadcast b:
                    for (var to = 0; to < Cores.Length; to++)
                    {
                        if (to != i)
                        {
                            _inbox.Enqueue((to, i, b.Message));
                        }
                    }

                    break;
                case SendTo s:
                    _inbox.Enqueue((s.To, i, s.Message));
                    break;
                case CheckAvailability c:
                    if (!c.BatchDigests.Any(Withheld.Contains))
                    {
                        followUps.Add(new PayloadAvailable(c.BlockHash));
                    }

                    break;
                case RequestPayload r:
                    followUps.Add(new PayloadReady(r.Round, [Hash.Compute(BitConverter.GetBytes(r.Round))], r.Round * 10));
                    break;
                case RequestBlocks r:
                    var blocks = new BlockRequestMessage(r.Tip, r.Count).Collect(Stored[r.Peer].TryGetValue);

                    if (!Isolated.Contains(i) && !Isolated.Contains(r.Peer))
                    {
                        _inbox.Enqueue((i, r.Peer, new BlockResponseMessage(blocks)));
                    }

                    break;
                case EvidenceFound e:
                    Evidence.Add(e.Evidence);
                    break;
            }
        }

        foreach (var input in followUps)
        {
            if (Cores[i] is { } core)
            {
                Carry(i, core.Step(input));
            }
        }
    }

    /// <summary>Signs a proposal as validator <paramref name="author"/> would, for hand-made test scenarios.</summary>
    public ProposalMessage SignProposal(Block block) =>
        new(block, Signers[block.Author].Sign(SigningDomain.ProposalMessage(ChainId, block.Hash)));
}

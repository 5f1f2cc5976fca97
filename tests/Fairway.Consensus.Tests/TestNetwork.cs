using Fairway.Consensus.Engine;
using Fairway.Consensus.Messages;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Validators;
using Fairway.Crypto;
using Fairway.Storage;

namespace Fairway.Consensus.Tests;

/// <summary>
/// A minimal host for several engines in one test: messages are delivered in FIFO order, and when none are in flight
/// every running engine gets a tick. Each validator keeps its safety state and blocks in the node's own store twins
/// (the same ones the simulator's hosts use), plus, for inspection, its committed chain and every output list.
/// </summary>
internal sealed class TestNetwork
{
    /// <summary>Messages in flight, each with the epoch its sender was in (the node's wire frame carries the same).</summary>
    private readonly Queue<(int To, int From, ulong Epoch, ConsensusMessage Message)> _inbox = new();
    private readonly List<(long DueStep, (int To, int From, ulong Epoch, ConsensusMessage Message) Message)> _delayed = [];
    private long _steps;

    public TestNetwork(int validators, ConsensusConfig? config = null, IReadOnlyList<ulong>? stakes = null)
    {
        Config = (config ?? new ConsensusConfig()) with { AssertInvariants = true };
        Signers = Enumerable.Range(0, validators).Select(i => Ed25519Signer.FromSeedPhrase($"consensus-test-{i}")).ToArray();
        ValidatorSet = new ValidatorSet(Signers.Select((s, i) => new Validator($"v{i}", s.PublicKey, stakes?[i] ?? 1)));
        ChainId = Hash.Compute("consensus-tests"u8);
        Certificates = new CertificateVerifier(ChainId, ValidatorSet, Ed25519Verifier.Instance);
        Genesis = Block.Genesis(ChainId);
        Cores = new ConsensusCore?[validators];
        Committed = Enumerable.Range(0, validators).Select(_ => new List<(Block Block, QuorumCertificate Qc)>()).ToArray();
        Stores = Enumerable.Range(0, validators).Select(_ => new InMemoryChainStore()).ToArray();
        SafetyStores = Enumerable.Range(0, validators).Select(_ => new InMemorySafetyStore()).ToArray();
        Outputs = Enumerable.Range(0, validators).Select(_ => new List<IReadOnlyList<ConsensusOutput>>()).ToArray();
    }

    public ConsensusConfig Config { get; }
    public Ed25519Signer[] Signers { get; }
    public ValidatorSet ValidatorSet { get; }
    public Hash ChainId { get; }
    public CertificateVerifier Certificates { get; }
    public Block Genesis { get; }
    public ConsensusCore?[] Cores { get; }

    /// <summary>When set, a leader still in an earlier epoch puts this change in its proposals (as a node does from its L1 watcher).</summary>
    public EpochChange? PlannedChange { get; set; }

    /// <summary>Each validator's ended epochs: the certificate that committed each epoch's last block, by epoch.</summary>
    public Dictionary<ulong, EpochEnded>[] EndedEpochs { get; private set; } = [];

    /// <summary>Each validator's verifier for every epoch it has run, by epoch.</summary>
    public Dictionary<ulong, CertificateVerifier>[] Verifiers { get; private set; } = [];

    private EpochEnded?[] _pendingSwitch = [];
    public List<(Block Block, QuorumCertificate Qc)>[] Committed { get; }
    public InMemoryChainStore[] Stores { get; }
    public InMemorySafetyStore[] SafetyStores { get; }

    /// <summary>Each validator's safety state as its store would give it back after a restart.</summary>
    public SafetyState?[] PersistedSafety => [.. SafetyStores.Select(s => s.Load())];
    public List<IReadOnlyList<ConsensusOutput>>[] Outputs { get; }
    public List<Evidence> Evidence { get; } = [];

    /// <summary>Validators whose incoming and outgoing messages are dropped.</summary>
    public HashSet<int> Isolated { get; } = [];

    /// <summary>Validators whose own proposals never leave them: they vote, but fail every round they lead.</summary>
    public HashSet<int> SilentLeaders { get; } = [];

    /// <summary>Batch digests no host holds: blocks referencing them never pass the availability check.</summary>
    public HashSet<Hash> Withheld { get; } = [];

    /// <summary>Messages delivered after a block request before its answer is: a slow peer, or a long way to it.</summary>
    public int BlockResponseDelaySteps { get; set; }

    /// <summary>Block answers still to be lost on the way (each one lost counts this down).</summary>
    public int BlockResponsesToLose { get; set; }

    /// <summary>Ticks every running engine has been given.</summary>
    public long Ticks { get; private set; }

    public ConsensusCore Core(int i) => Cores[i] ?? throw new InvalidOperationException($"validator {i} is down");

    public void StartAll()
    {
        EnsureEpochState();
        for (var i = 0; i < Cores.Length; i++)
        {
            Start(i);
        }
    }

    private void EnsureEpochState()
    {
        if (EndedEpochs.Length == Cores.Length)
        {
            return;
        }

        EndedEpochs = [.. Enumerable.Range(0, Cores.Length).Select(_ => new Dictionary<ulong, EpochEnded>())];
        Verifiers = [.. Enumerable.Range(0, Cores.Length).Select(_ => new Dictionary<ulong, CertificateVerifier> { [0] = Certificates })];
        _pendingSwitch = new EpochEnded?[Cores.Length];
    }

    public void Start(int i)
    {
        EnsureEpochState();
        var history = Committed[i].Take(Math.Max(0, Committed[i].Count - 1)).TakeLast(ConsensusCore.HistoryBlocksNeeded(Config)).Select(c => c.Block).ToList();
        var safety = SafetyStores[i].Load();
        var recovered = safety is not null || Committed[i].Count > 0
            ? new RecoveredState(
                safety ?? SafetyState.Initial(Genesis.Hash),
                Committed[i].Count > 0 ? Committed[i][^1].Block : Genesis,
                Stores[i].LoadUncommittedBlocks(),
                history)
            : null;
        Cores[i] = new ConsensusCore(Config, Certificates, i, Signers[i], new Random(i), recovered);
        Carry(i, Cores[i]!.Start());
    }

    public void Crash(int i) => Cores[i] = null;

    /// <summary>Each validator's epoch, round, committed height and drops, for a failure message.</summary>
    public string Describe() => string.Join("; ", Cores.Select((c, i) => c is null
        ? $"v{i} down"
        : $"v{i} epoch {c.Epoch} round {c.Round} committed {Committed[i].Count} timeouts {c.Stats.LocalTimeouts}/{c.Stats.TimeoutsSent}/{c.Stats.TcsFormed} qcs {c.Stats.QcsFormed} wanted {c.SyncBacklog} drops [{string.Join(", ", c.Stats.DroppedByReason.Select(d => $"{d.Key}: {d.Value}"))}]"));

    public void Deliver(int to, int from, ConsensusMessage message) => Deliver(to, from, Cores[to]?.Epoch ?? 0, message);

    /// <summary>
    /// Delivers a message of <paramref name="epoch"/>: to the core if it is in that epoch; to a validator past it, as a
    /// cue to send back the certificate that ended that epoch, so the sender can catch up; to a validator behind it, as a
    /// cue to ask the sender for that certificate; dropped otherwise.
    /// </summary>
    private void Deliver(int to, int from, ulong epoch, ConsensusMessage message)
    {
        if (Cores[to] is not { } core)
        {
            return;
        }

        if (epoch == core.Epoch)
        {
            Carry(to, core.Step(new MessageReceived(from, message)));
        }
        else if (epoch < core.Epoch && EndedEpochs[to].TryGetValue(epoch, out var ended) && EpochCatchUp.ShouldAnswer(message, ended))
        {
            _inbox.Enqueue((from, to, epoch, EpochCatchUp.Answer(ended)));
        }
        else if (epoch > core.Epoch && message is not (SyncInfoMessage or BlockResponseMessage))
        {
            // A peer is past this validator's epoch: ask it for what ended the epoch, rather than wait for a timeout.
            _inbox.Enqueue((from, to, core.Epoch, EpochCatchUp.Ask(core)));
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

            _steps++;
            ReleaseDelayed();
            if (_inbox.TryDequeue(out var m))
            {
                var silenced = m.Message is ProposalMessage p && SilentLeaders.Contains(m.From) && p.Block.Author == m.From;
                if (!Isolated.Contains(m.To) && !Isolated.Contains(m.From) && !silenced)
                {
                    Deliver(m.To, m.From, m.Epoch, m.Message);
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

        throw new TimeoutException("condition not reached within the step budget; " + Describe());
    }

    private void ReleaseDelayed()
    {
        if (_delayed.Count == 0)
        {
            return;
        }

        foreach (var due in _delayed.Where(d => d.DueStep <= _steps).ToList())
        {
            _delayed.Remove(due);
            _inbox.Enqueue(due.Message);
        }
    }

    /// <summary>Carries a step's outputs at node <paramref name="i"/> through the same interpreter the node and the simulator use.</summary>
    public void Carry(int i, IReadOnlyList<ConsensusOutput> outputs)
    {
        if (Cores[i] is { } core)
        {
            new ConsensusDriver(core, new Host(this, i), Outputs[i].Add).Carry(outputs);
        }
        else
        {
            Outputs[i].Add(outputs);
        }

        if (_pendingSwitch.Length > i && _pendingSwitch[i] is { } ended)
        {
            _pendingSwitch[i] = null;
            StartNextEpoch(i, ended);
        }
    }

    /// <summary>What a node does on <see cref="EpochEnded"/>: a new core, on the new stakes, on top of the epoch's last block.</summary>
    private void StartNextEpoch(int i, EpochEnded ended)
    {
        EndedEpochs[i][Core(i).Epoch] = ended;
        var certificates = CertificateVerifier.After(ended.LastBlock, ValidatorSet, Ed25519Verifier.Instance);
        Verifiers[i][certificates.Epoch] = certificates;
        var history = Committed[i].Take(Math.Max(0, Committed[i].Count - 1)).TakeLast(ConsensusCore.HistoryBlocksNeeded(Config)).Select(c => c.Block).ToList();
        var state = RecoveredState.ForEpoch(null, certificates) with { RecentCommitted = history };
        Cores[i] = new ConsensusCore(Config, certificates, i, Signers[i], new Random(i + (int)certificates.Epoch), state);
        Carry(i, Cores[i]!.Start());
    }

    /// <summary>Node <paramref name="i"/>'s effects: in-memory storage, the shared inbox, instant payloads.</summary>
    private sealed class Host(TestNetwork network, int i) : IConsensusHost
    {
        public void PersistSafety(SafetyState state)
        {
            network.Stores[i].Flush();
            network.SafetyStores[i].Save(state);
        }

        public void PersistBlock(Block block) => network.Stores[i].PutBlock(block);

        public void Commit(CommitBlock commit)
        {
            network.Committed[i].Add((commit.Block, commit.Certificate));
            network.Stores[i].PutBlock(commit.Block);
        }

        public void Broadcast(ConsensusMessage message)
        {
            for (var to = 0; to < network.Cores.Length; to++)
            {
                if (to != i)
                {
                    network._inbox.Enqueue((to, i, network.Core(i).Epoch, message));
                }
            }
        }

        public void Send(int to, ConsensusMessage message) => network._inbox.Enqueue((to, i, network.Core(i).Epoch, message));

        public ConsensusInput? CheckAvailability(CheckAvailability check) =>
            check.BatchDigests.Any(network.Withheld.Contains) ? null : new PayloadAvailable(check.BlockHash);

        public ConsensusInput? RequestPayload(RequestPayload request) =>
            network.PlannedChange is { } change && network.Core(i).Epoch < change.Epoch
                ? new PayloadReady(request.Round, [Hash.Compute(BitConverter.GetBytes(request.Round))], request.Round * 10,
                    L1: new L1Reference(change.Epoch * 100, Hash.Compute(BitConverter.GetBytes(change.Epoch))), NextEpoch: change)
                : new PayloadReady(request.Round, [Hash.Compute(BitConverter.GetBytes(request.Round))], request.Round * 10);

        public void RequestBlocks(RequestBlocks request)
        {
            var blocks = new BlockRequestMessage(request.Tip, request.Count).Collect(network.Stores[request.Peer].TryGetBlock);
            if (!network.Isolated.Contains(i) && !network.Isolated.Contains(request.Peer))
            {
                var response = (i, request.Peer, network.Core(i).Epoch, (ConsensusMessage)new BlockResponseMessage(blocks));
                if (network.BlockResponsesToLose > 0)
                {
                    network.BlockResponsesToLose--;
                }
                else if (network.BlockResponseDelaySteps > 0)
                {
                    network._delayed.Add((network._steps + network.BlockResponseDelaySteps, response));
                }
                else
                {
                    network._inbox.Enqueue(response);
                }
            }
        }

        public void Evidence(Evidence evidence) => network.Evidence.Add(evidence);

        public void EpochEnded(EpochEnded ended) => network._pendingSwitch[i] = ended;
    }

    /// <summary>Signs a proposal as validator <paramref name="author"/> would, for hand-made test scenarios.</summary>
    public ProposalMessage SignProposal(Block block) =>
        new(block, Signers[block.Author].Sign(SigningDomain.ProposalMessage(ChainId, block.Hash)));
}

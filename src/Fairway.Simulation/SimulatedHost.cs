using Fairway.Consensus.Engine;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Storage;

namespace Fairway.Simulation;

/// <summary>One simulated process: a validator key, its disk, and the engine while the process is up.</summary>
internal sealed class SimulatedHost(int id, int validator, ISigner signer, ByzantineKind behaviour)
{
    public int Id { get; } = id;

    public int Validator { get; } = validator;

    public ISigner Signer { get; } = signer;

    /// <summary><see cref="ByzantineKind.None"/> for an honest host.</summary>
    public ByzantineKind Behaviour { get; } = behaviour;

    public bool Honest => Behaviour == ByzantineKind.None;

    /// <summary>Down for the whole run: never started, never restarted, not expected to commit.</summary>
    public bool PermanentlyDown { get; init; }

    /// <summary>
    /// The host's disk: the node's own chain store twin, with its durability (what was not flushed is lost in a crash).
    /// It holds a commit once the commit is ordered, as a node's chain store does.
    /// </summary>
    public InMemoryChainStore Chain { get; } = new();

    /// <summary>The host's safety state, in the node's own safety store twin.</summary>
    public InMemorySafetyStore Safety { get; } = new();

    /// <summary>
    /// Every block consensus committed on this host, in height order, kept across restarts: what the safety checks
    /// compare. An observation of the run, not something the host reads back.
    /// </summary>
    public List<(Block Block, QuorumCertificate Certificate)> Commits { get; } = [];

    /// <summary>Transactions this host has received, kept across restarts: an observation for the fairness check.</summary>
    public HashSet<Hash> Seen { get; } = [];

    public ConsensusCore? Core { get; set; }

    /// <summary>Carries the core's outputs: the same interpreter the node runs. Set and lost together with <see cref="Core"/>.</summary>
    public ConsensusDriver? Driver { get; set; }

    /// <summary>The rest of the node's memory; set and lost together with <see cref="Core"/>.</summary>
    public NodeState? Node { get; set; }

    /// <summary>How far this host's wall clock is off, in milliseconds (0 for faulty hosts: their timestamps are theirs to pick anyway).</summary>
    public int ClockSkewMs { get; init; }

    /// <summary>How late this host's L1 watcher sees the simulated L1, in milliseconds (drawn for every host).</summary>
    public int L1LagMs { get; init; }

    /// <summary>Batches this host has cut; the next one's sequence is one more. Kept across restarts, as a node keeps it on disk.</summary>
    public ulong BatchSequence { get; set; }

    public bool Alive => Core is not null;

    /// <summary>Every epoch this host ended, in order: its simulated epoch log, kept across restarts as a node keeps it on disk.</summary>
    public List<EpochEnded> EpochEnds { get; } = [];

    /// <summary>An epoch the core ended in the step being carried; the host switches once the step is done.</summary>
    public EpochEnded? PendingEpochEnd { get; set; }

    public long RestartAtTick { get; set; } = -1;

    public int Restarts { get; set; }

    /// <summary>The side of the current partition this host is on.</summary>
    public int Side { get; set; }
}

using Fairway.Consensus.Messages;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Validators;

namespace Fairway.Consensus.Engine;

/// <summary>
/// Two-chain HotStuff (Jolteon family) as a pure state machine: <see cref="Step"/> takes one input and returns the
/// outputs the host must carry out, in order. No clock, socket, file or thread is touched here; time is the count of
/// <see cref="Tick"/> inputs and randomness is the injected <see cref="Random"/>, so the same inputs always give the
/// same outputs.
/// </summary>
public sealed partial class ConsensusCore
{
    private readonly ConsensusConfig _config;
    private readonly CertificateVerifier _certificates;
    private readonly ValidatorSet _validators;
    private readonly ISigner _signer;
    private readonly Random _random;
    private readonly ushort _self;
    private readonly Hash _chainId;

    /// <summary>What this epoch's proposals, votes and timeouts are signed under (<see cref="SigningDomain.EpochId"/>).</summary>
    private readonly Hash _signingId;
    private readonly BlockTree _tree;

    private readonly RoundIndexed<RoundVotes> _votes = new();
    private readonly RoundIndexed<RoundTimeouts> _timeouts = new();
    private readonly RoundIndexed<RoundProposals> _proposalsSeen = new();
    private readonly Dictionary<(ulong Round, Hash Block), QuorumCertificate> _verifiedQcs = [];
    private readonly Dictionary<Hash, QuorumCertificate> _certified = [];
    private readonly Dictionary<Hash, Block> _fetched = [];
    private readonly Dictionary<Hash, List<Block>> _fetchedByParent = [];
    private readonly Dictionary<Hash, WantedBlock> _wanted = [];
    private readonly Dictionary<Hash, List<(int From, ProposalMessage Proposal, bool Local)>> _pendingProposals = [];
    // The blocks those buffered proposals carry, with their parents: not asked of a peer while their chain is fetched (see Want).
    private readonly Dictionary<Hash, (int Count, Hash Parent)> _pendingBlocks = [];
    // Per round so it is dropped with the rounds below the evidence window, where no new evidence is looked for.
    private readonly RoundIndexed<HashSet<(ushort Validator, EvidenceKind Kind)>> _evidenceReported = new();
    private readonly LeaderReputation _reputation;
    private readonly Dictionary<Hash, Block> _history = [];
    private readonly Queue<Hash> _historyOrder = new();
    private readonly int _historyMax;
    private readonly long[] _lastHeardTick;

    /// <summary>Blocks of the current round whose batches the host confirmed; cleared on every new round.</summary>
    private readonly HashSet<Hash> _availableBlocks = [];
    private readonly Dictionary<Hash, Block> _awaitingAvailability = [];
    private const int AwaitedBlocksPerRoundMax = 8;

    private List<ConsensusOutput> _out = [];
    private ulong _round;
    private long _tick;
    private long _roundStartTick;
    private long _roundDeadlineTick;
    private ulong _payloadRequestedRound;
    private int _nextSyncPeer;
    private bool _started;

    /// <summary>Set once the epoch's last block is committed: this core takes no more inputs and the host starts the next epoch.</summary>
    private bool _ended;

    public ConsensusCore(
        ConsensusConfig config,
        CertificateVerifier certificates,
        int self,
        ISigner signer,
        Random random,
        RecoveredState? recovered = null)
    {
        _config = config ?? throw new ArgumentNullException(nameof(config));
        _certificates = certificates ?? throw new ArgumentNullException(nameof(certificates));
        _signer = signer ?? throw new ArgumentNullException(nameof(signer));
        _random = random ?? throw new ArgumentNullException(nameof(random));
        _validators = certificates.Validators;
        if (!_validators.Contains(self))
        {
            throw new ArgumentOutOfRangeException(nameof(self), "not a member of the validator set");
        }

        if (_validators[self].PublicKey != signer.PublicKey)
        {
            throw new ArgumentException("the signer's key is not the key the validator set lists for this validator", nameof(signer));
        }

        _self = (ushort)self;
        _chainId = certificates.ChainId;
        _signingId = certificates.SigningId;
        _nextSyncPeer = self;

        var genesis = certificates.Root;
        if (recovered?.Safety is { } safety && safety.Epoch != certificates.Epoch)
        {
            throw new ArgumentException($"a safety state of epoch {safety.Epoch} given to a core of epoch {certificates.Epoch}", nameof(recovered));
        }

        if (recovered?.CommittedTip is { } tip && tip.Height < genesis.Height)
        {
            throw new ArgumentException($"committed tip {tip.Height} is below the epoch's root {genesis.Height}", nameof(recovered));
        }

        Safety = recovered?.Safety ?? SafetyState.Initial(certificates.RootCertificate, certificates.Epoch);
        _tree = new BlockTree(recovered?.CommittedTip ?? genesis, config.BlockTreeBlocksMax);
        _lastHeardTick = new long[_validators.Count];
        _historyMax = LeaderReputation.HistoryBlocksNeeded(config.LeaderReputationWindowBlocks);
        _reputation = new LeaderReputation(_validators, config.LeaderReputationWindowBlocks, FindBlock);
        foreach (var b in (recovered?.RecentCommitted ?? []).OrderBy(b => b.Height))
        {
            if (b.ChainId == _chainId && b.Height < CommittedTip.Height)
            {
                RememberCommitted(b);
            }
        }

        foreach (var b in (recovered?.UncommittedBlocks ?? []).OrderBy(b => b.Height))
        {
            if (b.ChainId == _chainId)
            {
                _tree.TryInsert(b);
            }
        }
    }

    /// <summary>How many committed blocks below the tip a host should hand back in <see cref="RecoveredState.RecentCommitted"/>.</summary>
    public static int HistoryBlocksNeeded(ConsensusConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return LeaderReputation.HistoryBlocksNeeded(config.LeaderReputationWindowBlocks);
    }

    public int Self => _self;

    public ulong Round => _round;

    public SafetyState Safety { get; private set; }

    public QuorumCertificate HighQc => Safety.HighQc;

    public TimeoutCertificate? HighTc => Safety.HighTc;

    public Block CommittedTip => _tree.CommittedTip;

    public int BlockTreeCount => _tree.Count;

    /// <summary>Blocks asked of peers, blocks fetched but not yet linked to the tree, and proposals waiting for a parent.</summary>
    public (int Wanted, int Fetched, int PendingProposals) SyncBacklog => (_wanted.Count, _fetched.Count, _pendingProposals.Values.Sum(l => l.Count));

    public ConsensusStats Stats { get; } = new();

    /// <summary>
    /// Entries held in the per-round and per-block caches that pruning must keep bounded; for tests and metrics.
    /// </summary>
    public RetainedCounts Retained => new(
        _evidenceReported.Count,
        _verifiedQcs.Count,
        _certified.Count,
        _proposalsSeen.Count,
        _votes.Count,
        _timeouts.Count,
        _tree.Count,
        _history.Count);

    public ValidatorSet Validators => _validators;

    public ConsensusConfig Config => _config;

    public CertificateVerifier Certificates => _certificates;

    public ulong Epoch => _certificates.Epoch;

    /// <summary>The leader of a round on the chain this validator would extend now (its high QC's block).</summary>
    public int LeaderOf(ulong round) => _reputation.LeaderFor(round, HighQc.BlockHash) ?? _validators.LeaderOf(round);

    /// <summary>The leader of a round on a chain ending at <paramref name="anchor"/>; null if that block is unknown here.</summary>
    public int? LeaderFor(ulong round, Hash anchor) => _reputation.LeaderFor(round, anchor);

    /// <summary>Validators that may lead on the chain this validator would extend now; all of them when null.</summary>
    public IReadOnlyList<int>? EligibleLeaders => _reputation.EligibleAfter(HighQc.BlockHash);

    /// <summary>Ticks a round is given now before this validator times out, without the back-off for failures.</summary>
    public long BaseTimeoutTicks => AdaptiveBaseTicks();

    /// <summary>Begins participating: enters the round after the highest QC the validator remembers.</summary>
    public IReadOnlyList<ConsensusOutput> Start()
    {
        _out = [];
        if (!_started)
        {
            _started = true;
            var round = Math.Max(HighQc.Round, HighTc?.Round ?? 0) + 1;
            EnterRound(round);
            ResendLastVote();
        }

        return _out;
    }

    public IReadOnlyList<ConsensusOutput> Step(ConsensusInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _out = [];
        if (!_started || _ended)
        {
            Stats.Drop(_ended ? "epoch ended" : "not started");
            return _out;
        }

        switch (input)
        {
            case Tick:
                OnTick();
                break;
            case MessageReceived m:
                OnMessage(m.From, m.Message);
                break;
            case PayloadReady p:
                OnPayloadReady(p);
                break;
            case SyncResponse s:
                OnSyncResponse(s.From, s.Blocks);
                break;
            case PayloadAvailable a:
                OnPayloadAvailable(a);
                break;
            default:
                Stats.Drop("unknown input");
                break;
        }

        if (_config.AssertInvariants)
        {
            AssertInvariants();
        }

        return _out;
    }

    private void OnMessage(int from, ConsensusMessage message)
    {
        if (message is null)
        {
            Stats.Drop("null message");
            return;
        }

        // The host authenticates peers, so a message from a validator shows it is up, whatever the message says.
        if (from != _self && _validators.Contains(from))
        {
            _lastHeardTick[from] = _tick;
        }

        switch (message)
        {
            case ProposalMessage p:
                OnProposal(from, p, local: false);
                break;
            case VoteMessage v:
                OnVote(v, local: false);
                break;
            case TimeoutMessage t:
                OnTimeout(from, t);
                break;
            case SyncInfoMessage s:
                OnSyncInfo(from, s);
                break;
            case BlockResponseMessage r:
                OnSyncResponse(from, r.Blocks);
                break;
            default:
                Stats.Drop("message kind is served by the host");
                break;
        }
    }

    /// <summary>
    /// A vote signed just before a crash may never have left: re-send the same signed vote when restarting in its round,
    /// since the voting rule forbids signing a new one and the next leader may need it for a quorum.
    /// </summary>
    private void ResendLastVote()
    {
        if (Safety.LastVote is not { } vote || vote.Round != _round)
        {
            return;
        }

        Stats.VotesResent++;
        SendToNextLeader(vote);
    }

    private void Emit(ConsensusOutput output) => _out.Add(output);

    private Block? FindBlock(Hash hash) =>
        _tree.TryGet(hash, out var block) ? block : _history.TryGetValue(hash, out var old) ? old : null;

    /// <summary>Keeps a bounded tail of committed blocks below the tip, which leader reputation reads.</summary>
    private void RememberCommitted(Block block)
    {
        if (_historyMax == 0 || !_history.TryAdd(block.Hash, block))
        {
            return;
        }

        _historyOrder.Enqueue(block.Hash);
        while (_historyOrder.Count > _historyMax)
        {
            _history.Remove(_historyOrder.Dequeue());
        }
    }

    private void Persist() => Emit(new PersistSafety(Safety));
}

using Fairway.Consensus.Engine;

namespace Fairway.Simulation;

/// <summary>Everything that shapes one simulated run. Together with the seed it determines the run completely.</summary>
public sealed record SimulationOptions
{
    public int Nodes { get; init; } = 4;

    public ulong Seed { get; init; } = 1;

    /// <summary>The fault phase lasts until an honest node reaches this round (or the tick cap).</summary>
    public int Rounds { get; init; } = 300;

    public ByzantineKind Byzantine { get; init; } = ByzantineKind.None;

    /// <summary>How many validators misbehave; for Twins, how many keys run on two nodes.</summary>
    public int Faulty { get; init; }

    /// <summary>Validators that are down for the whole run (honest, never started): the crash a real network sees most.</summary>
    public int Crashed { get; init; }

    /// <summary>Committed blocks that count as warm-up, left out of the block rate (leader reputation needs a window of history).</summary>
    public int WarmupBlocks { get; init; } = 20;

    /// <summary>Chance that any one message is lost during the fault phase.</summary>
    public double Loss { get; init; }

    /// <summary>Chance that any one message is delivered twice.</summary>
    public double DuplicateProbability { get; init; } = 0.01;

    /// <summary>Chance, per fault interval, that the network splits in two while none is in force.</summary>
    public double PartitionProbability { get; init; }

    /// <summary>Chance, per fault interval and per honest node, that the node crashes.</summary>
    public double CrashProbability { get; init; }

    /// <summary>Ticks between fault rolls: about one round when the network is healthy.</summary>
    public int FaultIntervalTicks { get; init; } = 10;

    public int DelayTicksMin { get; init; } = 1;

    public int DelayTicksMax { get; init; } = 5;

    public int PartitionTicksMin { get; init; } = 30;

    public int PartitionTicksMax { get; init; } = 300;

    public int DowntimeTicksMin { get; init; } = 10;

    public int DowntimeTicksMax { get; init; } = 300;

    /// <summary>After the network heals, every honest node must commit this many new blocks ...</summary>
    public int LivenessCommitsRequired { get; init; } = 5;

    /// <summary>... within this many ticks.</summary>
    public int LivenessTicksMax { get; init; } = 10_000;

    /// <summary>Sign with real Ed25519 instead of the fast keyed-hash stand-in.</summary>
    public bool RealCrypto { get; init; }

    public ConsensusConfig Consensus { get; init; } = new();

    /// <summary>
    /// Transactions clients submit per round, in total across the network: each goes to a seeded random running honest
    /// host, which packs what it received into one batch for the round. Submissions stop when the fault phase ends, so
    /// the phase after healing drains them.
    /// </summary>
    public int TransactionsPerRound { get; init; } = 4;

    /// <summary>Namespaces (rollups) the submitted transactions are spread over, ids 1..N.</summary>
    public int Namespaces { get; init; } = 3;

    /// <summary>Each honest host's wall clock is off by a seeded amount in [-N, +N] ms (block timestamps carry it).</summary>
    public int ClockSkewMs { get; init; }

    /// <summary>
    /// Δ of receive-order fairness: transactions every honest host received at least this much (plus the clock skew)
    /// apart must come out in that order, or <c>fairness_violations</c> counts them.
    /// </summary>
    public int FairDelayMs { get; init; } = 250;

    /// <summary>
    /// The ordering policy of every simulated namespace: <c>fcfs</c>, <c>fair</c>, <c>encrypted</c> (clients seal each
    /// transaction to the validators' threshold key; ordered by the fair rules while sealed, decrypted after commit) or
    /// <c>auction</c> (each namespace sells its express lane every <see cref="AuctionEpochMs"/>: simulated bidders send
    /// sealed bids, the winner sends priority bundles, the rest is ordered as <c>fair</c>).
    /// </summary>
    public string Policy { get; init; } = "fcfs";

    /// <summary>
    /// Under <c>auction</c>: the length of an auction epoch in block time. Short, so a default run (about 19 simulated
    /// seconds) sees several epochs; at least <see cref="Ordering.Output.AuctionSettings.EpochMsMin"/>.
    /// </summary>
    public ulong AuctionEpochMs { get; init; } = 2_000;

    /// <summary>Under <c>auction</c>: the lowest bid that counts.</summary>
    public ulong AuctionReservePrice { get; init; } = 10;

    /// <summary>Under <c>auction</c>: simulated bidders, each with a seeded deposit, bidding in every epoch for the next.</summary>
    public int AuctionBidders { get; init; } = 3;

    /// <summary>Test-only: break f+1 honest hosts' auction so the auction invariants can be seen to fire.</summary>
    public AuctionFaultForTesting UnsafeAuctionFaultForTesting { get; init; }

    /// <summary>
    /// Of the submissions, the fraction that are atomic bundles of 2 to 4 legs over random namespaces (each leg a fresh
    /// transaction). Every honest output is checked to hold each bundle whole, each namespace's legs contiguous and in
    /// order, or none of it. Not with <c>encrypted</c>: bundles take no encrypted legs.
    /// </summary>
    public double BundleFraction { get; init; }

    /// <summary>Ticks between re-sends of a host's own output votes for heights it has not certified yet.</summary>
    public int OutputVoteResendTicks { get; init; } = 50;

    /// <summary>Ticks between re-sends of a host's decryption shares while it waits for a height's (1 s at 10 ms ticks, as the node).</summary>
    public int ShareResendTicks { get; init; } = 100;

    /// <summary>
    /// TEST ONLY: this many validators (the faulty ones first) pool their decryption shares of every ciphertext as soon as
    /// they see it in a batch, before any block carries it. At f+1 they open ciphertexts before commit and
    /// <c>plaintext_seen_before_commit</c> must fire; at f their shares reveal nothing. The negative control of that check.
    /// </summary>
    public int EarlyDecryptionColludersForTesting { get; init; }

    /// <summary>Test-only: break honest hosts' output pipeline so the output invariants can be seen to fire.</summary>
    public OutputFaultForTesting UnsafeOutputFaultForTesting { get; init; }

    /// <summary>
    /// TEST ONLY: the time after a receipt from which honest hosts take a list leaving the transaction out as censorship,
    /// instead of the fair delay and a round. Cut to 0 it accuses honest validators of what the fair delay excuses: the
    /// negative control of the false-accusation check.
    /// </summary>
    public ulong? CensorshipGraceMsForTesting { get; init; }

    /// <summary>The engine configuration a run uses: the options' one, with the engine's own invariant checks on.</summary>
    // With epoch changes or an inbox every block goes to the host, as on a node with an L1: only it can check a block's
    // change and inbox section (a censor's empty block is the one that must be refused).
    internal ConsensusConfig EngineConfig => Consensus with { AssertInvariants = true, CheckEveryBlock = Consensus.CheckEveryBlock || EpochChanges > 0 || InboxEnabled };

    /// <summary>When set, the fault phase lasts exactly this many ticks of simulated time instead of until <see cref="Rounds"/>.</summary>
    public long? FaultPhaseTicks { get; init; }

    /// <summary>Order flow from outside (the MEV lab): replaces the synthetic workload, and decides the front-runners' reactions.</summary>
    public IOrderFlow? Flow { get; init; }

    /// <summary>
    /// One profit-seeking operator runs every validator: consensus-honest (they count as honest for every check), but it
    /// builds the batches from what clients hand it, placing its own transactions around each victim as <see cref="Flow"/>
    /// decides. The MEV lab's centralized sequencer (replicated for availability, one owner).
    /// </summary>
    public bool MevOperator { get; init; }

    /// <summary>Milliseconds of simulated time per tick, for the timestamps leaders put in blocks.</summary>
    public int TickMs { get; init; } = 10;

    /// <summary>
    /// The simulated wall clock at tick 0 (2023-11-14 UTC): far enough from zero that a clock running behind never
    /// needs a negative timestamp.
    /// </summary>
    public const long ClockEpochMs = 1_700_000_000_000;

    /// <summary>
    /// Epoch changes planned over the run (0: one epoch): a simulated stake table whose stakes change at evenly spaced
    /// rounds (honest validators 1 to 3, faulty 0 or 1, so the faulty stay under a third in every epoch). Leaders propose
    /// each change once its round has come; voters check it against the plan, their view of the stake table.
    /// </summary>
    public int EpochChanges { get; init; }

    /// <summary>
    /// Test-only: honest voters accept any epoch change, the hole that lets a <see cref="ByzantineKind.StakeGrab"/> leader
    /// commit a change the stake table never had, so the simulator can show its invariant catches it.
    /// </summary>
    public bool UnsafeAcceptAnyEpochChangeForTesting { get; init; }

    /// <summary>
    /// Entries users post to the simulated L1 inbox over the run, each at a seeded round of the fault phase, in a seeded
    /// namespace. Null: none, except under <see cref="ByzantineKind.CensorInbox"/> (<see cref="CensorInboxPostsDefault"/>).
    /// Any posts turn the simulated L1 on: every block then names a final L1 block and carries an inbox section.
    /// </summary>
    public int? InboxPosts { get; init; }

    /// <summary>The posts a <c>censor-inbox</c> run makes when <see cref="InboxPosts"/> is not set.</summary>
    public const int CensorInboxPostsDefault = 24;

    /// <summary>Simulated milliseconds per block of the simulated L1 (its block n is made at n times this).</summary>
    public int L1BlockMs { get; init; } = 1_000;

    /// <summary>D: an inbox entry posted in L1 block n must be included by the chain by L1 block n + D.</summary>
    public int InboxDeadlineBlocks { get; init; } = 10;

    /// <summary>L1 blocks a post needs on top of it before a validator's watcher takes it as final.</summary>
    public int L1Confirmations { get; init; } = 2;

    /// <summary>Each host's L1 watcher sees the L1 a seeded [0, N] simulated ms late, so validators' views differ.</summary>
    public int L1LagMsMax { get; init; } = 250;

    /// <summary>
    /// TEST ONLY: honest validators ignore the L1 inbox: as leaders they include no entry, and as voters they do not
    /// enforce the deadline (they still check any entries a block carries). Forced inclusion is then gone, and the
    /// inbox invariant must fire: the negative control of <c>inbox_late</c> and <c>inbox_missing</c>.
    /// </summary>
    public bool UnsafeIgnoreInboxForTesting { get; init; }

    /// <summary>The inbox posts this run makes.</summary>
    internal int InboxPostsPlanned => InboxPosts ?? (Byzantine == ByzantineKind.CensorInbox ? CensorInboxPostsDefault : 0);

    /// <summary>Whether the run has a simulated L1 with an inbox: blocks name L1 blocks and carry inbox sections.</summary>
    internal bool InboxEnabled => InboxPostsPlanned > 0 || Byzantine == ByzantineKind.CensorInbox;

    public void Validate()
    {
        // One node drives its own votes back into itself without a network between: the simulator needs two or more.
        Require(Nodes is >= 2 and <= 64, "--nodes must be between 2 and 64");
        Require(Rounds is >= 1 and <= 1_000_000, "--rounds must be between 1 and 1000000");
        Require(Faulty >= 0 && Faulty <= Nodes, "--faulty must be between 0 and the number of nodes");
        Require(Byzantine != ByzantineKind.None || Faulty == 0, "--faulty needs a --byzantine kind other than none");
        Require(Crashed >= 0 && Faulty + Crashed < Nodes, "--crashed must be between 0 and the number of nodes minus --faulty minus one");
        Require(WarmupBlocks >= 0, "warm-up blocks must not be negative");
        Require(Loss is >= 0 and < 1, "--loss must be in [0, 1)");
        Require(DuplicateProbability is >= 0 and < 1, "duplicate probability must be in [0, 1)");
        Require(PartitionProbability is >= 0 and <= 1, "--partition-prob must be in [0, 1]");
        Require(CrashProbability is >= 0 and <= 1, "--crash-prob must be in [0, 1]");
        Require(DelayTicksMin >= 1 && DelayTicksMax >= DelayTicksMin, "delays must satisfy 1 <= min <= max");
        Require(TransactionsPerRound is >= 0 and <= 100_000, "--transactions-per-round must be between 0 and 100000");
        Require(Namespaces is >= 1 and <= 64, "namespaces must be between 1 and 64");
        Require(ClockSkewMs is >= 0 and <= 3_600_000, "--clock-skew-ms must be between 0 and 3600000");
        Require(Policy is "fcfs" or "fair" or "encrypted" or "auction", "--policy must be fcfs, fair, encrypted or auction");
        Require(AuctionEpochMs is >= Ordering.Output.AuctionSettings.EpochMsMin and <= Ordering.Output.AuctionSettings.EpochMsMax,
            $"--auction-epoch-ms must be between {Ordering.Output.AuctionSettings.EpochMsMin} and {Ordering.Output.AuctionSettings.EpochMsMax}");
        Require(AuctionBidders is >= 0 and <= 64, "--auction-bidders must be between 0 and 64");
        Require(UnsafeAuctionFaultForTesting == AuctionFaultForTesting.None || Policy == "auction", "an auction fault needs --policy auction");
        Require(Byzantine != ByzantineKind.ReorderExpress || Policy == "auction", "--byzantine reorder-express needs --policy auction");
        Require(Byzantine != ByzantineKind.BadShares || Policy == "encrypted", "--byzantine bad-shares needs --policy encrypted");
        Require(EarlyDecryptionColludersForTesting >= 0 && EarlyDecryptionColludersForTesting <= Nodes, "early decryption colluders must be between 0 and the number of nodes");
        Require(EarlyDecryptionColludersForTesting == 0 || Policy is "encrypted" or "auction", "early decryption colluders need the encrypted or auction policy (sealed bids)");
        Require(FaultPhaseTicks is null or (>= 1 and <= 100_000_000), "the fault phase must last between 1 and 100000000 ticks");
        Require(!MevOperator || Flow is not null, "a MEV operator needs an order flow to react with");
        Require(BundleFraction is >= 0 and <= 1, "--bundle-fraction must be in [0, 1]");
        Require(BundleFraction == 0 || Policy is "fcfs" or "fair", "bundles take no encrypted legs: --bundle-fraction needs --policy fcfs or fair");
        Require(ShareResendTicks >= 1, "the share re-send interval must be at least one tick");
        Require(EpochChanges is >= 0 and <= 100, "--epoch-changes must be between 0 and 100");
        Require(EpochChanges == 0 || Policy == "fcfs", "--epoch-changes runs with --policy fcfs (the simulated fair lane and key generation keep one set)");
        Require(EpochChanges == 0 || Flow is null, "--epoch-changes does not run with an order flow");
        Require(Byzantine != ByzantineKind.StakeGrab || EpochChanges > 0, "--byzantine stake-grab needs --epoch-changes");
        Require(OutputVoteResendTicks >= 1, "the output vote re-send interval must be at least one tick");
        Require(InboxPosts is null or (>= 0 and <= 1_000), "--inbox-posts must be between 0 and 1000");
        Require(L1BlockMs is >= 10 and <= 3_600_000, "--l1-block-ms must be between 10 and 3600000");
        // A leader names an L1 block one behind its newest final one; at D = 1 an entry falls due the moment an honest
        // leader can first include it, and validators whose watchers are a moment apart refuse each other's proposals.
        Require(InboxDeadlineBlocks is >= 2 and <= 100_000, "--inbox-deadline must be between 2 and 100000 L1 blocks");
        Require(L1Confirmations is >= 0 and <= 1_000, "--l1-confirmations must be between 0 and 1000");
        Require(L1LagMsMax >= 0 && L1LagMsMax < L1BlockMs, "the L1 watcher lag must be at least 0 and below one L1 block");
        Require(!InboxEnabled || Policy is "fcfs" or "fair" or "auction", "the simulated L1 inbox runs with --policy fcfs, fair or auction");
        Require(!InboxEnabled || Flow is null, "the simulated L1 inbox does not run with an order flow");
        Require(!UnsafeIgnoreInboxForTesting || InboxEnabled, "ignoring the inbox needs one");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}

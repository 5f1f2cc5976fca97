namespace Fairway.Simulation;

/// <summary>What one seeded run observed.</summary>
public sealed record SimulationResult
{
    public required ulong Seed { get; init; }

    /// <summary>Each broken safety invariant, described so the seed can be replayed and the break found.</summary>
    public required IReadOnlyList<string> SafetyViolations { get; init; }

    public string? LivenessFailure { get; init; }

    public required int DoubleSigns { get; init; }

    public IReadOnlyList<string> DoubleSignReports { get; init; } = [];

    public required int EvidenceDetected { get; init; }

    /// <summary>Committed chain length of each honest node at the end of the run.</summary>
    public required IReadOnlyList<int> CommittedBlocks { get; init; }

    public required ulong RoundsReached { get; init; }

    public required long Ticks { get; init; }

    public required long MessagesDelivered { get; init; }

    public required int Crashes { get; init; }

    public required int Partitions { get; init; }

    /// <summary>Committed blocks per second of simulated time after the warm-up, at the first live honest node.</summary>
    public double BlocksPerSimulatedSecond { get; init; }

    /// <summary>Rounds that ended in a timeout certificate at some honest node.</summary>
    public int Timeouts { get; init; }

    /// <summary>Simulated milliseconds from a block's proposal to its commit at the first live honest node, after the warm-up.</summary>
    public IReadOnlyList<long> CommitLatenciesMs { get; init; } = [];

    /// <summary>Transactions clients submitted to honest hosts.</summary>
    public int TransactionsSubmitted { get; init; }

    /// <summary>Transactions in the outputs certified at the first running honest host, counted per output.</summary>
    public int TransactionsCommitted { get; init; }

    /// <summary>
    /// Of <see cref="TransactionsCommitted"/>, those already certified at a lower height: a batch ordered by two blocks
    /// (its first proposal looked abandoned and the pool offered it again, and both blocks committed).
    /// </summary>
    public int TransactionsRepeated { get; init; }

    /// <summary>
    /// Submitted transactions in no output certified at that host by the end: still in a batch pool or in a block not
    /// yet certified, or lost (<see cref="TransactionsLost"/>). So committed - repeated + pending = submitted.
    /// </summary>
    public int TransactionsPending { get; init; }

    /// <summary>
    /// Of <see cref="TransactionsPending"/>, those in no running host's pool and no committed block: their batch was
    /// held only by hosts that crashed before proposing it. A node's pool is memory, so a client must resubmit these.
    /// </summary>
    public int TransactionsLost { get; init; }

    /// <summary>Atomic bundles clients submitted (their legs count in <see cref="TransactionsSubmitted"/>).</summary>
    public int BundlesSubmitted { get; init; }

    /// <summary>Bundles some honest host output; each output is checked to hold a bundle whole or not at all.</summary>
    public int BundlesOutput { get; init; }

    /// <summary>Heights whose output that host certified.</summary>
    public int OutputsCertified { get; init; }

    /// <summary>Heights at which two honest hosts certified different output headers (each also a safety violation).</summary>
    public int OutputsMismatched { get; init; }

    /// <summary>Distinct (height, validator) pairs honest hosts caught signing an output header that differs from theirs.</summary>
    public int OutputEvidence { get; init; }

    /// <summary>Committed blocks, at that host, whose timestamp is below their parent's (leaders' clocks disagree).</summary>
    public int BlockTimestampRegressions { get; init; }

    public bool Failed => SafetyViolations.Count > 0 || LivenessFailure is not null || DoubleSigns > 0 || OutputsMismatched > 0;

    /// <summary>
    /// Transactions that every honest host received at least the fair delay plus the clock skew before some other
    /// transaction was received by any honest host, yet were ordered after it (at the measured host).
    /// </summary>
    public int FairnessViolations { get; init; }

    /// <summary>
    /// Transactions of the victim namespace (1) that honest validators with more than the faulty stake held for the fair
    /// delay and that the measured host's certified output still lacked 4 rounds later.
    /// </summary>
    public int Censored { get; init; }

    /// <summary>Distinct pieces of censorship evidence honest hosts found against faulty validators (from receipts clients reported).</summary>
    public int CensorshipEvidence { get; init; }

    /// <summary>Distinct pieces of censorship evidence against honest validators: false accusations, which must be 0.</summary>
    public int FalseCensorshipEvidence { get; init; }

    /// <summary>Candidate lists and fair proposals honest hosts refused, by reason.</summary>
    public IReadOnlyDictionary<string, int> FairRefusals { get; init; } = new Dictionary<string, int>();

    /// <summary>Front-running transactions a faulty leader proposed ahead of their victim's.</summary>
    public int FrontRunsTried { get; init; }

    /// <summary>Of those tried, the ones certified ahead of their victim (at the measured host).</summary>
    public int FrontRunsSucceeded { get; init; }

    /// <summary>Transactions clients sealed to the threshold key (the <c>encrypted</c> policy).</summary>
    public int CiphertextsSubmitted { get; init; }

    /// <summary>Client ciphertexts the measured host revealed as their plaintext.</summary>
    public int CiphertextsDecrypted { get; init; }

    /// <summary>
    /// Client ciphertexts some running honest host committed that came out undecryptable there, or were never revealed
    /// there by the end. Must be 0 while at most f validators are faulty.
    /// </summary>
    public int Undecrypted { get; init; }

    /// <summary>
    /// Client ciphertexts of which the faulty validators, pooling every share they hold or received, held a threshold
    /// before any honest host committed the block carrying them (or without one ever committing it). Must be 0.
    /// </summary>
    public int PlaintextSeenBeforeCommit { get; init; }

    /// <summary>Distinct (validator, height, ciphertext) bad decryption shares honest hosts kept as <c>bad-decryption-share</c> evidence.</summary>
    public int BadShareEvidence { get; init; }

    /// <summary>Epoch changes the run's simulated stake table planned.</summary>
    public int EpochChangesPlanned { get; init; }

    /// <summary>The fewest epoch changes any running honest host went through (all of them, when the run was long enough).</summary>
    public int EpochsReachedMin { get; init; }

    /// <summary>Entries users posted to the simulated L1 inbox.</summary>
    public int InboxPosted { get; init; }

    /// <summary>Posted entries some honest host committed.</summary>
    public int InboxIncluded { get; init; }

    /// <summary>
    /// Of the included, those first committed more than the honest watchers' largest L1 lag plus one base round timeout
    /// after their deadline L1 block became final. Must be 0 at f faulty (judged where the network was healed or never broken).
    /// </summary>
    public int InboxLate { get; init; }

    /// <summary>Posted entries never committed, though their deadline and that allowance passed before the run ended. Must be 0 at f faulty.</summary>
    public int InboxMissing { get; init; }

    /// <summary>Posted entries neither committed nor due yet when the run ended (only when the liveness bound cut the run short).</summary>
    public int InboxPending { get; init; }

    /// <summary>Of each included entry, simulated ms from the making of the L1 block it was posted in to its first honest commit.</summary>
    public IReadOnlyList<long> InboxDelaysMs { get; init; } = [];

    /// <summary>Proposals some honest voter refused for their inbox section or L1 reference (no vote).</summary>
    public int InboxRefusals { get; init; }

    /// <summary>Of <see cref="InboxRefusals"/>, the proposals of honest leaders (watchers that disagree about the L1 for a moment).</summary>
    public int InboxRefusalsOfHonestLeaders { get; init; }

    /// <summary>Under <c>auction</c>: auctions decided (result records) in the measured host's certified outputs, all namespaces.</summary>
    public int AuctionEpochs { get; init; }

    /// <summary>Of <see cref="AuctionEpochs"/>, those with a winner.</summary>
    public int AuctionWon { get; init; }

    /// <summary>What the winners paid, over the measured host's result records.</summary>
    public ulong AuctionPriceTotal { get; init; }

    /// <summary>What the settlements in those outputs paid out; equal to <see cref="AuctionSettledPriceTotal"/>, or an invariant broke.</summary>
    public ulong AuctionRebatesTotal { get; init; }

    /// <summary>The prices of the epochs settled in those outputs (an epoch still running at the end is not settled yet).</summary>
    public ulong AuctionSettledPriceTotal { get; init; }

    /// <summary>Sealed bids the simulated bidders sent.</summary>
    public int AuctionBidsSubmitted { get; init; }

    /// <summary>Bids the measured host's auctions counted (the result records' counts: every bid an auction looked at, refused ones included).</summary>
    public int AuctionBidsCounted { get; init; }

    /// <summary>Bids revealed at a height of the epoch they bid for or later: too late, and never counted.</summary>
    public int AuctionBidsLate { get; init; }

    /// <summary>Priority bundles the winning controllers sent (some out of order, one per epoch held back and sent later).</summary>
    public int ExpressBundlesSubmitted { get; init; }

    /// <summary>Of those, the bundles in the measured host's certified outputs.</summary>
    public int ExpressBundlesOutput { get; init; }

    /// <summary>Bundles some honest host output out of sequence order or past a gap. Must be 0.</summary>
    public int ExpressBundlesOutOfOrder { get; init; }
}

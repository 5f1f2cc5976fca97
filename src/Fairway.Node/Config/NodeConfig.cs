using System.Text.Json.Serialization;
using Fairway.Api;

namespace Fairway.Node.Config;

/// <summary>One validator's own settings. Relative paths are relative to the config file's directory.</summary>
public sealed record NodeConfig
{
    /// <summary>
    /// <c>validator</c> (the default, also when absent): a validator with a key in genesis. <c>full</c>: a full node, without a key, that
    /// follows the chain from validators (<see cref="Follow"/>), checks every certificate, keeps its own index and serves
    /// the read API and the streams.
    /// </summary>
    [JsonPropertyName("role")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Role { get; init; }

    /// <summary>A full node's sources: API URLs of the nodes it reads firm heights from, tried in turn; by default every validator's <c>api</c> in genesis.</summary>
    [JsonPropertyName("follow")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Follow { get; init; }

    /// <summary>
    /// Where this validator dials some of its peers instead of their <c>p2p</c> address in genesis: validator index (a
    /// decimal string, e.g. "2") to "host:port". For private networks and NAT, and for tests that route links through a
    /// proxy. Peers still prove the key genesis lists for the index, so an address here cannot impersonate anyone.
    /// </summary>
    [JsonPropertyName("peer_addresses")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? PeerAddresses { get; init; }

    /// <summary>This validator's name in the genesis file (validators only).</summary>
    [JsonPropertyName("validator")]
    public string Validator { get; init; } = "";

    [JsonPropertyName("key_file")]
    public string KeyFile { get; init; } = "";

    [JsonPropertyName("genesis_file")]
    public required string GenesisFile { get; init; }

    [JsonPropertyName("data_dir")]
    public required string DataDir { get; init; }

    /// <summary>ip:port the validator listens on for its peers.</summary>
    [JsonPropertyName("p2p_listen")]
    public string P2pListen { get; init; } = "";

    /// <summary>URL the HTTP API listens on, e.g. http://127.0.0.1:27100.</summary>
    [JsonPropertyName("api_listen")]
    public required string ApiListen { get; init; }

    [JsonIgnore]
    public bool IsFullNode => Role == "full";

    [JsonPropertyName("batch_interval_ms")]
    public int BatchIntervalMs { get; init; } = 20;

    [JsonPropertyName("batch_transactions_max")]
    public int BatchTransactionsMax { get; init; } = 2_000;

    [JsonPropertyName("mempool_transactions_max")]
    public int MempoolTransactionsMax { get; init; } = 200_000;

    /// <summary>Admission control: refuse submissions while the oldest batch not yet proposed has waited longer than this (0: off).</summary>
    [JsonPropertyName("admission_wait_max_ms")]
    public int AdmissionWaitMaxMs { get; init; }

    /// <summary>Admission control: refuse submissions while this many batched transactions wait to be proposed.</summary>
    [JsonPropertyName("admission_backlog_transactions_max")]
    public int AdmissionBacklogTransactionsMax { get; init; } = 65_536;

    /// <summary>Admission control: refuse submissions while this many committed transactions wait to be indexed.</summary>
    [JsonPropertyName("admission_unindexed_transactions_max")]
    public int AdmissionUnindexedTransactionsMax { get; init; } = 16_384;

    /// <summary>Admission control: refuse submissions while this many heights committed by the network wait to be applied here.</summary>
    [JsonPropertyName("admission_catch_up_heights_max")]
    public int AdmissionCatchUpHeightsMax { get; init; } = 256;

    /// <summary>
    /// Free bytes kept on the data directory's file system for consensus: below it a validator refuses new submissions
    /// (503 <c>disk_full</c>) and cuts no batches of new work, but keeps voting and storing blocks. 0 turns it off.
    /// </summary>
    [JsonPropertyName("disk_reserve_bytes")]
    public long DiskReserveBytes { get; init; } = 64L * 1024 * 1024;

    [JsonPropertyName("payload_bytes_max")]
    public int PayloadBytesMax { get; init; } = 128 * 1024;

    /// <summary>How long a leader with nothing to order waits before proposing an empty block.</summary>
    [JsonPropertyName("empty_block_delay_ms")]
    public int EmptyBlockDelayMs { get; init; } = 250;

    /// <summary>Δ of the fair policy: a fair-lane transaction is listed once this validator has held it this long.</summary>
    [JsonPropertyName("fair_delay_ms")]
    public int FairDelayMs { get; init; } = 250;

    /// <summary>How far honest validators' clocks may differ: the slack a voter allows on a candidate list's clock reading.</summary>
    [JsonPropertyName("clock_skew_ms")]
    public int ClockSkewMs { get; init; } = 500;

    /// <summary>
    /// TEST ONLY: shifts this validator's clock by this many milliseconds (it may be negative), to test fairness under
    /// clock skew on real processes. Refused unless <c>FAIRWAY_ALLOW_TEST_SETTINGS=1</c> is set in the environment.
    /// </summary>
    [JsonPropertyName("clock_offset_ms")]
    public int ClockOffsetMs { get; init; }

    /// <summary>
    /// TEST ONLY: a file holding one integer, milliseconds (may be negative, at most an hour either way), added to this
    /// validator's clock on top of <see cref="ClockOffsetMs"/>; re-read about every 500 ms, so a test can make a running
    /// validator's clock jump forward or back. Refused unless <c>FAIRWAY_ALLOW_TEST_SETTINGS=1</c>.
    /// </summary>
    [JsonPropertyName("test_clock_file")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TestClockFile { get; init; }

    /// <summary>
    /// TEST ONLY: this validator censors the namespace: it receipts its transactions but drops them, and never lists
    /// those it sees in peers' batches, so
    /// tests can show the censorship evidence receipts give. Refused unless <c>FAIRWAY_ALLOW_TEST_SETTINGS=1</c>.
    /// </summary>
    [JsonPropertyName("test_censor_namespace")]
    public ulong? TestCensorNamespace { get; init; }

    /// <summary>
    /// TEST ONLY: this validator makes and sends no decryption shares (as if it lost its key share), so tests can hold a
    /// committed encrypted block below the decryption threshold. Refused unless <c>FAIRWAY_ALLOW_TEST_SETTINGS=1</c>.
    /// </summary>
    [JsonPropertyName("test_withhold_shares")]
    public bool TestWithholdShares { get; init; }

    /// <summary>
    /// TEST ONLY: this validator sends wrong decryption shares (it decrypts with its right ones), so tests can show the
    /// <c>bad-decryption-share</c> evidence its peers keep. Refused unless <c>FAIRWAY_ALLOW_TEST_SETTINGS=1</c>.
    /// </summary>
    [JsonPropertyName("test_corrupt_shares")]
    public bool TestCorruptShares { get; init; }

    /// <summary>
    /// TEST ONLY: an adversary that front-runs by reordering. This validator holds the transactions clients submit to it
    /// for this many milliseconds, then packs them newest first, so under <c>fcfs</c> a transaction that reached it later
    /// is ordered ahead of earlier ones, against its own signed receipts; under <c>fair</c> the candidate lists decide and
    /// the reordering does not survive. Logged as a warning at startup and while it acts. 0 (the default) is off.
    /// Refused unless <c>FAIRWAY_ALLOW_TEST_SETTINGS=1</c>.
    /// </summary>
    [JsonPropertyName("test_front_run_hold_ms")]
    public int TestFrontRunHoldMs { get; init; }

    /// <summary>Requests per second one client address may make to the API.</summary>
    [JsonPropertyName("api_requests_per_second")]
    public int ApiRequestsPerSecond { get; init; } = 2_000;

    /// <summary>A stream subscriber further behind the committed chain than this many heights is disconnected.</summary>
    [JsonPropertyName("stream_lag_heights_max")]
    public ulong StreamLagHeightsMax { get; init; } = 100_000;

    [JsonPropertyName("query")]
    public QueryConfig Query { get; init; } = new();

    /// <summary>This validator's link to the L1 (settlement, the stake table); absent means the node orders without settling.</summary>
    [JsonPropertyName("l1")]
    public L1Config? L1 { get; init; }

    /// <summary>
    /// TEST ONLY: besides its true settlement statement for each settled height, this validator signs a second one on a
    /// made-up output and sends both: a double attestation its peers report to the L1, which slashes it. Refused unless
    /// <c>FAIRWAY_ALLOW_TEST_SETTINGS=1</c>.
    /// </summary>
    [JsonPropertyName("test_double_attest")]
    public bool TestDoubleAttest { get; init; }

    /// <summary>
    /// TEST ONLY: when this validator leads, its proposals name an L1 block that does not exist (a made-up hash, far
    /// ahead), so tests can show the other validators refusing to vote for them. Refused unless
    /// <c>FAIRWAY_ALLOW_TEST_SETTINGS=1</c>.
    /// </summary>
    [JsonPropertyName("test_false_l1_reference")]
    public bool TestFalseL1Reference { get; init; }

    /// <summary>
    /// TEST ONLY: when this validator leads, it includes an L1 inbox entry only once its own final L1 block is this many
    /// blocks past the entry's deadline: a lazy leader whose proposals the others refuse meanwhile, so tests can show the
    /// deadline enforced by votes. 0 (the default) is off. Refused unless <c>FAIRWAY_ALLOW_TEST_SETTINGS=1</c>.
    /// </summary>
    [JsonPropertyName("test_inbox_delay_blocks")]
    public int TestInboxDelayBlocks { get; init; }

    /// <summary>
    /// TEST ONLY: besides its real vote, which it sends to every peer, this validator signs a second vote for the same
    /// round on a made-up block and sends it to the lowest-index other validator alone: an equivocation only that peer
    /// sees, so tests can show the evidence reaches the others by gossip. Refused unless <c>FAIRWAY_ALLOW_TEST_SETTINGS=1</c>.
    /// </summary>
    [JsonPropertyName("test_equivocate_votes")]
    public bool TestEquivocateVotes { get; init; }

    /// <summary>The API's limits, built in this one place so the HTTP server and the endpoints cannot disagree.</summary>
    public ApiLimits ToApiLimits() => new()
    {
        PayloadBytesMax = PayloadBytesMax,
        RequestsPerSecondPerClient = ApiRequestsPerSecond,
        StreamLagHeightsMax = StreamLagHeightsMax,
    };
}

/// <summary>How this validator reaches the L1. The contracts and the settlement interval are the network's, in genesis.</summary>
public sealed record L1Config
{
    /// <summary>The L1's JSON-RPC URL, e.g. http://127.0.0.1:8545.</summary>
    [JsonPropertyName("url")]
    public required string Url { get; init; }

    /// <summary>The secp256k1 settlement key (0600 JSON file): signs settlement statements, pays for what this validator relays.</summary>
    [JsonPropertyName("settlement_key_file")]
    public required string SettlementKeyFile { get; init; }

    /// <summary>Blocks on top of an L1 block before the node acts on it: reorganisations shallower than this are never seen.</summary>
    [JsonPropertyName("confirmations")]
    public int Confirmations { get; init; } = 2;

    [JsonPropertyName("poll_ms")]
    public int PollMs { get; init; } = 1_000;
}

/// <summary>Where the API's query index lives: embedded SQLite in the data directory unless a PostgreSQL server is named.</summary>
public sealed record QueryConfig
{
    /// <summary>An Npgsql connection string; empty or absent means embedded SQLite.</summary>
    [JsonPropertyName("postgres")]
    public string? Postgres { get; init; }

    /// <summary>The PostgreSQL schema holding the index, so several validators can share one database.</summary>
    [JsonPropertyName("schema")]
    public string Schema { get; init; } = "fairway_query";
}

using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Validators;
using Fairway.Ordering.Output;
using Fairway.Storage.Query;

namespace Fairway.Api;

/// <summary>What the HTTP API needs from a running validator. Implementations are safe to call from request threads.</summary>
public interface IValidatorApi
{
    Task<SubmitOutcome> SubmitAsync(Transaction transaction, CancellationToken cancellationToken);

    /// <summary>
    /// Why the node refuses submissions right now (admission control: a stage behind the API is full), or null when it
    /// takes them. Read before a submission's body is, so refusing under overload costs next to nothing.
    /// </summary>
    SubmitRefusal? BusyReason => null;

    /// <summary>
    /// <see cref="BusyReason"/> for a request about to be refused on it: the node also counts the refusal (one per
    /// request, its body unread) in its metrics.
    /// </summary>
    SubmitRefusal? RefuseIfBusy() => BusyReason;

    /// <summary>Submits many transactions in one step of the validator's loop; no receipts (one signature each would dominate the cost).</summary>
    Task<IReadOnlyList<SubmitStatus>> SubmitManyAsync(IReadOnlyList<Transaction> transactions, CancellationToken cancellationToken);

    /// <summary>The committed chain as indexed for queries.</summary>
    IQueryStore Query { get; }

    /// <summary>Recent blocks with decoded batches and proof trees, shared by all readers.</summary>
    BlockCache Blocks { get; }

    TransactionStatus? GetStatus(Hash transactionHash);

    Hash ChainId { get; }

    /// <summary>The roster with the current epoch's stakes.</summary>
    ValidatorSet Validators { get; }

    /// <summary>The consensus epoch (0 until the stake table first changes the stakes).</summary>
    ulong Epoch => 0;

    /// <summary>The first height of the current epoch.</summary>
    ulong EpochStartHeight => 1;

    /// <summary>The epochs this validator entered after genesis, oldest first (a bounded recent tail).</summary>
    IReadOnlyList<EpochView> EpochHistory => [];

    /// <summary>Which ordering policy orders each namespace (from genesis).</summary>
    NamespaceRegistry Namespaces { get; }

    /// <summary>Network addresses from the genesis file, by validator index.</summary>
    IReadOnlyList<string> ValidatorAddresses { get; }

    /// <summary>Completes once a block at <paramref name="height"/> or above is indexed (or the token is cancelled).</summary>
    Task WaitForHeightAsync(ulong height, CancellationToken cancellationToken);

    /// <summary>Evidence found by this validator from index <paramref name="from"/>, at most <paramref name="max"/>, and the next index.</summary>
    (IReadOnlyList<EvidenceRecord> Records, long Next) ReadEvidence(long from, int max);

    /// <summary>
    /// Receipts a user holds for <paramref name="transaction"/>, to watch for censorship: each signer's lists in later
    /// committed blocks are checked against its receipt. How many were taken, or why the rest were refused.
    /// </summary>
    ReceiptReport ReportReceipts(Core.Crypto.Hash transaction, IReadOnlyList<Receipt> receipts);

    /// <summary>Metrics in the Prometheus text exposition format.</summary>
    string RenderMetrics();

    ApiLimits Limits { get; }

    /// <summary>The chain's threshold encryption key as this validator's key generation left it.</summary>
    EncryptionKeyView EncryptionKey { get; }

    /// <summary>Where this validator's settlement on the L1 stands; null when it runs without an L1.</summary>
    SettlementView? Settlement { get; }

    /// <summary>
    /// This validator's signed slash report for the record in its own evidence log whose <see cref="EvidenceHash"/> is
    /// <paramref name="evidenceHash"/>, naming the offender's L1 account; or why not (no L1, unknown evidence, the
    /// offender not in the stake table).
    /// </summary>
    SlashAttestationAnswer AttestEvidence(byte[] evidenceHash);

    /// <summary>How far the chain has included the L1 inbox and this validator has read it; null on a chain without one.</summary>
    InboxState? Inbox => null;

    /// <summary>The chain's express-lane auctions as the ordering stage runs them; null on a chain without <c>auction</c> namespaces.</summary>
    Ordering.Auction.AuctionBook? Auctions => null;

    /// <summary>The validator's clock, Unix ms: which auction epoch takes bids now.</summary>
    long NowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>
    /// Firm height <paramref name="height"/> encoded as a <see cref="Storage.FirmBlock"/>, for full nodes that follow this
    /// node; null while the height is not firm here (or when this node does not serve them).
    /// </summary>
    byte[]? FirmBlockBytes(ulong height) => null;

    /// <summary>Inbox entry <paramref name="index"/> as this validator read it from a final L1 block, while it still holds it.</summary>
    Core.Inbox.InboxItem? InboxEntry(ulong index) => null;
}

/// <summary>The L1 inbox: its address, the index the committed chain includes up to, the newest index read, and the L1 block read through.</summary>
public sealed record InboxState(string Contract, ulong CommittedIndex, ulong LatestIndex, ulong ReadThroughBlock);

/// <summary>The L1 as this validator's watcher last read it (at a final block), and its own settlement signing.</summary>
public sealed record SettlementView(
    string L1Url,
    IReadOnlyDictionary<string, string> Contracts,
    ulong IntervalHeights,
    string SettlementKey,
    ulong SettledHeight,
    ulong AttestedHeight,
    ulong? L1Block,
    ulong? Epoch,
    string? TotalStakeWei,
    int L1Failures,
    IReadOnlyList<SettlementValidatorView> Validators,
    EpochSetView? EpochSet = null);

/// <summary>The validator set the stake table gives for the epoch read (what epochs will hand consensus), and the entries left out, with why.</summary>
public sealed record EpochSetView(ulong Epoch, IReadOnlyList<EpochSetMemberView> Members, IReadOnlyList<string> Refused);

public sealed record EpochSetMemberView(string Account, string ConsensusKey, ulong StakeGwei, string P2p, string? Api);

/// <summary>
/// An epoch after genesis: its number, the epoch before it, the height of that epoch's last block (which carries the
/// change, and whose certified output hands the set over) and the stakes by validator index.
/// </summary>
public sealed record EpochView(ulong Epoch, ulong Previous, ulong LastBlockHeight, IReadOnlyList<ulong> Stakes);

/// <summary>One validator of the stake table at the watcher's final block.</summary>
public sealed record SettlementValidatorView(string Account, string ConsensusKey, string SettlementKey, string WeightWei, bool Exited, bool Jailed);

/// <summary>
/// Why a validator refuses submissions now: a stage behind the API is full (429 <c>busy</c>, retry soon), or its disk is
/// below the reserve (503 <c>disk_full</c>: it takes no new work until an operator frees space, so go elsewhere).
/// </summary>
public sealed record SubmitRefusal(string Message, bool DiskFull = false);

public enum SubmitStatus
{
    Accepted,
    Duplicate,
    Busy,
}

/// <summary>The validator's signed statement that it received a transaction, and when.</summary>
public sealed record Receipt(int Validator, ulong ReceivedAtMs, Signature Signature)
{
    /// <summary>What a receipt in JSON must look like, for the error that refuses one that does not.</summary>
    public const string JsonShape = "each receipt needs validator (index), received_at_ms (unix ms) and signature (128 hex characters)";

    /// <summary>A receipt as users hand it back (<c>{"validator", "received_at_ms", "signature"}</c>), or null when malformed. The signature is not checked here.</summary>
    public static Receipt? TryRead(System.Text.Json.JsonElement item) =>
        item.ValueKind == System.Text.Json.JsonValueKind.Object
        && item.TryGetProperty("validator", out var v) && v.TryGetInt32(out var validator) && validator >= 0
        && item.TryGetProperty("received_at_ms", out var at) && at.TryGetUInt64(out var receivedAtMs)
        && item.TryGetProperty("signature", out var sig) && sig.ValueKind == System.Text.Json.JsonValueKind.String
        && sig.GetString() is { Length: Signature.Size * 2 } sigHex && sigHex.All(char.IsAsciiHexDigit)
            ? new Receipt(validator, receivedAtMs, new Signature(Convert.FromHexString(sigHex)))
            : null;
}

public sealed record SubmitOutcome(SubmitStatus Status, Hash Hash, Receipt? Receipt);

/// <summary>The commitment levels of docs/ARCHITECTURE.md: received, soft (in a certified block), firm (committed, ordered, output certified).</summary>
public enum CommitmentLevel
{
    Received,

    /// <summary>Fair namespaces: a proposal this validator holds carries candidate lists from more than a third of the stake naming it.</summary>
    Included,
    Soft,
    Firm,

    /// <summary>Firm, and the L1's light client has accepted an output header at or above the transaction's height.</summary>
    Settled,
}

public sealed record TransactionStatus(CommitmentLevel Level, ulong? Height, int? Index);

public sealed record ApiLimits
{
    public int PayloadBytesMax { get; init; } = 128 * 1024;

    public int RequestBytesMax { get; init; } = 8 * 1024 * 1024;

    public int BatchSubmitMax { get; init; } = 1_000;

    public int RangeLengthMax { get; init; } = 100;

    /// <summary>Requests per second each client address may make, with a burst of twice that.</summary>
    public int RequestsPerSecondPerClient { get; init; } = 2_000;

    /// <summary>A stream subscriber further behind the chain than this many heights is disconnected.</summary>
    public ulong StreamLagHeightsMax { get; init; } = 100_000;
}

/// <summary>The answer to reported receipts: how many are now watched, and the first refusal, if any.</summary>
public sealed record ReceiptReport(int Watched, string? Error);

using System.Globalization;
using System.Text;
using Fairway.Api;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Output;
using Fairway.Core.Validators;
using Fairway.Node.Config;
using Fairway.Ordering.Output;
using Fairway.Storage;
using Fairway.Storage.Query;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fairway.Node.Full;

/// <summary>
/// A full node: no key and no vote. It reads each firm height whole from the nodes it follows
/// (<c>GET /v1/sync/block/{h}</c>), checks it against the validator sets it trusts from genesis and verified epoch
/// hand-overs (the block's QC, the output certificate, the header chain, and that the batches rebuild exactly the
/// certified output), stores and indexes it, and serves the read API and the streams from its own index. Rollups and
/// explorers read from full nodes so validators spend their CPU on ordering; a full node's answers carry the same proofs,
/// so a client trusts it no more than a validator.
/// </summary>
public sealed partial class FullNode : BackgroundService, IValidatorApi
{
    private readonly NodeConfig _config;
    private readonly GenesisDocument _genesis;
    private readonly IChainStore _chain;
    private readonly IQueryStore _query;
    private readonly Client.TrustedEpochs _epochs;
    private readonly ILogger _log;
    private readonly FollowSources _sources;
    private TaskCompletionSource _indexed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _followErrors;
    private long _heightsVerified;
    private string _lastError = "";

    public FullNode(NodeConfig config, GenesisDocument genesis, IChainStore chain, IQueryStore query, ILogger<FullNode> log)
    {
        _config = config ?? throw new ArgumentNullException(nameof(config));
        _genesis = genesis ?? throw new ArgumentNullException(nameof(genesis));
        _chain = chain ?? throw new ArgumentNullException(nameof(chain));
        _query = query ?? throw new ArgumentNullException(nameof(query));
        _log = log ?? throw new ArgumentNullException(nameof(log));
        ChainId = Runtime.NodeIdentity.ChainIdOf(genesis.ChainId);
        var validators = new ValidatorSet(genesis.Validators.Select(v => new Validator(v.Name, PublicKey.ParseHex(v.PublicKey), v.Stake)));
        _epochs = new Client.TrustedEpochs(ChainId, validators, Crypto.Ed25519Verifier.Instance);
        Namespaces = ConfigLoader.NamespacesOf(genesis, config.GenesisFile);
        Limits = config.ToApiLimits();
        Blocks = new BlockCache(query);
        _sources = new FollowSources(FollowUrls(config, genesis));
    }

    /// <summary>Where this node reads firm heights from, for the refusal a write request gets.</summary>
    public IReadOnlyList<Uri> Sources => _sources.All;

    public Hash ChainId { get; }

    public NamespaceRegistry Namespaces { get; }

    public ApiLimits Limits { get; }

    public IQueryStore Query => _query;

    public BlockCache Blocks { get; }

    public ValidatorSet Validators => _epochs.Latest.Validators;

    public ulong Epoch => _epochs.Latest.Epoch;

    public ulong EpochStartHeight => _epochs.Latest.FirstHeight;

    public IReadOnlyList<string> ValidatorAddresses => [.. _genesis.Validators.Select(v => v.P2p)];

    public EncryptionKeyView EncryptionKey => _genesis.Encryption is null
        ? EncryptionKeyView.Disabled
        : EncryptionKeyView.Disabled with { State = "unavailable", Failure = "a full node runs no key generation: ask a validator for the encryption key" };

    public SettlementView? Settlement => null;

    private static List<Uri> FollowUrls(NodeConfig config, GenesisDocument genesis)
    {
        var urls = config.Follow is { } follow
            ? follow.Select(u => new Uri(u)).ToList()
            : [.. genesis.Validators.Where(v => !string.IsNullOrWhiteSpace(v.Api)).Select(v => new Uri(v.Api!))];
        return urls.Count > 0
            ? urls
            : throw new ConfigException($"{config.GenesisFile}: no validator lists an api URL, so a full node needs \"follow\" in its config");
    }

    public Task<SubmitOutcome> SubmitAsync(Transaction transaction, CancellationToken cancellationToken) =>
        throw new NotSupportedException("a full node takes no submissions");

    public Task<IReadOnlyList<SubmitStatus>> SubmitManyAsync(IReadOnlyList<Transaction> transactions, CancellationToken cancellationToken) =>
        throw new NotSupportedException("a full node takes no submissions");

    public Api.TransactionStatus? GetStatus(Hash transactionHash) =>
        _query.FindTransaction(transactionHash) is { } firm ? new Api.TransactionStatus(CommitmentLevel.Firm, firm.Height, firm.Index) : null;

    public async Task WaitForHeightAsync(ulong height, CancellationToken cancellationToken)
    {
        while (_query.IndexedHeight < height)
        {
            await Volatile.Read(ref _indexed).Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public (IReadOnlyList<EvidenceRecord> Records, long Next) ReadEvidence(long from, int max) => ([], Math.Max(0, from));

    public ReceiptReport ReportReceipts(Hash transaction, IReadOnlyList<Receipt> receipts) =>
        new(0, "a full node does not watch receipts for censorship: report them to a validator");

    public SlashAttestationAnswer AttestEvidence(byte[] evidenceHash) =>
        SlashAttestationAnswer.Refused(404, "not_a_validator", "a full node finds no evidence and signs no slash reports");

    public byte[]? FirmBlockBytes(ulong height) => height <= _query.IndexedHeight ? _chain.FirmBlockAt(height)?.Encode() : null;

    public string RenderMetrics()
    {
        var text = new StringBuilder();
        Sample(text, "fairway_full_node_indexed_height", "Highest height this full node has verified and indexed.", "gauge", (long)_query.IndexedHeight);
        Sample(text, "fairway_full_node_heights_verified_total", "Heights verified and indexed since start.", "counter", Interlocked.Read(ref _heightsVerified));
        Sample(text, "fairway_full_node_follow_errors_total", "Reads from a followed node that failed or did not verify.", "counter", Interlocked.Read(ref _followErrors));
        Sample(text, "fairway_epoch", "The newest consensus epoch this node trusts.", "gauge", (long)Epoch);
        return text.ToString();
    }

    private static void Sample(StringBuilder text, string name, string help, string type, long value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n{name} {value}\n");

    private void SignalIndexed() =>
        Interlocked.Exchange(ref _indexed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>The last error following hit (for the operator's log and the tests), empty when none.</summary>
    public string LastError => Volatile.Read(ref _lastError);

    private OutputHeader? _previousHeader;
}

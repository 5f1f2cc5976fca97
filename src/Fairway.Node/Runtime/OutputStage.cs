using Fairway.Core.Chain;
using Fairway.Core.Output;
using Fairway.Node.Metrics;
using Fairway.Node.Wire;
using Fairway.Ordering.Output;
using Fairway.Storage;
using Microsoft.Extensions.Logging;

namespace Fairway.Node.Runtime;

/// <summary>What the <see cref="OutputStage"/> needs from the node around it.</summary>
internal interface IOutputStageHost
{
    void Broadcast(WireFrame frame);

    void Send(int peer, WireFrame frame);

    /// <summary>Queue the certificate and the block's indexing for the disk, behind the block's own commit.</summary>
    void StoreCertified(CommittedBlock committed, IReadOnlyList<Batch> batches);

    /// <summary>The certificate of an older certified height, from the chain store.</summary>
    OutputCertificate? ReadCertificate(ulong height);

    /// <summary>Keep evidence of misbehaviour found here (an output header signed against this validator's); the host stamps the time.</summary>
    void Evidence(Api.EvidenceRecord record);
}

/// <summary>
/// Stages 7 and 8 inside the node: orders each committed block (the one <see cref="OrderingStage"/>), signs its output
/// header, gathers the peers' signatures through the pure <see cref="OutputCertifier"/>, and hands certified heights to
/// the disk in height order, which is when they become firm. It owns its state; the node's event loop drives it.
/// <para>
/// Lost votes: a validator re-sends its votes for heights still uncertified every <see cref="ResendMs"/>, and answers a
/// vote for a height it has certified with the whole certificate, so a validator that was away catches up.
/// </para>
/// </summary>
internal sealed partial class OutputStage
{
    public const long ResendMs = 1_000;

    /// <summary>Uncertified heights whose votes are re-sent per round of re-sending.</summary>
    private const int ResendHeightsMax = 64;

    /// <summary>
    /// How often votes are re-sent while the backlog is at its bound (commits held back): a validator back from a pause
    /// or a crash certifies old heights only as fast as peers answer its re-sent votes, and at 16 heights a second it
    /// fell further behind a chain committing 60 (found by the fault campaign).
    /// </summary>
    private const long ResendBehindMs = 100;

    /// <summary>Recent certificates kept to answer lagging peers without reading the store.</summary>
    private const int RecentCertificatesMax = 256;

    /// <summary>Store reads for older certificates per tick: a peer cannot make this validator read its whole chain at once.</summary>
    private const int StoreReadsPerTickMax = 64;

    /// <summary>
    /// Committed heights waiting for their certificate. Certification follows commit by a message delay, so this stays
    /// small; at the bound the node stops applying commits (<see cref="AcceptsCommits"/>) until certification catches up.
    /// </summary>
    public const int UncertifiedMax = 1_024;

    private readonly OrderingStage _ordering;
    private readonly OutputCertifier _certifier;
    private readonly IOutputStageHost _host;
    private readonly NodeMetrics _metrics;
    private readonly ILogger _log;
    private readonly SortedDictionary<ulong, Pending> _uncertified = [];
    private readonly SortedDictionary<ulong, OutputCertificate> _certifiedEarly = [];
    private readonly Dictionary<ulong, OutputCertificate> _recent = [];
    private readonly Queue<ulong> _recentOrder = new();
    private OrderingState _state;
    private long _lastResendMs;
    private int _storeReadsThisTick;

    private sealed record Pending(CommittedBlock Committed, IReadOnlyList<Batch> Batches, OutputVote? Vote);

    public OutputStage(
        NodeIdentity identity, OrderingState start, ulong certifiedHeight, IOutputStageHost host, NodeMetrics metrics, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(identity);
        _ordering = new OrderingStage(identity.ChainId, identity.Namespaces, identity.Validators, Crypto.Ed25519Verifier.Instance, Auction.AuctionViews.For(identity));
        _certifier = new OutputCertifier(identity.ChainId, identity.Validators, identity.Index, identity.Signer, Crypto.Ed25519Verifier.Instance);
        _host = host;
        _metrics = metrics;
        _log = log;
        _state = start;
        CertifiedHeight = certifiedHeight;
        metrics.SetCertifiedHeight(certifiedHeight);
    }

    /// <summary>A fair-lane transaction output within the ordering stage's window of recent inclusions.</summary>
    public bool WasIncluded(Core.Crypto.Hash transaction) => _ordering.WasIncluded(transaction);

    /// <summary>After a restart: the stored outputs of the last heights, oldest first, rebuild the window of recent inclusions.</summary>
    public void RestoreIncluded(IEnumerable<BlockOutput> outputs) => _ordering.Restore(outputs);

    /// <summary>After a restart: the batch digests of the last committed blocks, oldest first, so a batch named again is not output again.</summary>
    public void RestoreBatches(IEnumerable<(ulong Height, IReadOnlyList<Core.Crypto.Hash> Digests)> blocks) => _ordering.RestoreBatches(blocks);

    /// <summary>The chain's auctions (null when it has none): the API reads results and lanes from it.</summary>
    public Ordering.Auction.AuctionBook? Auctions => _ordering.Auctions;

    /// <summary>After a restart: a stored height's final output, in height order from 1, so the auctions read what they read before.</summary>
    public void ReplayAuctions(CommittedBlock stored) => _ordering.OnOutput(stored.Block, stored.Output);

    /// <summary>Every height up to this one is certified and handed to the disk.</summary>
    public ulong CertifiedHeight { get; private set; }

    public int UncertifiedCount => _uncertified.Count;

    /// <summary>False while too many committed heights wait for certificates: back-pressure on the commit pipeline.</summary>
    public bool AcceptsCommits => _uncertified.Count < UncertifiedMax;

    /// <summary>
    /// After a restart: the outputs of stored heights that were committed but not certified, oldest first. Each is voted
    /// on again (signing the same header twice is harmless: the output is a function of the committed block).
    /// </summary>
    public void Resume(OutputHeader? tip, IEnumerable<(CommittedBlock Committed, IReadOnlyList<Batch> Batches)> uncertified)
    {
        var any = false;
        foreach (var (committed, batches) in uncertified)
        {
            any = true;
            Track(committed, batches);
        }

        if (!any && tip is not null)
        {
            // Everything stored is certified: the certifier only needs to know where the chain stands.
            _certifier.OnLocalOutput(tip, alreadyCertified: true);
        }
    }

    /// <summary>Orders a block just committed (its batches all held). The caller queues it for the disk, then calls <see cref="Certify"/>.</summary>
    public CommittedBlock Order(Block block, QuorumCertificate certificate, IReadOnlyList<Batch> batches)
    {
        var (output, next) = _ordering.Order(block, batches, _state);
        _state = next;
        return new CommittedBlock(block, certificate, output);
    }

    /// <summary>
    /// Signs and sends the output of a block already queued for the disk. Certification may complete at once (a single
    /// validator), so the commit must be queued first: its certificate is written after it.
    /// </summary>
    public void Certify(CommittedBlock committed, IReadOnlyList<Batch> batches) => Track(committed, batches);

    private void Track(CommittedBlock committed, IReadOnlyList<Batch> batches)
    {
        _state = new OrderingState(committed.Height, committed.Output.Header.Hash);
        _metrics.OnAuctionSteps(_ordering.OnOutput(committed.Block, committed.Output));
        var events = _certifier.OnLocalOutput(committed.Output.Header);
        var vote = events.OfType<BroadcastOutputVote>().FirstOrDefault()?.Vote;
        _uncertified[committed.Height] = new Pending(committed, batches, vote);
        Carry(events);
    }

    public void OnVote(int peer, OutputVote vote)
    {
        if (vote.Height <= CertifiedHeight)
        {
            // A vote for a height certified here before the newest one comes from a peer that is behind (restarted, or
            // its votes were lost): help it along with the whole certificate. A vote for the newest certified height is
            // most likely one of the usual late votes of a peer that is about to certify it too; it gets none.
            if (vote.Height < CertifiedHeight && Certificate(vote.Height) is { } certificate)
            {
                _host.Send(peer, new OutputCertificateFrame(certificate));
            }

            return;
        }

        Carry(_certifier.OnVote(peer, vote));
    }

    public void OnCertificate(int peer, OutputCertificate certificate) => Carry(_certifier.OnCertificate(peer, certificate));

    public void OnTick(long nowMs)
    {
        _storeReadsThisTick = 0;
        if (_uncertified.Count == 0 || nowMs - _lastResendMs < (AcceptsCommits ? ResendMs : ResendBehindMs))
        {
            return;
        }

        _lastResendMs = nowMs;
        foreach (var pending in _uncertified.Values.Take(ResendHeightsMax))
        {
            if (pending.Vote is { } vote)
            {
                _host.Broadcast(new OutputVoteFrame(vote));
            }
        }
    }

    private void Carry(IReadOnlyList<CertifierEvent> events)
    {
        foreach (var e in events)
        {
            switch (e)
            {
                case BroadcastOutputVote v:
                    _host.Broadcast(new OutputVoteFrame(v.Vote));
                    break;
                case OutputCertified c:
                    _certifiedEarly[c.Certificate.Height] = c.Certificate;
                    break;
                case OutputMismatch m:
                    _metrics.OnOutputMismatch();
                    _host.Evidence(new Api.EvidenceRecord(
                        "output_mismatch", m.Validator, null, m.Height, 0,
                        Convert.ToHexStringLower(Core.Encoding.Canonical.Encode(m.Vote)), m.OurHeader.ToHex()));
                    LogMismatch(_log, m.Validator, m.Height, m.TheirHeader.ToHex()[..16], m.OurHeader.ToHex()[..16]);
                    break;
                case OutputVoteRefused r:
                    _metrics.OnOutputVoteRefused();
                    LogRefused(_log, r.From, r.Reason);
                    break;
            }
        }

        // Heights become firm in order, so the index and the streams never have a gap.
        while (_certifiedEarly.Remove(CertifiedHeight + 1, out var next))
        {
            if (!_uncertified.Remove(next.Height, out var pending))
            {
                break;
            }

            var certified = pending.Committed with { OutputCertificate = next };
            _host.StoreCertified(certified, pending.Batches);
            CertifiedHeight = next.Height;
            _metrics.SetCertifiedHeight(CertifiedHeight);
            Remember(next);
        }
    }

    private OutputCertificate? Certificate(ulong height)
    {
        if (_recent.TryGetValue(height, out var recent))
        {
            return recent;
        }

        if (_storeReadsThisTick >= StoreReadsPerTickMax)
        {
            return null;
        }

        _storeReadsThisTick++;
        return _host.ReadCertificate(height);
    }

    private void Remember(OutputCertificate certificate)
    {
        _recent[certificate.Height] = certificate;
        _recentOrder.Enqueue(certificate.Height);
        while (_recentOrder.Count > RecentCertificatesMax)
        {
            _recent.Remove(_recentOrder.Dequeue());
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "output evidence: validator {Validator} signed output {Theirs} for height {Height}, this validator computed {Ours}")]
    private static partial void LogMismatch(ILogger logger, int validator, ulong height, string theirs, string ours);

    [LoggerMessage(Level = LogLevel.Debug, Message = "refused an output vote from validator {Peer}: {Reason}")]
    private static partial void LogRefused(ILogger logger, int peer, string reason);

    /// <summary>Outputs from <paramref name="fromHeight"/> on belong to a new epoch and are certified by its stakes.</summary>
    public void ChangeValidators(ulong fromHeight, Core.Validators.ValidatorSet validators) => _certifier.ChangeValidators(fromHeight, validators);
}

using Fairway.Core.Auction;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Output;
using Fairway.Ordering.Auction;
using Fairway.Ordering.Output;

namespace Fairway.Simulation;

/// <summary>
/// The express-lane auction's invariants (<c>--policy auction</c>), watched from outside the hosts over each honest
/// host's outputs in height order. Read off the outputs alone, with none of the stage's code:
/// <list type="bullet">
/// <item>bids: an epoch's auction (the result record at its first height) counts exactly the bids revealed at the
/// heights of the epoch before, and its winner bid at least the price in one of them;</item>
/// <item>express bundles: in each namespace they come right after the forced inbox entries and the chain's records,
/// each whole, in sequence order from 0 within their epoch with no number skipped;</item>
/// <item>rebates: the first height after an epoch sold at a price pays out exactly that price, once.</item>
/// </list>
/// Also the figures the result reports, at the measured host.
/// </summary>
internal sealed class AuctionChecker(NamespaceRegistry registry)
{
    /// <summary>Where a transaction of a sent priority bundle belongs: its bundle and its place in it.</summary>
    private readonly record struct ExpressPlace(ulong Namespace, ulong Epoch, ulong Sequence, int Index, int Count);

    private readonly Dictionary<Hash, ExpressPlace> _express = [];
    private readonly HashSet<(ulong Namespace, ulong Epoch, ulong Sequence)> _outOfOrder = [];
    private readonly Dictionary<(ulong Namespace, ulong Epoch, ulong Sequence), int> _bundleSizes = [];

    public List<string> Violations { get; } = [];

    public int BundlesSubmitted { get; private set; }

    /// <summary>Bundles some honest host output out of sequence order or past a gap.</summary>
    public int OutOfOrder => _outOfOrder.Count;

    /// <summary>The transactions of every bundle sent: submitted, though in no batch (the stage writes them).</summary>
    public IEnumerable<Hash> ExpressTransactions => _express.Keys;

    public bool IsExpressTransaction(Hash transaction) => _express.ContainsKey(transaction);

    /// <summary>(namespace, epoch, sequence) of a sent bundle's transaction.</summary>
    public (ulong Namespace, ulong Epoch, ulong Sequence)? BundleOf(Hash transaction) =>
        _express.TryGetValue(transaction, out var place) ? (place.Namespace, place.Epoch, place.Sequence) : null;

    public void OnBundleSent(PriorityBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        BundlesSubmitted++;
        _bundleSizes[(bundle.Namespace, bundle.Epoch, bundle.Sequence)] = bundle.Transactions.Count;
        for (var i = 0; i < bundle.Transactions.Count; i++)
        {
            _express.TryAdd(bundle.Transactions[i].Hash, new ExpressPlace(bundle.Namespace, bundle.Epoch, bundle.Sequence, i, bundle.Transactions.Count));
        }
    }

    /// <summary>What one host's outputs showed so far: the auction state an outside reader keeps.</summary>
    public sealed class HostView
    {
        public Dictionary<ulong, ulong> LastEpoch { get; } = [];

        public Dictionary<ulong, AuctionRecord> LastResult { get; } = [];

        /// <summary>Bids naming each auction namespace, by the epoch of the height that revealed them, in output order.</summary>
        public Dictionary<(ulong Namespace, ulong Epoch), List<AuctionBid>> Revealed { get; } = [];

        public Dictionary<(ulong Namespace, ulong Epoch), ulong> NextSequence { get; } = [];

        public int Epochs { get; set; }

        public int Won { get; set; }

        public ulong PriceTotal { get; set; }

        public ulong RebatesTotal { get; set; }

        public ulong SettledPriceTotal { get; set; }

        public int BidsCounted { get; set; }

        public int BidsLate { get; set; }

        public HashSet<(ulong Namespace, ulong Epoch, ulong Sequence)> BundlesOutput { get; } = [];
    }

    /// <summary>One height of <paramref name="hostId"/>'s outputs, the next after those <paramref name="view"/> has read.</summary>
    public void Check(int hostId, HostView view, Block block, BlockOutput output)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(output);
        foreach (var declaration in registry.Auctions)
        {
            CheckNamespace(hostId, view, block, output, declaration.Id, registry.AuctionOf(declaration.Id)!);
        }

        // The height's bids are read after its auctions were decided: they count for the epoch after this height's.
        for (var i = 0; i < output.Transactions.Count; i++)
        {
            var tx = output.Transactions[i];
            if (tx.Namespace == SystemNamespaces.AuctionBids && AuctionBid.TryDecode(tx.Payload.Span) is { } bid
                && registry.AuctionOf(bid.Namespace) is { } settings)
            {
                var epoch = settings.EpochOf(block.TimestampMs);
                var key = (bid.Namespace, epoch);
                if (!view.Revealed.TryGetValue(key, out var bids))
                {
                    view.Revealed[key] = bids = [];
                }

                bids.Add(bid);
                view.BidsLate += bid.Epoch <= epoch ? 1 : 0;
            }
        }
    }

    private void CheckNamespace(int hostId, HostView view, Block block, BlockOutput output, ulong ns, AuctionSettings settings)
    {
        var height = block.Height;
        var epoch = settings.EpochOf(block.TimestampMs);
        var firstOfEpoch = !view.LastEpoch.TryGetValue(ns, out var lastEpoch) || lastEpoch != epoch;
        view.LastEpoch[ns] = epoch;
        var inboxPosition = block.Inbox is { Entries.Count: > 0 } ? block.AllBatchDigests.Count : -1;

        // In the namespace: inbox entries (0), the chain's records (1), the express lane's bundles (2), the rest (3).
        var phase = 0;
        AuctionRecord? result = null;
        AuctionRecord? settlement = null;
        var bundles = new List<(ulong Epoch, ulong Sequence, List<int> Indices)>();
        for (var i = 0; i < output.Transactions.Count; i++)
        {
            var tx = output.Transactions[i];
            if (tx.Namespace != ns)
            {
                continue;
            }

            var record = AuctionRecord.HasMagic(tx.Payload.Span);
            var express = _express.TryGetValue(tx.Hash, out var place) && place.Namespace == ns;
            var kind = output.Sources[i].BatchPosition == inboxPosition && !record ? 0 : record ? 1 : express ? 2 : 3;
            if (kind < phase)
            {
                Violations.Add($"host {hostId}'s output at height {height}, namespace {ns}: position {i} ({Describe(kind)}) comes after {Describe(phase)}");
            }

            phase = Math.Max(phase, kind);
            if (record)
            {
                switch (AuctionRecord.TryDecode(tx.Payload.Span))
                {
                    case { Kind: AuctionRecordKind.Result } r:
                        result = r;
                        break;
                    case { Kind: AuctionRecordKind.Settlement } s when result is null:
                        settlement = s;
                        break;
                    default:
                        Violations.Add($"host {hostId}'s output at height {height}, namespace {ns}: a record at position {i} that does not decode, or a settlement after the result");
                        break;
                }
            }
            else if (express)
            {
                if (bundles.Count == 0 || bundles[^1].Epoch != place.Epoch || bundles[^1].Sequence != place.Sequence)
                {
                    bundles.Add((place.Epoch, place.Sequence, []));
                }

                bundles[^1].Indices.Add(place.Index);
            }
        }

        CheckSettlement(hostId, view, height, ns, firstOfEpoch, settlement);
        CheckResult(hostId, view, height, ns, epoch, firstOfEpoch, settings, result);
        CheckBundles(hostId, view, height, ns, epoch, bundles);
    }

    private static string Describe(int kind) => kind switch
    {
        0 => "an inbox entry",
        1 => "an auction record",
        2 => "an express bundle's transaction",
        _ => "a fair-lane transaction",
    };

    /// <summary>The first height after an epoch sold at a price settles it: exactly that price, paid out in full, once.</summary>
    private void CheckSettlement(int hostId, HostView view, ulong height, ulong ns, bool firstOfEpoch, AuctionRecord? settlement)
    {
        var owed = firstOfEpoch && view.LastResult.TryGetValue(ns, out var last) && last is { Winner: not null, Price: > 0 } ? last : null;
        if (settlement is null)
        {
            if (owed is not null)
            {
                Violations.Add($"host {hostId}'s output at height {height}, namespace {ns}: epoch {owed.Epoch} sold for {owed.Price} and was not settled");
            }

            return;
        }

        var paid = settlement.Shares.Aggregate(UInt128.Zero, (sum, s) => sum + s.Amount);
        if (owed is null || settlement.Epoch != owed.Epoch || settlement.Price != owed.Price || settlement.Winner != owed.Winner || paid != owed.Price)
        {
            Violations.Add($"host {hostId}'s output at height {height}, namespace {ns}: a settlement of epoch {settlement.Epoch} paying {paid} for a price of {settlement.Price}, "
                + (owed is null ? "when no sold epoch was owed one" : $"where epoch {owed.Epoch} sold for {owed.Price}"));
        }

        view.RebatesTotal += (ulong)paid;
        view.SettledPriceTotal += owed?.Price ?? 0;
    }

    /// <summary>At an epoch's first height its auction is decided over exactly the bids revealed in the epoch before.</summary>
    private void CheckResult(int hostId, HostView view, ulong height, ulong ns, ulong epoch, bool firstOfEpoch, AuctionSettings settings, AuctionRecord? result)
    {
        if (result is null)
        {
            if (firstOfEpoch)
            {
                Violations.Add($"host {hostId}'s output at height {height}, namespace {ns}: the first height of epoch {epoch} has no auction result");
            }

            return;
        }

        if (!firstOfEpoch || result.Epoch != epoch)
        {
            Violations.Add($"host {hostId}'s output at height {height}, namespace {ns}: an auction result for epoch {result.Epoch} at a height of epoch {epoch} that is not its first");
        }

        // An auction keeps the bids naming it, at most 16 a bidder (the simulated bidders sign validly and hold deposits).
        var bids = epoch > 0 && view.Revealed.TryGetValue((ns, epoch - 1), out var revealed) ? revealed : [];
        var expected = Math.Min(
            bids.Where(b => b.Namespace == ns && b.Epoch == epoch).GroupBy(b => b.Bidder).Sum(g => Math.Min(g.Count(), AuctionBook.BidsPerBidderMax)),
            AuctionRule.BidsMax);
        if (result.BidsCounted != expected)
        {
            Violations.Add($"bid counted out of its epoch: host {hostId}'s auction of namespace {ns} for epoch {epoch} (height {height}) counted {result.BidsCounted} bids; {expected} were revealed during epoch {epoch - 1}");
        }

        if (result.Winner is { } winner
            && (result.Price < settings.ReservePrice || !bids.Any(b => b.Bidder == winner && b.Namespace == ns && b.Epoch == epoch && b.Amount >= result.Price)))
        {
            Violations.Add($"host {hostId}'s auction of namespace {ns} for epoch {epoch}: its winner made no bid of at least the price {result.Price} revealed during epoch {epoch - 1}");
        }

        view.LastResult[ns] = result;
        view.Epochs++;
        view.BidsCounted += result.BidsCounted;
        if (result.Winner is not null)
        {
            view.Won++;
            view.PriceTotal += result.Price;
        }
    }

    /// <summary>Bundles of the height's epoch, each whole, in sequence order from where the last height left off, no number skipped.</summary>
    private void CheckBundles(int hostId, HostView view, ulong height, ulong ns, ulong epoch, List<(ulong Epoch, ulong Sequence, List<int> Indices)> bundles)
    {
        foreach (var (bundleEpoch, sequence, indices) in bundles)
        {
            var key = (ns, bundleEpoch);
            var next = view.NextSequence.GetValueOrDefault(key);
            var whole = indices.SequenceEqual(Enumerable.Range(0, indices.Count)) && _bundleSizes.GetValueOrDefault((ns, bundleEpoch, sequence)) == indices.Count;
            if (bundleEpoch != epoch || sequence != next || !whole)
            {
                _outOfOrder.Add((ns, bundleEpoch, sequence));
                Violations.Add($"express lane out of order: host {hostId}'s output at height {height}, namespace {ns}, holds bundle {sequence} of epoch {bundleEpoch}"
                    + $" ({(whole ? "whole" : "not whole")}) where bundle {next} of epoch {epoch} was due");
            }

            view.NextSequence[key] = Math.Max(next, sequence + 1);
            view.BundlesOutput.Add((ns, bundleEpoch, sequence));
        }
    }
}

using Fairway.Core.Auction;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Output;
using Fairway.Ordering.Output;

namespace Fairway.Ordering.Auction;

/// <summary>What a namespace's express lane is now, for the API: the epoch, its controller (null: no lane) and the next sequence number due.</summary>
public sealed record LaneStatus(ulong Namespace, ulong Epoch, PublicKey? Controller, ulong NextSequence, int Waiting);

/// <summary>What one block adds to an <c>auction</c> namespace: its records (settlement, result, the lane's bundles' transactions, in that order).</summary>
public sealed record AuctionStep(ulong Namespace, ulong Epoch, IReadOnlyList<Transaction> Records, AuctionResult? Decided, ExpressLane? Lane, int BundlesRefused);

/// <summary>
/// The auctions of a chain's <c>auction</c> namespaces, as the ordering stage runs them. Its state is a function of the
/// chain's revealed outputs in height order (<see cref="Apply"/>): the epoch of the last height, the express lane sold
/// for it, the sealed bids revealed during it (for the next epoch's auction), its users' fair-lane transactions (for
/// the rebates) and the rollup's deposits (<see cref="IAuctionView"/>). <see cref="Plan"/> says, without changing the
/// state, what a block adds to each auction namespace's output:
/// <list type="bullet">
/// <item>at an epoch's first height, the settlement of the epoch before (its price paid out to its users) and the result
/// of the epoch's auction (decided by <see cref="AuctionRule"/> over the bids revealed during the epoch before);</item>
/// <item>at every height, the priority bundles the lane can take, in sequence order without gaps, their transactions
/// first in the namespace (after forced inbox entries).</item>
/// </list>
/// Bids are read only from revealed outputs of earlier heights, so no bid is read before its block is final and
/// bidding for the epoch has closed. Bounded: bids per auction, users per epoch, results kept.
/// </summary>
public sealed class AuctionBook
{
    /// <summary>Users whose fair-lane transactions count towards one epoch's rebates; later new users do not count.</summary>
    public const int UsersPerEpochMax = 100_000;

    /// <summary>Bids one bidder may have kept in one auction: its highest counts, the rest only take room.</summary>
    public const int BidsPerBidderMax = 16;

    /// <summary>Results kept per namespace for the API (older ones stay in the outputs as records).</summary>
    public const int ResultsKept = 1_024;

    private readonly Hash _chainId;
    private readonly ISignatureVerifier _verifier;
    private readonly SortedDictionary<ulong, NamespaceAuction> _auctions = [];
    private readonly Lock _lock = new();
    private (ulong Height, Hash Block, IReadOnlyList<AuctionStep> Steps)? _planned;

    public AuctionBook(Hash chainId, NamespaceRegistry registry, ISignatureVerifier verifier, Func<ulong, IAuctionView?>? views = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(verifier);
        _chainId = chainId;
        _verifier = verifier;
        foreach (var declaration in registry.Auctions)
        {
            _auctions[declaration.Id] = new NamespaceAuction(declaration.Id, ((AuctionPolicy)declaration.Policy).Settings, views?.Invoke(declaration.Id));
        }
    }

    /// <summary>The last height applied; 0 before any.</summary>
    public ulong AppliedHeight { get; private set; }

    /// <summary>
    /// What <paramref name="block"/> adds to each auction namespace, given the express lanes' transactions its output
    /// holds (in output order). Changes nothing; <see cref="Apply"/> keeps the same steps once the output is final.
    /// </summary>
    public IReadOnlyList<AuctionStep> Plan(Block block, IReadOnlyList<Transaction> expressTransactions)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(expressTransactions);
        if (_planned is { } planned && planned.Height == block.Height && planned.Block == block.Hash)
        {
            return planned.Steps;
        }

        if (block.Height != AppliedHeight + 1)
        {
            // The book must have seen every earlier output: a bid or a bundle counted out of order would fork the chain.
            throw new InvalidOperationException($"the auction book is at height {AppliedHeight}, asked to plan height {block.Height}");
        }

        var steps = new List<AuctionStep>(_auctions.Count);
        foreach (var auction in _auctions.Values)
        {
            steps.Add(Step(auction, block, expressTransactions));
        }

        _planned = (block.Height, block.Hash, steps);
        return steps;
    }

    private AuctionStep Step(NamespaceAuction auction, Block block, IReadOnlyList<Transaction> express)
    {
        var ns = auction.Namespace;
        var epoch = auction.Settings.EpochOf(block.TimestampMs);
        var records = new List<Transaction>();
        AuctionResult? decided = null;
        ExpressLane? lane;
        if (auction.Epoch != epoch)
        {
            if (auction.Lane is not null && auction.LanePrice > 0)
            {
                records.Add(Settlement(auction).ToTransaction());
            }

            var bids = auction.BidsEpoch + 1 == epoch ? auction.Bids : [];
            decided = AuctionRule.Decide(
                _chainId, ns, epoch, auction.Settings.ReservePrice, bids, bidder => auction.View?.DepositOf(bidder) ?? ulong.MaxValue,
                OrderingStage.TieBreakSeed(block), _verifier, auction.SignatureChecked);
            records.Add(AuctionRecord.Result(ns, epoch, decided.Winner, decided.Price, decided.BidsCounted, decided.BidsValid).ToTransaction());
            lane = decided.Winner is { } winner ? new ExpressLane(ns, epoch, winner) : null;
        }
        else
        {
            lane = auction.Lane?.Clone();
        }

        var refused = 0;
        if (lane is not null)
        {
            // Bundles and transfers take effect in the order the fair rules placed them in the express namespace.
            foreach (var tx in express)
            {
                if (PriorityBundle.TryDecode(tx.Payload.Span) is { } bundle && bundle.Namespace == ns)
                {
                    // With a rollup view, a bundle carries only the controller's own transactions: a copy of someone
                    // else's (seen in the plaintext fair lane) would let the lane holder pull it ahead, between its own.
                    var foreign = auction.View is { } view && bundle.Transactions.Any(t => view.UserOf(t.Payload.Span) != lane.Controller);
                    refused += !foreign && lane.Offer(bundle, _chainId, _verifier) is null ? 0 : 1;
                }
                else if (ControllerTransfer.TryDecode(tx.Payload.Span) is { } transfer && transfer.Namespace == ns && transfer.Epoch == epoch
                    && transfer.From == lane.Controller && transfer.HasValidSignature(_chainId, _verifier))
                {
                    lane.Transfer(transfer.To);
                }
            }

            foreach (var bundle in lane.Take())
            {
                records.AddRange(bundle.Transactions);
            }
        }
        else
        {
            refused = express.Count(tx => PriorityBundle.TryDecode(tx.Payload.Span) is { } bundle && bundle.Namespace == ns);
        }

        return new AuctionStep(ns, epoch, records, decided, lane, refused);
    }

    /// <summary>
    /// The lane's price paid out: to the namespace's designated key when genesis names one, else pro rata to the users'
    /// fair-lane transactions in the epoch (the <see cref="AuctionRecord.SharesMax"/> heaviest users), else, when the
    /// epoch had no users, back to the winner (nobody's order flow was there to be compensated).
    /// </summary>
    private static AuctionRecord Settlement(NamespaceAuction auction)
    {
        var payer = auction.LaneWinner!.Value;
        var price = auction.LanePrice;
        if (auction.Settings.RebateTo is { } to)
        {
            return AuctionRecord.Settlement(auction.Namespace, auction.Epoch!.Value, payer, price, [new RebateShare(to, price)]);
        }

        var weights = auction.UserOrder
            .Select((user, i) => (User: user, Weight: auction.Weights[user], First: i))
            .OrderByDescending(u => u.Weight).ThenBy(u => u.First)
            .Take(AuctionRecord.SharesMax)
            .OrderBy(u => u.First)
            .Select(u => (u.User, u.Weight))
            .ToList();
        var shares = weights.Count == 0
            ? [new RebateShare(payer, price)]
            : Rebates.Split(price, weights).Where(s => s.Share > 0).Select(s => new RebateShare(s.User, s.Share)).ToList();
        return AuctionRecord.Settlement(auction.Namespace, auction.Epoch!.Value, payer, price, shares);
    }

    /// <summary>
    /// Keeps what the block's output did (the steps <see cref="Plan"/> gave, recomputed when not planned here, as after a
    /// restart), then reads the output: bids revealed in it, users of the fair lane, the rollup's deposits.
    /// </summary>
    /// <returns>What the height did in each auction namespace (empty for a height already applied).</returns>
    public IReadOnlyList<AuctionStep> Apply(Block block, BlockOutput output)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(output);
        if (block.Height <= AppliedHeight)
        {
            return [];
        }

        var express = output.Transactions.Where(t => t.Namespace == SystemNamespaces.Express).ToList();
        var steps = Plan(block, express);
        lock (_lock)
        {
            foreach (var step in steps)
            {
                var auction = _auctions[step.Namespace];
                if (step.Decided is { } decided)
                {
                    auction.Epoch = step.Epoch;
                    auction.LaneWinner = decided.Winner;
                    auction.LanePrice = decided.Price;
                    auction.Weights.Clear();
                    auction.UserOrder.Clear();
                    auction.Results[step.Epoch] = decided;
                    while (auction.Results.Count > ResultsKept)
                    {
                        auction.Results.Remove(auction.Results.Keys.First());
                    }
                }

                auction.Lane = step.Lane;
                auction.Status = new LaneStatus(step.Namespace, step.Epoch, step.Lane?.Controller, step.Lane?.NextSequence ?? 0, step.Lane?.Waiting ?? 0);
            }
        }

        var revealed = output.Revealed.ToDictionary(r => r.Position, r => r.Sealed.Hash);
        for (var i = 0; i < output.Transactions.Count; i++)
        {
            var tx = output.Transactions[i];
            if (tx.Namespace == SystemNamespaces.AuctionBids)
            {
                if (AuctionBid.TryDecode(tx.Payload.Span) is { } bid && _auctions.TryGetValue(bid.Namespace, out var target))
                {
                    target.AddBid(bid, revealed.GetValueOrDefault(i, tx.Hash), () => bid.HasValidSignature(_chainId, _verifier));
                }
            }
            else if (_auctions.TryGetValue(tx.Namespace, out var auction) && output.Sources[i].BatchPosition < block.AllBatchDigests.Count
                && auction.View?.UserOf(tx.Payload.Span) is { } user)
            {
                auction.Count(user);
            }
        }

        foreach (var auction in _auctions.Values)
        {
            auction.View?.Apply(output);
        }

        _planned = null;
        AppliedHeight = block.Height;
        return steps;
    }

    /// <summary>The decided auction of <paramref name="namespace"/> for <paramref name="epoch"/>, if it is among those kept.</summary>
    public AuctionResult? Result(ulong @namespace, ulong epoch)
    {
        lock (_lock)
        {
            return _auctions.TryGetValue(@namespace, out var auction) ? auction.Results.GetValueOrDefault(epoch) : null;
        }
    }

    /// <summary>The namespace's express lane now, or null when it is not an auction namespace (or no height has been applied).</summary>
    public LaneStatus? Lane(ulong @namespace)
    {
        lock (_lock)
        {
            return _auctions.TryGetValue(@namespace, out var auction) ? auction.Status : null;
        }
    }

    private sealed class NamespaceAuction(ulong @namespace, AuctionSettings settings, IAuctionView? view)
    {
        public ulong Namespace => @namespace;

        public AuctionSettings Settings => settings;

        public IAuctionView? View => view;

        /// <summary>The epoch of the last height applied, null before the first.</summary>
        public ulong? Epoch { get; set; }

        public ExpressLane? Lane { get; set; }

        public PublicKey? LaneWinner { get; set; }

        public ulong LanePrice { get; set; }

        public LaneStatus? Status { get; set; }

        public SortedDictionary<ulong, AuctionResult> Results { get; } = [];

        /// <summary>Bids revealed during <see cref="BidsEpoch"/>, in output order.</summary>
        public List<(AuctionBid Bid, Hash Carrier)> Bids { get; } = [];

        public ulong BidsEpoch { get; private set; } = ulong.MaxValue;

        public Dictionary<PublicKey, ulong> Weights { get; } = [];

        public List<PublicKey> UserOrder { get; } = [];


        /// <summary>Bids among <see cref="Bids"/> whose signature verified when they were revealed (all of them).</summary>
        private readonly HashSet<AuctionBid> _signed = [];

        private readonly Dictionary<PublicKey, int> _perBidder = [];

        public bool SignatureChecked(AuctionBid bid) => _signed.Contains(bid);

        /// <summary>
        /// Keeps a revealed bid for the next epoch's auction when it could count there: it names that epoch, its
        /// signature verifies (checked here, as it is revealed, so the deciding height does not check thousands at
        /// once), its bidder has fewer than <see cref="BidsPerBidderMax"/> already, and, with a rollup view, the bidder's
        /// deposit covers the reserve now (it is checked again when deciding). Anything else takes no room, so bids that
        /// can never count (late, forged, from keys without a deposit) cannot crowd out a real one.
        /// </summary>
        public void AddBid(AuctionBid bid, Hash carrier, Func<bool> signatureValid)
        {
            var epoch = Epoch ?? 0;
            if (BidsEpoch != epoch)
            {
                Bids.Clear();
                _signed.Clear();
                _perBidder.Clear();
                BidsEpoch = epoch;
            }

            if (bid.Epoch != epoch + 1 || Bids.Count >= AuctionRule.BidsMax || _perBidder.GetValueOrDefault(bid.Bidder) >= BidsPerBidderMax
                || (View is { } view && view.DepositOf(bid.Bidder) < Math.Max(1, Settings.ReservePrice)) || !signatureValid())
            {
                return;
            }

            Bids.Add((bid, carrier));
            _signed.Add(bid);
            _perBidder[bid.Bidder] = _perBidder.GetValueOrDefault(bid.Bidder) + 1;
        }

        public void Count(PublicKey user)
        {
            if (Weights.TryGetValue(user, out var weight))
            {
                Weights[user] = weight + 1;
            }
            else if (Weights.Count < UsersPerEpochMax)
            {
                Weights[user] = 1;
                UserOrder.Add(user);
            }
        }
    }
}

using System.Buffers.Binary;
using Fairway.Core.Auction;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Output;
using Fairway.Ordering.Auction;
using Fairway.Ordering.Output;

namespace Fairway.Simulation;

/// <summary>
/// The express-lane auction on simulated hosts (<c>--policy auction</c>), through the same <see cref="OrderingStage"/>
/// and <see cref="AuctionBook"/> a node runs: every simulated namespace sells its lane each epoch. Seeded bidders seal
/// bids to the threshold key early in each epoch for the next (one late bid per epoch, revealed too late to count, and a
/// bidder with a small deposit that sometimes bids above it); a bidder that reads in an honest host's output that it won
/// sends priority bundles during its epoch, some pairs in reverse order and one number held back and sent later. Each
/// host hands its stage every revealed output in height order before it orders the next height, as a node does.
/// </summary>
internal sealed partial class SimulationRun
{
    /// <summary>Clients the synthetic workload's transactions are spread over, for the rebates (by the payload's counter).</summary>
    private const int AuctionClients = 8;

    /// <summary>Ticks between a controller's pairs of bundles.</summary>
    private const int BundlePairTicks = 20;

    /// <summary>Ticks a controller holds back the bundle it skips at first, before it sends it.</summary>
    private const int GapTicks = 30;

    private AuctionSettings? _auctionSettings;
    private AuctionChecker? _auctionChecker;
    private Random _auctionRandom = new(0);
    private ISigner[] _bidders = [];

    /// <summary>With an order flow: its searchers' bidder keys, the adversary's first.</summary>
    private ISigner[] _searchers = [];

    /// <summary>Searchers an order flow gets: its adversary and one rival that only bids.</summary>
    private const int FlowSearchers = 2;
    private readonly Dictionary<PublicKey, ulong> _deposits = [];
    private PublicKey[] _clientKeys = [];
    private ulong? _auctionEpoch;
    private int _bidsSubmitted;

    /// <summary>Sends scheduled to every running honest host at a tick: bids and held-back bundles.</summary>
    private readonly List<(long Tick, Transaction Transaction)> _auctionSends = [];

    /// <summary>The lanes the simulated bidders won, by (namespace, epoch), as they read it in an honest output.</summary>
    private readonly Dictionary<(ulong Namespace, ulong Epoch), LaneController> _controllers = [];

    /// <summary>Express carriers sent: the <c>reorder-express</c> adversary leaves these out.</summary>
    private readonly HashSet<Hash> _expressCarriers = [];

    /// <summary>Test-only: the honest hosts whose auction <see cref="SimulationOptions.UnsafeAuctionFaultForTesting"/> breaks.</summary>
    private readonly HashSet<int> _brokenAuctionHosts = [];

    private sealed class LaneController(ISigner signer, ulong @namespace, ulong epoch, int searcher = -1)
    {
        public ISigner Signer => signer;

        /// <summary>The flow's searcher that won the lane (0: the adversary, whose bundles the flow decides), or -1 for a simulated bidder.</summary>
        public int Searcher => searcher;

        public ulong Namespace => @namespace;

        public ulong Epoch => epoch;

        public ulong NextSequence { get; set; }

        public long NextPairTick { get; set; }

        public bool GapMade { get; set; }
    }

    private static NamespaceRegistry AuctionRegistry(SimulationOptions options, AuctionSettings settings) => new(
        FairPolicy.Instance,
        [.. Enumerable.Range(1, options.Namespaces).Select(i => new NamespaceDeclaration((ulong)i, $"rollup-{i}", new AuctionPolicy(settings)))]);

    /// <summary>The bidders, their deposits and the clients, all seeded; the last bidder's deposit is small, so it sometimes bids above it.</summary>
    private void SetUpAuction(Func<string, ISigner> signerFactory)
    {
        _auctionRandom = new Random(DeriveSeed(_options.Seed, 9));
        _auctionChecker = new AuctionChecker(_registry);
        _bidders = [.. Enumerable.Range(0, _options.AuctionBidders).Select(i => signerFactory($"bidder-{i}"))];
        for (var i = 0; i < _bidders.Length; i++)
        {
            var small = i == _bidders.Length - 1 && _bidders.Length > 1;
            _deposits[_bidders[i].PublicKey] = small ? _options.AuctionReservePrice + 150 : 1_000_000_000;
        }

        _clientKeys = [.. Enumerable.Range(0, AuctionClients).Select(i => signerFactory($"client-{i}").PublicKey)];
        if (_options.Flow is { } flow)
        {
            _searchers = [.. Enumerable.Range(0, FlowSearchers).Select(i => signerFactory($"searcher-{i}"))];
            foreach (var searcher in _searchers)
            {
                _deposits[searcher.PublicKey] = ulong.MaxValue / 4;
            }

            flow.UseAuctionKeys([.. _searchers.Select(s => s.PublicKey)]);
        }
    }

    private IAuctionView? NewAuctionView(ulong ns) =>
        _registry.AuctionOf(ns) is null ? null : new SimulatedAuctionView(ns, _deposits, AuctionUserOf);

    /// <summary>The synthetic bundles' transactions, by payload hash, and the controller that sent them.</summary>
    private readonly Dictionary<Hash, PublicKey> _bundleOwners = [];

    /// <summary>The client a payload belongs to: the flow's user, or for the synthetic workload the payload's counter modulo the clients.</summary>
    private PublicKey? AuctionUserOf(ReadOnlySpan<byte> payload)
    {
        // A bundle's own transactions are its controller's (a bundle carries only the controller's own transactions).
        if (_bundleOwners.TryGetValue(Hash.Compute(payload), out var owner))
        {
            return owner;
        }

        if (_options.Flow is { } flow)
        {
            return flow.UserOf(payload);
        }

        return payload.Length == 20 ? _clientKeys[(int)(BinaryPrimitives.ReadUInt64LittleEndian(payload) % AuctionClients)] : null;
    }

    /// <summary>A chain record the stage wrote into an auction namespace: submitted by nobody, so not counted as submitted.</summary>
    private bool IsChainRecord(Transaction tx) => _registry.AuctionOf(tx.Namespace) is not null && AuctionRecord.HasMagic(tx.Payload.Span);

    /// <summary>Each tick of the fault phase: bids at each epoch's start, the controllers' bundles, and the sends due.</summary>
    private void DriveAuction()
    {
        if (_auctionSettings is not { } settings)
        {
            return;
        }

        // Once the fault phase is over nothing new is sent, but what was scheduled still goes (a gap gets closed).
        var nowMs = (ulong)(SimulationOptions.ClockEpochMs + (_tick * _options.TickMs));
        var epoch = settings.EpochOf(nowMs);
        if (_auctionEpoch != epoch && !_healed)
        {
            _auctionEpoch = epoch;
            ScheduleBids(epoch, settings);
        }

        var intoEpochMs = nowMs % settings.EpochMs;
        // A simulated bidder's bundles are the synthetic workload's: with an order flow only its searchers send any.
        foreach (var controller in _controllers.Values.Where(c => c.Epoch == epoch && !_healed && c.Searcher < 0 && _options.Flow is null))
        {
            // Bundles only in the first 60% of the epoch: one still in flight when the epoch ends is refused (wrong epoch).
            if (intoEpochMs * 10 < settings.EpochMs * 6 && _tick >= controller.NextPairTick)
            {
                SendBundlePair(controller);
            }
        }

        var due = _auctionSends.Where(s => s.Tick <= _tick).ToList();
        _auctionSends.RemoveAll(s => s.Tick <= _tick);
        foreach (var (_, tx) in due)
        {
            SendToEveryHonestHost(tx);
        }
    }

    /// <summary>
    /// At an epoch's start, each bidder's sealed bid for the next epoch in each namespace, at a seeded moment in the
    /// epoch's first quarter; and one late bid, near the epoch's end, that is revealed too late to count.
    /// </summary>
    private void ScheduleBids(ulong epoch, AuctionSettings settings)
    {
        var epochTicks = (long)settings.EpochMs / _options.TickMs;
        foreach (var declaration in _registry.Auctions)
        {
            foreach (var bidder in _bidders)
            {
                var deposit = _deposits[bidder.PublicKey];
                var span = deposit > 1_000_000 ? 1_000UL : 300UL;
                var amount = _options.AuctionReservePrice + (ulong)_auctionRandom.NextInt64((long)span);
                var at = _tick + _auctionRandom.NextInt64(Math.Max(1, epochTicks / 4));
                ScheduleBid(at, declaration.Id, epoch + 1, amount, bidder);
            }
        }

        if (_options.Flow is { } flow)
        {
            var nowMs = _tick * _options.TickMs;
            foreach (var declaration in _registry.Auctions)
            {
                var amounts = flow.AuctionBids(declaration.Id, epoch + 1, settings.EpochMs, nowMs);
                for (var i = 0; i < Math.Min(amounts.Count, _searchers.Length); i++)
                {
                    if (amounts[i] > 0)
                    {
                        ScheduleBid(_tick + 1 + _auctionRandom.NextInt64(Math.Max(1, epochTicks / 4)), declaration.Id, epoch + 1, amounts[i], _searchers[i]);
                    }
                }
            }
        }

        if (_bidders.Length > 0 && _registry.Auctions.Count > 0)
        {
            var ns = _registry.Auctions[_auctionRandom.Next(_registry.Auctions.Count)].Id;
            ScheduleBid(_tick + (epochTicks * 19 / 20), ns, epoch + 1, _options.AuctionReservePrice + 5_000, _bidders[_auctionRandom.Next(_bidders.Length)]);
        }
    }

    private void ScheduleBid(long tick, ulong ns, ulong epoch, ulong amount, ISigner bidder)
    {
        var bid = AuctionBid.Sign(_chainId, ns, epoch, amount, bidder);
        _auctionSends.Add((tick, Seal(SystemNamespaces.AuctionBids, bid.Encode())));
        _bidsSubmitted++;
    }

    /// <summary>
    /// A controller's next two bundles, the later one sent first and the earlier a few ticks after. In its first pair
    /// of an epoch it skips one number and sends it only <see cref="GapTicks"/> later: the bundles behind it must wait.
    /// </summary>
    private void SendBundlePair(LaneController controller)
    {
        controller.NextPairTick = _tick + BundlePairTicks;
        var first = NewBundle(controller, controller.NextSequence);
        var second = NewBundle(controller, controller.NextSequence + 1);
        controller.NextSequence += 2;
        _auctionSends.Add((_tick, second));
        if (!controller.GapMade)
        {
            controller.GapMade = true;
            _auctionSends.Add((_tick + GapTicks, first));
        }
        else
        {
            _auctionSends.Add((_tick + 3, first));
        }
    }

    private Transaction NewBundle(LaneController controller, ulong sequence)
    {
        var count = 1 + _auctionRandom.Next(2);
        return NewBundle(controller, sequence, [.. Enumerable.Range(0, count).Select(_ => new Transaction(controller.Namespace, Payload(_workloadRound, -1)))]);
    }

    private Transaction NewBundle(LaneController controller, ulong sequence, List<Transaction> transactions)
    {
        var bundle = PriorityBundle.Sign(_chainId, controller.Namespace, controller.Epoch, sequence, transactions, controller.Signer);
        foreach (var tx in transactions)
        {
            _bundleOwners[Hash.Compute(tx.Payload.Span)] = controller.Signer.PublicKey;
        }

        _auctionChecker!.OnBundleSent(bundle);
        _outputChecker.OnSubmitted(transactions);
        var carrier = bundle.ToTransaction();
        _expressCarriers.Add(carrier.Hash);
        return carrier;
    }

    /// <summary>
    /// With an order flow under <c>auction</c>, the adversary is a searcher, not a validator: it reads every client's
    /// transaction as the validators get it (in plaintext: the fair lane is public) and, where it holds the lane of the
    /// transaction's namespace this epoch, the flow decides its reaction: its front-running part as its next priority
    /// bundle (first in the namespace in the block that takes it), its back-running part as plain transactions a few
    /// ticks later (ordered after the victim by the fair rules). Where it holds no lane the flow is asked all the same,
    /// told it cannot place anything.
    /// </summary>
    private void SearcherSees(IReadOnlyList<Transaction> transactions)
    {
        if (_auctionSettings is not { } settings || _options.Flow is not { } flow)
        {
            return;
        }

        var nowMs = _tick * _options.TickMs;
        var epoch = settings.EpochOf((ulong)(SimulationOptions.ClockEpochMs + nowMs));
        foreach (var victim in transactions)
        {
            // Its only power is a lane: it has nothing to do where there is none to win.
            if (_registry.AuctionOf(victim.Namespace) is null
                || _adversaryTransactions.Contains(victim.Hash) || _frontRunVictims.Count >= FrontRunsMax || !_frontRunTargets.Add(victim.Hash))
            {
                continue;
            }

            var lane = _controllers.GetValueOrDefault((victim.Namespace, epoch)) is { Searcher: 0 } held ? held : null;
            if (flow.React(victim, nowMs, leads: lane is not null) is not { } attack || lane is null)
            {
                continue;
            }

            var before = attack.Before.Where(t => t.Namespace == victim.Namespace).Take(Core.Auction.PriorityBundle.TransactionsMax).ToList();
            _adversaryTransactions.UnionWith(before.Concat(attack.After).Select(t => t.Hash));
            if (before.Count > 0)
            {
                foreach (var front in before)
                {
                    _frontRunVictims[front.Hash] = victim.Hash;
                    _frontRunsTried.Add(front.Hash);
                }

                _auctionSends.Add((_tick, NewBundle(lane, lane.NextSequence++, before)));
            }

            foreach (var back in attack.After)
            {
                _auctionSends.Add((_tick + 3, back));
            }
        }
    }

    /// <summary>As a client of a fair chain does: the transaction goes to every running honest validator at once.</summary>
    private void SendToEveryHonestHost(Transaction tx)
    {
        foreach (var host in _hosts.Where(h => h.Honest && h.Alive).ToList())
        {
            CutBatch(host, [tx]);
            OnClientReceipt(host, tx);
        }

        // The reorder-express adversary takes a bundle from its controller too (a receipt), then leaves it out of its lists.
        if (_expressCarriers.Contains(tx.Hash))
        {
            foreach (var host in _hosts.Where(h => h.Behaviour == ByzantineKind.ReorderExpress && h.Alive))
            {
                OnClientReceipt(host, tx);
            }
        }
    }

    /// <summary>A bidder reads, in an honest host's revealed output, that it won a lane: it becomes that lane's controller.</summary>
    private void WatchForLanes(SimulatedHost host, BlockOutput output)
    {
        if (_auctionSettings is null || !host.Honest)
        {
            return;
        }

        foreach (var tx in output.Transactions)
        {
            if (IsChainRecord(tx) && AuctionRecord.TryDecode(tx.Payload.Span) is { Kind: AuctionRecordKind.Result, Winner: { } winner } result
                && !_controllers.ContainsKey((result.Namespace, result.Epoch)))
            {
                var searcher = Array.FindIndex(_searchers, s => s.PublicKey == winner);
                if ((searcher >= 0 ? _searchers[searcher] : _bidders.FirstOrDefault(b => b.PublicKey == winner)) is { } signer)
                {
                    _controllers[(result.Namespace, result.Epoch)] = new LaneController(signer, result.Namespace, result.Epoch, searcher) { NextPairTick = _tick };
                }
            }
        }

        // Lanes of epochs long past are done with.
        var current = _auctionSettings.EpochOf((ulong)(SimulationOptions.ClockEpochMs + (_tick * _options.TickMs)));
        foreach (var key in _controllers.Keys.Where(k => k.Epoch + 2 < current).ToList())
        {
            _controllers.Remove(key);
        }
    }

    /// <summary>
    /// The host's stage reads a height's final output before the next height is ordered. The test-only bid fault hands the
    /// broken hosts' stage each epoch's bids only at the next epoch's first height.
    /// </summary>
    private void FeedAuction(SimulatedHost host, Block block, BlockOutput output)
    {
        var ordering = host.Node!.Ordering;
        if (ordering.Auctions is null)
        {
            return;
        }

        if (_options.UnsafeAuctionFaultForTesting != AuctionFaultForTesting.BidsHeldAnEpochAtFPlusOne || !_brokenAuctionHosts.Contains(host.Id))
        {
            ordering.OnOutput(block, output);
            return;
        }

        var epoch = _auctionSettings!.EpochOf(block.TimestampMs);
        var held = host.Node.HeldBidsForTesting;
        var kept = Enumerable.Range(0, output.Transactions.Count).Where(i => output.Transactions[i].Namespace != SystemNamespaces.AuctionBids)
            .Select(i => (output.Transactions[i], output.Sources[i])).ToList();
        if (held.Epoch != epoch)
        {
            kept.AddRange(held.Bids);
            held.Bids.Clear();
            held.Epoch = epoch;
        }

        held.Bids.AddRange(Enumerable.Range(0, output.Transactions.Count).Where(i => output.Transactions[i].Namespace == SystemNamespaces.AuctionBids)
            .Select(i => (output.Transactions[i], output.Sources[i])));
        List<Transaction> transactions = [.. kept.Select(k => k.Item1)];
        ordering.OnOutput(block, new BlockOutput(output.Header.Over(transactions), transactions, [.. kept.Select(k => k.Item2)]));
    }

    /// <summary>After a restart the stage's auctions read every stored output again, from height 1, as the node's do.</summary>
    private void RestoreAuctions(SimulatedHost host)
    {
        if (host.Node!.Ordering.Auctions is null)
        {
            return;
        }

        for (var height = 1UL; height <= host.Chain.CommittedHeight; height++)
        {
            var stored = host.Chain.GetCommitted(height)!;
            FeedAuction(host, stored.Block, stored.Output);
        }
    }

    /// <summary>The test-only output faults of the broken hosts: express bundles reversed, or every settlement one unit short.</summary>
    private BlockOutput BreakAuction(SimulatedHost host, Block block, BlockOutput output)
    {
        if (!_brokenAuctionHosts.Contains(host.Id))
        {
            return output;
        }

        var transactions = output.Transactions.ToArray();
        var sources = output.Sources.ToArray();
        var records = output.Records?.Transactions.ToArray();
        switch (_options.UnsafeAuctionFaultForTesting)
        {
            case AuctionFaultForTesting.ExpressReversedAtFPlusOne:
                foreach (var declaration in _registry.Auctions)
                {
                    var slots = Enumerable.Range(0, transactions.Length)
                        .Where(i => transactions[i].Namespace == declaration.Id && _auctionChecker!.IsExpressTransaction(transactions[i].Hash)).ToList();
                    var reversed = slots.GroupBy(i => _auctionChecker!.BundleOf(transactions[i].Hash)).Reverse().SelectMany(g => g)
                        .Select(i => (Tx: output.Transactions[i], Source: output.Sources[i])).ToList();
                    for (var k = 0; k < slots.Count; k++)
                    {
                        (transactions[slots[k]], sources[slots[k]]) = reversed[k];
                    }
                }

                break;
            case AuctionFaultForTesting.ExpressLastAtFPlusOne:
                foreach (var declaration in _registry.Auctions)
                {
                    var slots = Enumerable.Range(0, transactions.Length).Where(i => transactions[i].Namespace == declaration.Id).ToList();
                    var moved = slots.OrderBy(i => _auctionChecker!.IsExpressTransaction(output.Transactions[i].Hash) ? 1 : 0)
                        .Select(i => (Tx: output.Transactions[i], Source: output.Sources[i])).ToList();
                    for (var k = 0; k < slots.Count; k++)
                    {
                        (transactions[slots[k]], sources[slots[k]]) = moved[k];
                    }
                }

                break;
            case AuctionFaultForTesting.RebateSkimmedAtFPlusOne:
                for (var i = 0; i < transactions.Length; i++)
                {
                    if (IsChainRecord(transactions[i]) && AuctionRecord.TryDecode(transactions[i].Payload.Span) is { Kind: AuctionRecordKind.Settlement, Price: > 0 } settlement)
                    {
                        var shares = settlement.Shares.ToList();
                        shares[^1] = shares[^1] with { Amount = shares[^1].Amount - 1 };
                        var skimmed = settlement with { Price = settlement.Price - 1, Shares = [.. shares.Where(s => s.Amount > 0)] };
                        transactions[i] = skimmed.ToTransaction();
                        records![sources[i].IndexInBatch] = transactions[i];
                    }
                }

                break;
            default:
                return output;
        }

        var recordBatch = records is null ? null : new Batch(_chainId, Block.RecordAuthor, block.Height, records);
        return new BlockOutput(output.Header.Over(transactions), transactions, sources, output.Revealed, recordBatch);
    }

    /// <summary>The auction's figures and invariants over every honest host's outputs; the figures at the measured host's certified ones.</summary>
    private (List<string> Violations, AuctionChecker.HostView Measured) MeasureAuction()
    {
        var measured = new AuctionChecker.HostView();
        if (_auctionChecker is not { } checker)
        {
            return ([], measured);
        }

        foreach (var host in _hosts.Where(h => h.Honest))
        {
            var view = host == _measured ? measured : new AuctionChecker.HostView();
            var last = host == _measured ? host.Chain.CertifiedHeight : ulong.MaxValue;
            for (var height = 1UL; height <= last && _outputChecker.OutputOf(host, height) is { } output; height++)
            {
                checker.Check(host.Id, view, host.Commits[(int)height - 1].Block, output);
            }
        }

        return (checker.Violations, measured);
    }
}

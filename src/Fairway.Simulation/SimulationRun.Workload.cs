using System.Buffers.Binary;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Ordering;

namespace Fairway.Simulation;

/// <summary>Client transactions, the batches hosts pack them into, and the pool leaders propose from.</summary>
internal sealed partial class SimulationRun
{
    /// <summary>As on a node: a batch whose proposal has not committed after this many rounds is offered again.</summary>
    private const ulong StaleProposalRounds = 20;

    /// <summary>A node's pool bounds; a simulated round's few batches stay far below them.</summary>
    private static readonly MempoolOptions PoolOptions = new();

    /// <summary>The highest round whose transactions clients have submitted.</summary>
    private ulong _workloadRound;

    private ulong _transactionsCreated;

    /// <summary>Front-runs per run at most: a bound on what the adversary's bookkeeping holds.</summary>
    private const int FrontRunsMax = 100_000;

    /// <summary>Honest hosts' receipts of each transaction.</summary>
    private readonly Dictionary<Hash, HonestReceipts> _receipts = [];

    /// <summary>Each front-running transaction and the victim it targets.</summary>
    private readonly Dictionary<Hash, Hash> _frontRunVictims = [];

    /// <summary>The batch each front-running transaction travels in, for the colluders' lists.</summary>
    private readonly Dictionary<Hash, Hash> _frontRunBatchOf = [];

    /// <summary>Victims already targeted: the colluding front-runners attack each once.</summary>
    private readonly HashSet<Hash> _frontRunTargets = [];

    /// <summary>Each front-running batch: the victim's batch it must precede and its transaction.</summary>
    private readonly Dictionary<Hash, (Hash VictimBatch, Hash Transaction)> _frontRunBatches = [];

    /// <summary>Each back-running batch and the victim's batch it must follow.</summary>
    private readonly Dictionary<Hash, Hash> _backRunBatches = [];

    /// <summary>What the adversary sent itself, so it never reacts to its own transactions.</summary>
    private readonly HashSet<Hash> _adversaryTransactions = [];

    /// <summary>Front-running transactions a faulty leader proposed ahead of their victim.</summary>
    private readonly HashSet<Hash> _frontRunsTried = [];

    /// <summary>Victims held at once at most: past it the adversary lets new ones pass, so holding cannot grow memory.</summary>
    private const int HeldMax = 4_096;

    /// <summary>The front-runner's held victims, by the batch carrying them: it leaves that batch out of its proposals.</summary>
    private readonly Dictionary<Hash, List<Transaction>> _heldBatches = [];

    /// <summary>The operator's held victims, in no batch yet: it cuts them in once the flow lets go.</summary>
    private readonly List<Transaction> _operatorHeld = [];

    /// <summary>
    /// Each round that an honest host reaches for the first time brings one round's worth of transactions. Only during
    /// the fault phase: the phase after healing is left to drain what was submitted.
    /// </summary>
    private void SubmitTransactions()
    {
        ReleaseOperatorHeld();
        if (_healed || (_options.TransactionsPerRound == 0 && _options.Flow is null))
        {
            return;
        }

        var round = MaxHonestRound();
        while (_workloadRound < round)
        {
            _workloadRound++;
            SubmitRound(_workloadRound);
        }
    }

    /// <summary>Clients send each transaction to a running honest host picked at random; each host batches what it got.</summary>
    private void SubmitRound(ulong round)
    {
        var hosts = _hosts.Where(h => h.Honest && h.Alive).ToList();
        if (hosts.Count == 0)
        {
            return;
        }

        var received = new List<Transaction>?[hosts.Count];
        var flowed = _options.Flow?.Submit(round, _tick * _options.TickMs);
        var count = flowed?.Count ?? _options.TransactionsPerRound;
        for (var i = 0; i < count; i++)
        {
            // A centralized operator is the chain's one entry point: every client hands it its transactions.
            var drawn = _workloadRandom.Next(hosts.Count);
            var k = _options.MevOperator ? 0 : drawn;
            var ns = flowed?[i].Namespace ?? (ulong)(1 + _workloadRandom.Next(_options.Namespaces));

            // The bundle draw is made only when bundles are on, so runs without them keep their seeded workload.
            var tx = flowed is not null ? SealIfEncrypted(ns, flowed[i].Payload.ToArray())
                : _options.BundleFraction > 0 && _workloadRandom.NextDouble() < _options.BundleFraction ? MakeBundle(round, hosts[k].Id)
                : SealIfEncrypted(ns, Payload(round, hosts[k].Id));
            if (_registry.HasFair)
            {
                // As the SDK does on a fair chain: the client sends to every validator at once, so no single one decides
                // when the others first see it.
                for (var h = 0; h < hosts.Count; h++)
                {
                    (received[h] ??= []).Add(tx);
                    OnClientReceipt(hosts[h], tx);
                }

                SendVictimsToCensors([tx]);
            }
            else
            {
                (received[k] ??= []).Add(tx);
            }
        }

        if (flowed is not null)
        {
            SearcherSees(flowed);
        }

        for (var k = 0; k < hosts.Count; k++)
        {
            // As a node's mempool does, a host cuts batches of at most the configured size.
            var batchable = _options.MevOperator && _options.Flow is { } flow ? Sandwiched(received[k], flow) : received[k];
            foreach (var chunk in batchable?.Chunk(PoolOptions.BatchTransactionsMax) ?? [])
            {
                CutBatch(hosts[k], chunk);
            }
        }
    }

    /// <summary>A bundle's carrier: 2 to 4 fresh legs over random namespaces, so some share a namespace and some do not.</summary>
    private Transaction MakeBundle(ulong round, int hostId)
    {
        var legs = new Transaction[2 + _workloadRandom.Next(3)];
        for (var i = 0; i < legs.Length; i++)
        {
            legs[i] = new Transaction((ulong)(1 + _workloadRandom.Next(_options.Namespaces)), Payload(round, hostId));
        }

        return Bundle.Create(legs).Carrier;
    }

    /// <summary>Unique within the run: the n-th transaction created, with the round and host for a reader of a dump.</summary>
    private byte[] Payload(ulong round, int hostId)
    {
        var payload = new byte[20];
        BinaryPrimitives.WriteUInt64LittleEndian(payload, ++_transactionsCreated);
        BinaryPrimitives.WriteUInt64LittleEndian(payload.AsSpan(8), round);
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(16), hostId);
        return payload;
    }

    private Transaction SealIfEncrypted(ulong ns, byte[] plaintext) =>
        _keySet is not null && _registry.IsEncrypted(ns) ? Seal(ns, plaintext) : new Transaction(ns, plaintext);

    /// <summary>As a node does: the batch goes into the host's own pool, is stored where peers can fetch it, and is broadcast.</summary>
    private Batch CutBatch(SimulatedHost host, Transaction[] transactions)
    {
        var batch = new Batch(_chainId, (ushort)host.Validator, ++host.BatchSequence, transactions);
        _outputChecker.OnSubmitted(batch.Transactions);
        _published[batch.Digest] = batch;
        host.Node!.Pool.Add(batch);
        RecordReceipts(host, batch);
        ReceiveFair(host, batch);
        CoalitionSees(host, batch);
        BroadcastFrom(host, new BatchEnvelope(batch));
        return batch;
    }

    private void OnPeerBatch(SimulatedHost host, int fromValidator, Batch batch)
    {
        // The transport authenticates peers, so a batch is only taken from its author.
        if (batch.Author != fromValidator || batch.ChainId != _chainId || host.Chain.TryGetBatch(batch.Digest, out _))
        {
            return;
        }

        host.Node!.Pool.Add(batch);
        RecordReceipts(host, batch);
        ReceiveFair(host, batch);
        CoalitionSees(host, batch);
        if (host.Behaviour == ByzantineKind.FrontRunner)
        {
            TryFrontRun(host, batch);
        }
    }

    /// <summary>When honest hosts first saw each transaction, by true time: what receive-order fairness is judged on.</summary>
    private void RecordReceipts(SimulatedHost host, Batch batch)
    {
        if (!host.Honest)
        {
            return;
        }

        var nowMs = _tick * _options.TickMs;
        foreach (var tx in batch.Transactions)
        {
            if (host.Seen.Add(tx.Hash))
            {
                _receipts[tx.Hash] = _receipts.TryGetValue(tx.Hash, out var r)
                    ? new HonestReceipts(Math.Min(r.FirstMs, nowMs), Math.Max(r.LastMs, nowMs), r.Hosts + 1)
                    : new HonestReceipts(nowMs, nowMs, 1);
                OnHonestReceipt(tx, _receipts[tx.Hash].Hosts, nowMs);
            }
        }
    }

    /// <summary>
    /// The front-runner's reaction to an honest client's transaction: a transaction of its own in the same namespace, in
    /// a batch of its own, remembered so that it proposes that batch ahead of the victim's when it leads.
    /// </summary>
    private void TryFrontRun(SimulatedHost host, Batch victimBatch)
    {
        if (_options.Flow is { } flow)
        {
            Attack(host, victimBatch, flow);
            return;
        }

        if (victimBatch.Transactions.Count == 0 || !_hostsByValidator[victimBatch.Author].Any(h => h.Honest) || _frontRunVictims.Count >= FrontRunsMax)
        {
            return;
        }

        var victim = victimBatch.Transactions[0];
        if (!_frontRunTargets.Add(victim.Hash))
        {
            return;
        }

        // A bundle is attacked in its first leg's namespace; the bundle, ranked as one unit, is the victim. Sealed bids and
        // express bundles are the chain's lanes, not a rollup's: there is nothing to put ahead of them there.
        var ns = Bundle.TryOpen(victim)?.Legs[0].Namespace ?? victim.Namespace;
        if (SystemNamespaces.IsReserved(ns))
        {
            return;
        }

        var own = CutBatch(host, [new Transaction(ns, Payload(_workloadRound, host.Id))]);
        _frontRunVictims[own.Transactions[0].Hash] = victim.Hash;
        _frontRunBatchOf[own.Transactions[0].Hash] = own.Digest;
        _frontRunBatches[own.Digest] = (victimBatch.Digest, own.Transactions[0].Hash);
    }

    /// <summary>
    /// With an order flow, the adversary asks it how to react to each transaction of a batch it sees from an honest
    /// author (or, as the operator, from a client): its front-running transactions go in one batch of its own, ahead of the
    /// victim's when it leads; its back-running ones in another, right behind it.
    /// </summary>
    private void Attack(SimulatedHost host, Batch victimBatch, IOrderFlow flow)
    {
        if (victimBatch.Author != host.Validator && !_hostsByValidator[victimBatch.Author].Any(h => h.Honest))
        {
            return;
        }

        var core = host.Core!;
        var leads = core.LeaderOf(core.Round) == host.Validator || core.LeaderOf(core.Round + 1) == host.Validator;
        var before = new List<Transaction>();
        var after = new List<Transaction>();
        var victims = new List<Hash>();
        foreach (var victim in victimBatch.Transactions)
        {
            if (_frontRunVictims.Count >= FrontRunsMax || _adversaryTransactions.Contains(victim.Hash) || !_frontRunTargets.Add(victim.Hash))
            {
                continue;
            }

            if (flow.React(victim, _tick * _options.TickMs, leads) is { } attack)
            {
                if (attack.Hold && _heldBatches.Count < HeldMax)
                {
                    (_heldBatches.TryGetValue(victimBatch.Digest, out var held) ? held : _heldBatches[victimBatch.Digest] = []).Add(victim);
                }

                // A hold alone sends nothing: its victim is no front-run's target.
                if (attack.Before.Count + attack.After.Count == 0)
                {
                    continue;
                }

                before.AddRange(attack.Before.Select(t => SealIfEncrypted(t.Namespace, t.Payload.ToArray())));
                after.AddRange(attack.After.Select(t => SealIfEncrypted(t.Namespace, t.Payload.ToArray())));
                victims.Add(victim.Hash);
            }
        }

        _adversaryTransactions.UnionWith(before.Concat(after).Select(t => t.Hash));
        if (before.Count > 0)
        {
            var own = CutBatch(host, [.. before]);
            foreach (var tx in own.Transactions)
            {
                _frontRunVictims[tx.Hash] = victims[0];
                _frontRunBatchOf[tx.Hash] = own.Digest;
            }

            _frontRunBatches[own.Digest] = (victimBatch.Digest, own.Transactions[0].Hash);
        }

        if (after.Count > 0)
        {
            var own = CutBatch(host, [.. after]);
            _backRunBatches[own.Digest] = victimBatch.Digest;
        }
    }

    /// <summary>
    /// The operator of a centralized sequencer builds the batches itself, from what clients hand it before anyone else
    /// sees it: each victim goes in between its front- and back-running transactions.
    /// </summary>
    private List<Transaction>? Sandwiched(List<Transaction>? received, IOrderFlow flow)
    {
        if (received is null)
        {
            return null;
        }

        var placed = new List<Transaction>(received.Count);
        foreach (var victim in received)
        {
            var attack = _frontRunVictims.Count < FrontRunsMax && _frontRunTargets.Add(victim.Hash) ? flow.React(victim, _tick * _options.TickMs, leads: true) : null;
            var before = attack?.Before.Select(t => SealIfEncrypted(t.Namespace, t.Payload.ToArray())).ToList() ?? [];
            var after = attack?.After.Select(t => SealIfEncrypted(t.Namespace, t.Payload.ToArray())).ToList() ?? [];
            foreach (var front in before)
            {
                _frontRunVictims[front.Hash] = victim.Hash;
                _frontRunsTried.Add(front.Hash);
            }

            _adversaryTransactions.UnionWith(before.Concat(after).Select(t => t.Hash));
            placed.AddRange(before);
            if (attack is { Hold: true } && _operatorHeld.Count < HeldMax)
            {
                _operatorHeld.Add(victim);
            }
            else
            {
                placed.Add(victim);
            }

            placed.AddRange(after);
        }

        return placed;
    }

    /// <summary>
    /// The operator cuts the victims the flow no longer holds into a batch of their own; once the run drains it lets every
    /// one go, since a hold is a delay, not a drop.
    /// </summary>
    private void ReleaseOperatorHeld()
    {
        if (_operatorHeld.Count == 0 || _options.Flow is not { } flow || _hosts.FirstOrDefault(h => h.Honest && h.Alive) is not { } host)
        {
            return;
        }

        var nowMs = _tick * _options.TickMs;
        var released = _operatorHeld.Where(t => _healed || !flow.StillHolds(t, nowMs)).ToList();
        if (released.Count == 0)
        {
            return;
        }

        var gone = released.Select(t => t.Hash).ToHashSet();
        _operatorHeld.RemoveAll(t => gone.Contains(t.Hash));
        foreach (var chunk in released.Chunk(PoolOptions.BatchTransactionsMax))
        {
            CutBatch(host, chunk);
        }
    }

    /// <summary>Whether the front-runner still leaves this batch out: some victim in it the flow still holds.</summary>
    private bool StillHeld(Hash digest)
    {
        if (!_heldBatches.TryGetValue(digest, out var victims))
        {
            return false;
        }

        var nowMs = _tick * _options.TickMs;
        if (!_healed && _options.Flow is { } flow && victims.Any(v => flow.StillHolds(v, nowMs)))
        {
            return true;
        }

        _heldBatches.Remove(digest);
        return false;
    }

    /// <summary>
    /// A front-runner proposing both its batch and its victim's puts its own first (each such proposal is a try), and its
    /// back-running batches right behind their victims'.
    /// </summary>
    private void PlaceFrontRunsFirst(List<Hash> digests)
    {
        var proposed = digests.ToHashSet();
        var first = digests.Where(d => _frontRunBatches.TryGetValue(d, out var pair) && proposed.Contains(pair.VictimBatch)).ToList();
        foreach (var digest in first)
        {
            _frontRunsTried.Add(_frontRunBatches[digest].Transaction);
        }

        var behind = digests.Where(d => _backRunBatches.TryGetValue(d, out var victim) && proposed.Contains(victim)).ToList();
        if (first.Count == 0 && behind.Count == 0)
        {
            return;
        }

        digests.RemoveAll(d => first.Contains(d) || behind.Contains(d));
        var placed = new List<Hash>(first);
        foreach (var digest in digests)
        {
            placed.Add(digest);
            placed.AddRange(behind.Where(b => _backRunBatches[b] == digest));
        }

        digests.Clear();
        digests.AddRange(placed);
    }

    /// <summary>
    /// A leader proposes the oldest batches in its pool, as a node does. A withholding leader adds a batch of its own
    /// that it never sends anyone (its transactions invented, since no client gave it any), so no validator can fetch it.
    /// </summary>
    private List<Hash> MakePayload(SimulatedHost host, ulong round)
    {
        var digests = host.Node!.Pool.TakeForProposal(round);
        if (host.Behaviour == ByzantineKind.FrontRunner)
        {
            // Checked only when it leads, where the hold can matter; every entry is checked so released ones go.
            if (_heldBatches.Count > 0)
            {
                var held = _heldBatches.Keys.ToList().Where(StillHeld).ToHashSet();
                digests.RemoveAll(held.Contains);
            }

            PlaceFrontRunsFirst(digests);
        }

        if (host.Behaviour == ByzantineKind.Censor)
        {
            digests.RemoveAll(d => _published[d].Transactions.Any(t => t.Namespace == VictimNamespace));
        }

        if (host.Behaviour == ByzantineKind.ReorderExpress)
        {
            // Its own proposal: the batches carrying bundles left out (the fair rules fetch them elsewhere), the rest reversed.
            digests.RemoveAll(d => _published[d].Transactions.Any(t => _expressCarriers.Contains(t.Hash)));
            digests.Reverse();
        }

        if (host.Behaviour == ByzantineKind.WithholdBatches)
        {
            var invented = new Transaction(1, Payload(round, host.Id));
            digests.Add(new Batch(_chainId, (ushort)host.Validator, ++host.BatchSequence, [invented]).Digest);
        }

        return digests;
    }
}

using Fairway.Consensus.Engine;
using Fairway.Consensus.Messages;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Inclusion;
using Fairway.Core.Output;
using Fairway.Ordering.Fair;
using Fairway.Ordering.Output;
using Fairway.Storage;

namespace Fairway.Simulation;

/// <summary>
/// The inclusion stage of the <c>fair</c> policy on simulated hosts, through the same <see cref="FairLane"/> a node runs:
/// receive times, one list per round sent with the vote to the next leader (to all on a timeout), proposals that wait
/// for their round's lists, and the voter's check. The front-runner's lies live here too.
/// </summary>
internal sealed partial class SimulationRun
{
    /// <summary>Refusals of candidate lists and of fair proposals by honest hosts, by reason.</summary>
    private readonly SortedDictionary<string, int> _fairRefusals = new(StringComparer.Ordinal);

    private FairLaneOptions FairOptions => new()
    {
        DelayMs = (ulong)_options.FairDelayMs,
        // Any two simulated clocks differ by at most twice the per-host bound.
        SkewMs = (ulong)(2 * _options.ClockSkewMs),
    };

    /// <summary>A host saw a batch (its own or a peer's): it records when it first saw each fair-lane transaction in it.</summary>
    private void ReceiveFair(SimulatedHost host, Batch batch)
    {
        if (host.Node!.Fair is not { } lane)
        {
            return;
        }

        var now = (ulong)NowMs(host);

        // Kept with the batch and made durable, as a node does: a restart must not make an honest host forget what it saw when.
        host.Chain.PutBatch(batch);
        host.Chain.PutBatchReceipts([new Storage.BatchReceipt(batch.Digest, now)]);
        host.Chain.Flush();
        foreach (var tx in batch.Transactions)
        {
            if (!host.Node.Ordering.WasIncluded(tx.Hash) && _registry.IsFairOrdered(tx))
            {
                lane.Receive(tx.Hash, batch.Digest, now);
            }
        }
    }

    /// <summary>With its vote for a round a host sends its list for the next round to the vote's recipient, that round's leader.</summary>
    private void SendListWithVote(SimulatedHost host, int to, ConsensusMessage message)
    {
        if (message is VoteMessage vote && host.Node!.Fair is not null)
        {
            SendList(host, to, vote.Round + 1);
        }
    }

    /// <summary>A host giving up on a round sends its list for the next one to all: it does not know who leads it.</summary>
    private void BroadcastListOnTimeout(SimulatedHost host, ConsensusMessage message)
    {
        if (message is TimeoutMessage timeout && host.Node!.Fair is not null)
        {
            foreach (var v in _hostsByValidator.Keys.Where(v => v != host.Validator))
            {
                SendList(host, v, timeout.Round + 1);
            }
        }
    }

    private void SendList(SimulatedHost host, int to, ulong round)
    {
        var lane = host.Node!.Fair!;
        lane.AdvanceTo(round);
        if (lane.ListFor(round, (ulong)NowMs(host)) is not { } list)
        {
            return;
        }

        if (host.Behaviour == ByzantineKind.FrontRunner)
        {
            // Colluders help only each other: an honest leader gets no list from them, a faulty one gets a lying list.
            if (_hostsByValidator[to].All(h => h.Honest))
            {
                return;
            }

            list = LyingList(host, list);
        }

        if (host.Behaviour == ByzantineKind.Censor)
        {
            list = CandidateList.Sign(
                _chainId, list.Round, list.Validator, list.ClockMs, 0, list.Entries.Where(e => !IsVictim(e.Transaction)), host.Signer);
        }

        if (host.Behaviour == ByzantineKind.ReorderExpress)
        {
            list = CandidateList.Sign(
                _chainId, list.Round, list.Validator, list.ClockMs, 0, list.Entries.Where(e => !_expressCarriers.Contains(e.Transaction)), host.Signer);
        }

        SendToValidator(host, to, new CandidateListEnvelope(list));
    }

    /// <summary>
    /// The front-runner's list: its own front-running transactions received long before anyone could have (they win any
    /// median it can sway), and their victims left out (so the list's late clock reading counts for them).
    /// </summary>
    private CandidateList LyingList(SimulatedHost host, CandidateList honest)
    {
        var entries = honest.Entries.Where(e => !_frontRunTargets.Contains(e.Transaction)).ToDictionary(e => e.Transaction);
        foreach (var (front, batch) in _frontRunBatchOf)
        {
            if (!host.Node!.Ordering.WasIncluded(front))
            {
                entries[front] = new CandidateEntry(front, honest.ClockMs > 60_000 ? honest.ClockMs - 60_000 : 0, batch);
            }
        }

        return CandidateList.Sign(
            _chainId, honest.Round, honest.Validator, honest.ClockMs, 0, entries.Values.Take(CandidateList.EntriesMax), host.Signer);
    }

    /// <summary>The leader's payload on a fair chain: null until the round's lists (and the batches they need) are in.</summary>
    private PayloadReady? RequestFairPayload(SimulatedHost host, RequestPayload request)
    {
        host.Node!.PendingPayload = (request.Round, MakePayload(host, request.Round), request.ParentTimestampMs, request.Parent);
        return MakeFairPayload(host, request.Round);
    }

    private PayloadReady? MakeFairPayload(SimulatedHost host, ulong round)
    {
        var node = host.Node!;
        var lane = node.Fair!;
        if (node.PendingPayload is not { } pending || pending.Round != round || host.Core!.Round != round)
        {
            node.PendingPayload = null;
            return null;
        }

        var parentTimestampMs = pending.ParentTimestampMs;
        lane.AdvanceTo(round);
        lane.ListFor(round, (ulong)NowMs(host));
        var batches = pending.Digests.Where(_published.ContainsKey).Select(d => _published[d]).ToList();

        // A leader fetches a batch it lacks as a voter does: any published batch can be fetched from someone.
        var proposal = lane.Propose(
            round, parentTimestampMs, batches, d => _published.GetValueOrDefault(d), node.Ordering.WasIncluded, new HashSet<Hash>());
        if (proposal is null)
        {
            return null;
        }

        node.PendingPayload = null;
        var lists = proposal.Lists;
        var digests = pending.Digests;
        var payloads = proposal.PayloadDigests;
        if (host.Behaviour is ByzantineKind.FrontRunner or ByzantineKind.Censor or ByzantineKind.ReorderExpress)
        {
            lists = ChooseLists(lists);
        }

        if (host.Behaviour == ByzantineKind.Censor)
        {
            // Voters refuse a block without the payload of a transaction its lists include: this costs the censor its round.
            digests = [.. digests.Where(d => !_published[d].Transactions.Any(t => t.Namespace == VictimNamespace))];
            payloads = [.. payloads.Where(d => !_published[d].Transactions.Any(t => t.Namespace == VictimNamespace))];
        }

        var (l1, inbox) = InboxProposal(host, pending.Parent);
        return new PayloadReady(round, digests, lane.Timestamp(lists, parentTimestampMs), payloads, lists, L1: l1, Inbox: inbox);
    }

    /// <summary>An express bundle's carrier, under the <c>reorder-express</c> adversary (only it cares).</summary>
    private bool IsHeldExpress(Hash transaction) => _options.Byzantine == ByzantineKind.ReorderExpress && _expressCarriers.Contains(transaction);

    /// <summary>A transaction of the censored rollup (only the censor adversary cares).</summary>
    private bool IsVictim(Hash transaction) => _options.Byzantine == ByzantineKind.Censor && _victimTransactions.Contains(transaction);

    /// <summary>A faulty leader carries the colluders' lists and as few honest ones as a quorum needs: those naming fewest victims.</summary>
    private List<CandidateList> ChooseLists(IReadOnlyList<CandidateList> held)
    {
        var chosen = held.Where(l => !_hostsByValidator[l.Validator].Any(h => h.Honest)).ToList();
        var honest = held.Where(l => _hostsByValidator[l.Validator].Any(h => h.Honest))
            .OrderBy(l => l.Entries.Count(e => _frontRunTargets.Contains(e.Transaction) || IsVictim(e.Transaction) || IsHeldExpress(e.Transaction))).ToList();
        foreach (var list in honest)
        {
            if (chosen.Aggregate(0UL, (sum, l) => sum + _validators.StakeOf(l.Validator)) >= _validators.QuorumStake)
            {
                break;
            }

            chosen.Add(list);
        }

        return chosen;
    }

    /// <summary>A waiting proposal is retried whenever a list arrives and every tick.</summary>
    private void TryPendingPayload(SimulatedHost host)
    {
        if (host.Node?.PendingPayload is { } pending && host.Alive && MakeFairPayload(host, pending.Round) is { } ready)
        {
            host.Driver!.Step(ready);
        }
    }

    /// <summary>The voter's check of a block's fair part; a refusal is counted and means no vote.</summary>
    private bool FairProposalSound(SimulatedHost host, CheckAvailability check)
    {
        if (host.Node!.Fair is not { } lane || !host.Honest)
        {
            return true;
        }

        var batches = check.BatchDigests.Select(d => _published[d]).ToList();
        var reason = lane.CheckProposal(check.Block, check.ParentTimestampMs, batches, (ulong)NowMs(host), host.Node.Ordering.WasIncluded);
        if (reason is null)
        {
            return true;
        }

        _fairRefusals[reason] = _fairRefusals.GetValueOrDefault(reason) + 1;
        return false;
    }

    /// <summary>Fair-lane transactions a host just saw output leave its lists.</summary>
    private static void OnFairOutput(SimulatedHost host, BlockOutput output)
    {

        host.Node!.Fair?.OnOutput([.. output.Transactions.Concat(output.BundleCarriers()).Select(t => t.Hash)]);
    }

    /// <summary>After a restart the fair lane's receive times come back from the batches and receipts on disk.</summary>
    private void RestoreFairLane(SimulatedHost host)
    {
        if (host.Node!.Fair is not { } lane)
        {
            return;
        }

        lane.RefuseListsThrough(host.Core!.Safety.LastVotedRound + 1);
        lane.Restore(
            FairRecovery.HeldBatches(host.Chain, (ulong)NowMs(host), lane.Options.ReceiveCapacity),
            tx => _registry.IsFairOrdered(tx),
            host.Node.Ordering.WasIncluded);
    }

    /// <summary>
    /// After a restart the ordering stage's window of recent fair inclusions comes back from the chain store; a chain
    /// without fair namespaces has no window, and reading a thousand stored outputs for it would be wasted.
    /// </summary>
    private void RestoreOrdering(SimulatedHost host)
    {
        host.Node!.Ordering.RestoreBatches(FairRecovery.RecentBatchDigests(host.Chain, Ordering.Output.OutputBatchWindow.HeightsKept));
        if (_registry.HasFair)
        {
            host.Node!.Ordering.Restore(FairRecovery.RecentOutputs(host.Chain, IncludedWindow.HeightsKept));
        }

        RestoreAuctions(host);
    }
}

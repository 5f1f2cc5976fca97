using System.Buffers.Binary;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Inbox;
using Fairway.Core.Output;

namespace Fairway.Simulation;

/// <summary>
/// Forced inclusion in the simulator: a simulated L1 whose block n is made at n × <see cref="SimulationOptions.L1BlockMs"/>
/// of simulated time (its hash a function of n), with an inbox users post to during the fault phase. Each host's L1
/// watcher sees the L1 a seeded [0, <see cref="SimulationOptions.L1LagMsMax"/>] ms late and takes a block as final once
/// <see cref="SimulationOptions.L1Confirmations"/> more are on top of it; it feeds the host's <see cref="InboxLedger"/>
/// the posts of its final blocks, as a node's watcher does. Leaders name a final L1 block of their own view (one behind
/// their newest, as the node does, never below the parent's) and propose <see cref="InboxRules.Propose"/>; voters check
/// the reference and apply <see cref="InboxRules.Refusal"/>, and refuse (no vote) what either finds wrong.
/// <para>Invariant: with at most f faulty validators every entry is committed on time. An entry is due when its deadline
/// block becomes final on the L1 (the L1 reaches deadline + confirmations: the first moment a voter's final view can hold
/// the chain to it), and it is late when no honest host committed it within the honest watchers' largest lag plus one
/// base round timeout after that (a violation only where the network was healed or never broken by then). Missing: never
/// committed, though that allowance ran out before the run ended (after healing the run goes on until every entry is
/// committed, within the liveness bound).</para>
/// </summary>
internal sealed partial class SimulationRun
{
    /// <summary>How far behind its own newest final L1 block a leader names one, as on a node: voters poll at other moments.</summary>
    private const ulong L1ReferenceSlackBlocks = 1;

    /// <summary>The first 8 bytes of every inbox payload: no client payload has this length, so no entry is a client's transaction.</summary>
    private const ulong InboxPayloadMagic = 0x786f_626e_692d_6d69; // "im-inbox", little-endian

    /// <summary>Every entry posted so far: index i + 1 at position i.</summary>
    private readonly List<InboxItem> _inboxPosts = [];

    /// <summary>The rounds at which the fault phase's posts are made, in order.</summary>
    private readonly Queue<ulong> _inboxPostRounds = new();

    /// <summary>When an honest host first committed each entry, in simulated ms, by inbox index.</summary>
    private readonly Dictionary<ulong, long> _inboxCommittedAtMs = [];

    /// <summary>Proposals some honest voter refused on inbox or L1 reference grounds, and of those, the ones an honest leader made.</summary>
    private readonly HashSet<Hash> _inboxRefused = [];
    private readonly HashSet<Hash> _inboxRefusedOfHonest = [];

    /// <summary>Refusal reasons heard, first few kept, so a failing seed can be read.</summary>
    private readonly List<string> _inboxRefusalSamples = [];

    private Random? _inboxRandom;
    private long _healedAtMs = -1;

    private void PlanInbox()
    {
        if (!_options.InboxEnabled)
        {
            return;
        }

        _inboxRandom = new Random(DeriveSeed(_options.Seed, 7));
        var rounds = Enumerable.Range(0, _options.InboxPostsPlanned).Select(_ => (ulong)(1 + _inboxRandom.Next(Math.Max(1, _options.Rounds - 1)))).Order();
        foreach (var round in rounds)
        {
            _inboxPostRounds.Enqueue(round);
        }
    }

    private long TrueMs => _tick * _options.TickMs;

    /// <summary>The newest block of the simulated L1 at <paramref name="ms"/> of simulated time.</summary>
    private ulong L1HeadAt(long ms) => ms <= 0 ? 0 : (ulong)(ms / _options.L1BlockMs);

    /// <summary>The simulated L1's block hash at <paramref name="number"/>: one chain, the same for every watcher.</summary>
    private static Hash L1Hash(ulong number)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 0x316c_2d6d_6973_2d66); // "f-sim-l1"
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], number);
        return Hash.Compute(bytes);
    }

    /// <summary>The newest L1 block <paramref name="host"/>'s watcher takes as final now.</summary>
    private ulong L1FinalFor(SimulatedHost host)
    {
        var head = L1HeadAt(TrueMs - host.L1LagMs);
        var confirmations = (ulong)_options.L1Confirmations;
        return head > confirmations ? head - confirmations : 0;
    }

    /// <summary>Each tick of the fault phase: the posts planned for the rounds honest hosts have reached go into the L1 block being made.</summary>
    private void PostToInbox()
    {
        if (_healed || _inboxRandom is null)
        {
            return;
        }

        var round = MaxHonestRound();
        while (_inboxPostRounds.TryPeek(out var due) && due <= round)
        {
            _inboxPostRounds.Dequeue();
            var index = (ulong)_inboxPosts.Count + 1;
            var posted = L1HeadAt(TrueMs) + 1;
            var payload = new byte[24];
            BinaryPrimitives.WriteUInt64LittleEndian(payload, InboxPayloadMagic);
            BinaryPrimitives.WriteUInt64LittleEndian(payload.AsSpan(8), index);
            BinaryPrimitives.WriteUInt64LittleEndian(payload.AsSpan(16), _options.Seed);
            var item = new InboxItem(index, (ulong)(1 + _inboxRandom.Next(_options.Namespaces)), payload, posted, posted + (ulong)_options.InboxDeadlineBlocks);
            _inboxPosts.Add(item);
            _outputChecker.OnInboxPosted(item.AsTransaction());
        }
    }

    /// <summary>Each tick, before anything is delivered: every running host's watcher reads the posts its final view now holds.</summary>
    private void FeedInboxLedgers()
    {
        foreach (var host in _hosts)
        {
            if (host.Alive)
            {
                FeedInboxLedger(host);
            }
        }
    }

    private void FeedInboxLedger(SimulatedHost host)
    {
        if (host.Node?.Inbox is not { } ledger)
        {
            return;
        }

        var final = L1FinalFor(host);
        if (final <= ledger.ReadThrough)
        {
            return;
        }

        var items = new List<InboxItem>();
        for (var i = (int)ledger.LatestIndex; i < _inboxPosts.Count && _inboxPosts[i].PostedBlock <= final; i++)
        {
            items.Add(_inboxPosts[i]);
        }

        ledger.Add(items, final);
    }

    /// <summary>A started host's watcher starts over: from the inbox index of its newest stored commit, read up to its final view.</summary>
    private InboxLedger? NewInboxLedger(SimulatedHost host)
    {
        if (!_options.InboxEnabled)
        {
            return null;
        }

        var ledger = new InboxLedger();
        var tip = host.Chain.CommittedHeight;
        if (tip > 0 && host.Chain.GetCommitted(tip)?.Block.Inbox is { } section)
        {
            ledger.Included(section.Index);
        }

        return ledger;
    }

    /// <summary>The block <paramref name="hash"/> as <paramref name="host"/> holds it: the core asks only about blocks in its tree, all persisted.</summary>
    private Block BlockAt(SimulatedHost host, Hash hash) =>
        hash == _genesis.Hash ? _genesis
        : host.Chain.TryGetBlock(hash, out var block) ? block
        : throw new InvalidOperationException($"host {host.Id} holds no block {hash.ToHex()[..16]}, which its core builds on");

    /// <summary>
    /// The L1 reference and inbox section a leader proposes on <paramref name="parent"/>: its final view one block back
    /// (never below the parent's), and every entry final by then, except for a censor (and, test-only, an honest leader
    /// told to ignore the inbox), which includes none.
    /// </summary>
    private (L1Reference? L1, InboxSection? Inbox) InboxProposal(SimulatedHost host, Hash parent)
    {
        if (!_options.InboxEnabled)
        {
            return (null, null);
        }

        var parentBlock = BlockAt(host, parent);
        var final = L1FinalFor(host);
        var own = final > L1ReferenceSlackBlocks ? final - L1ReferenceSlackBlocks : 0;
        var l1 = parentBlock.L1 is { } inherited && inherited.Number >= own ? inherited : new L1Reference(own, L1Hash(own));
        var includesNone = host.Behaviour == ByzantineKind.CensorInbox || (host.Honest && _options.UnsafeIgnoreInboxForTesting);
        var inbox = InboxRules.Propose(parentBlock.Inbox?.Index ?? 0, host.Node!.Inbox!, l1.Number, includesNone ? _ => true : null);
        return (l1, inbox);
    }

    /// <summary>
    /// A voter's check of a block's L1 reference and inbox section; false means no vote. The censor votes for anything.
    /// Refusals by honest voters are counted, by proposal.
    /// </summary>
    private bool InboxSound(SimulatedHost host, Block block)
    {
        if (!_options.InboxEnabled || host.Behaviour == ByzantineKind.CensorInbox || host.Node?.Inbox is not { } ledger)
        {
            return true;
        }

        var parent = BlockAt(host, block.ParentHash);
        var parentIndex = parent.Inbox?.Index ?? 0;
        var view = host.Honest && _options.UnsafeIgnoreInboxForTesting ? CarriedOnly(ledger, parentIndex, block) : ledger;
        var reason = L1ReferenceRefusal(host, block, parent) ?? InboxRules.Refusal(block, parentIndex, view, L1FinalFor(host));
        if (reason is null)
        {
            return true;
        }

        if (host.Honest)
        {
            _inboxRefused.Add(block.Hash);
            if (_hostsByValidator[block.Author].Any(h => h.Honest))
            {
                _inboxRefusedOfHonest.Add(block.Hash);
            }

            if (_inboxRefusalSamples.Count < 8)
            {
                _inboxRefusalSamples.Add($"host {host.Id}, round {block.Round} by validator {block.Author}: {reason}");
            }
        }

        return false;
    }

    /// <summary>The node's check of a block's L1 reference, against this host's view of the simulated L1.</summary>
    private string? L1ReferenceRefusal(SimulatedHost host, Block block, Block parent) =>
        L1Reference.Refusal(block.L1, parent.L1, l1 => l1.Number <= L1FinalFor(host) && l1.BlockHash == L1Hash(l1.Number));

    /// <summary>
    /// Test-only: the ledger as a voter that ignores the inbox sees it, holding nothing past what the block carries, so
    /// no entry left out can be past its deadline while the entries carried are still checked.
    /// </summary>
    private static InboxLedger CarriedOnly(InboxLedger ledger, ulong parentIndex, Block block)
    {
        var view = new InboxLedger();
        view.Included(parentIndex);
        var items = new List<InboxItem>();
        for (var index = parentIndex + 1; index <= (block.Inbox?.Index ?? 0) && ledger.Get(index) is { } item; index++)
        {
            items.Add(item);
        }

        view.Add(items, ledger.ReadThrough);
        return view;
    }

    /// <summary>A committed block: the host's ledger lets go of what it includes; the first honest commit of each entry is its time.</summary>
    private void OnInboxCommit(SimulatedHost host, Block block)
    {
        if (block.Inbox is not { } section)
        {
            return;
        }

        host.Node?.Inbox?.Included(section.Index);
        if (host.Honest)
        {
            for (var i = 0; i < section.Entries.Count; i++)
            {
                _inboxCommittedAtMs.TryAdd(section.IndexAt(i), TrueMs);
            }
        }
    }

    /// <summary>
    /// In an honest host's output of a block, every inbox entry the block carries is there, ahead of every other
    /// transaction of its namespace, in inbox order.
    /// </summary>
    private void CheckInboxOutput(SimulatedHost host, Block block, BlockOutput output)
    {
        if (!host.Honest || block.Inbox is not { Entries.Count: > 0 } section)
        {
            return;
        }

        foreach (var group in section.Entries.GroupBy(e => e.Namespace))
        {
            var stream = output.Transactions.Where(t => t.Namespace == group.Key).Take(group.Count()).ToList();
            if (!stream.SequenceEqual(group))
            {
                _outputChecker.Violations.Add(
                    $"inbox entries out of place: host {host.Id}'s output at height {output.Height} does not open namespace {group.Key} with the {group.Count()} inbox entries its block carries");
            }
        }
    }

    /// <summary>The moment an entry is due: its deadline block is final on the L1 (the L1 has made deadline + confirmations blocks).</summary>
    private long DueMs(InboxItem item) => (long)(item.DeadlineBlock + (ulong)_options.L1Confirmations) * _options.L1BlockMs;

    /// <summary>What an entry may take after it is due: the honest watchers' largest lag and one base round timeout.</summary>
    private long InboxAllowanceMs =>
        _hosts.Where(h => h.Honest && !h.PermanentlyDown).Select(h => (long)h.L1LagMs).DefaultIfEmpty(0).Max()
        + ((long)_options.Consensus.TimeoutBaseTicks * _options.TickMs);

    /// <summary>An entry no honest host has committed: the run goes on for it after healing, within the liveness bound.</summary>
    private bool InboxUnresolved() => _inboxCommittedAtMs.Count < _inboxPosts.Count;

    private InboxCounts MeasureInbox()
    {
        var allowance = InboxAllowanceMs;
        int included = 0, late = 0, lateJudged = 0, missing = 0, pending = 0;
        foreach (var item in _inboxPosts)
        {
            var limit = DueMs(item) + allowance;
            if (_inboxCommittedAtMs.TryGetValue(item.Index, out var at))
            {
                included++;
                if (at > limit)
                {
                    late++;
                    lateJudged += JudgedOnTime(item) ? 1 : 0;
                }
            }
            else if (TrueMs > limit)
            {
                missing++;
            }
            else
            {
                pending++;
            }
        }

        var delays = _inboxPosts.Where(i => _inboxCommittedAtMs.ContainsKey(i.Index))
            .Select(i => _inboxCommittedAtMs[i.Index] - ((long)i.PostedBlock * _options.L1BlockMs)).ToList();
        return new InboxCounts(_inboxPosts.Count, included, late, lateJudged, missing, pending, delays);
    }

    /// <summary>
    /// Timing holds only where the network does: an entry's lateness breaks the invariant if it fell due after the
    /// network healed, or in a run whose fault phase lost, split and crashed nothing.
    /// </summary>
    private bool JudgedOnTime(InboxItem item) =>
        (_options.Loss == 0 && _options.PartitionProbability == 0 && _options.CrashProbability == 0)
        || (_healedAtMs >= 0 && DueMs(item) >= _healedAtMs);

    private IEnumerable<string> InboxViolations(InboxCounts counts)
    {
        var f = (int)(_validators.ValidityStake - 1);
        if (_options.Faulty > f)
        {
            yield break;
        }

        var samples = _inboxRefusalSamples.Count == 0 ? "" : $" (refusals heard: {string.Join("; ", _inboxRefusalSamples.Take(2))})";
        if (counts.Missing > 0)
        {
            yield return $"{counts.Missing} of {counts.Posted} inbox entries were never committed, though their deadline passed, with {_options.Faulty} faulty (f = {f}){samples}";
        }

        if (counts.LateJudged > 0)
        {
            yield return $"{counts.LateJudged} of {counts.Posted} inbox entries were committed more than {InboxAllowanceMs} ms after their deadline block was final, with {_options.Faulty} faulty (f = {f}){samples}";
        }
    }

    /// <param name="DelaysMs">Of each included entry, from the moment its L1 block was made to its first honest commit.</param>
    private readonly record struct InboxCounts(int Posted, int Included, int Late, int LateJudged, int Missing, int Pending, List<long> DelaysMs);
}

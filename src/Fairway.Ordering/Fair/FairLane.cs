using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Inclusion;
using Fairway.Core.Validators;

namespace Fairway.Ordering.Fair;

/// <summary>What a leader's fair lane puts in its block: the round's lists, the earlier batches they need, the timestamp.</summary>
public sealed record FairProposal(IReadOnlyList<CandidateList> Lists, IReadOnlyList<Hash> PayloadDigests, ulong TimestampMs);

/// <summary>Two different lists one validator signed for one round: evidence against it, checkable by anyone.</summary>
public sealed record ConflictingLists(CandidateList First, CandidateList Second);

/// <summary>
/// One validator's side of the inclusion stage of the <c>fair</c> policy, with no clock or network of its own (the node
/// and the simulator drive it): it records when it first saw each fair-lane transaction, signs one candidate list per
/// round, keeps the lists peers send it (checked and bounded), builds the fair part of its proposals when it leads, and
/// checks the fair part of a proposal before this validator votes for it.
/// </summary>
public sealed class FairLane
{
    /// <summary>Rounds around the current one whose lists are kept: lists for other rounds are refused.</summary>
    public const ulong RoundsKept = 8;

    private readonly FairLaneOptions _options;
    private readonly Hash _chainId;
    private ValidatorSet _validators;
    private readonly int _self;
    private readonly ISigner _signer;
    private readonly ISignatureVerifier _verifier;
    private readonly ReceiveLog _received;
    private readonly SortedDictionary<ulong, Dictionary<int, CandidateList>> _lists = [];
    private readonly SortedDictionary<ulong, CandidateList> _own = [];
    private ulong _round;
    private ulong _listsRefusedThrough;

    /// <summary>Transactions a proposal's lists include, left out of this validator's lists while that proposal may commit.</summary>
    private readonly Dictionary<Hash, Hash> _inFlight = [];
    private readonly Dictionary<Hash, InFlightBlock> _inFlightBlocks = [];

    /// <summary>Proposals with lists not yet certified by a child, by hash.</summary>
    private readonly Dictionary<Hash, InFlightBlock> _proposed = [];

    private sealed record InFlightBlock(ulong Round, IReadOnlyList<Hash> Transactions);

    /// <summary>Rounds a certified block's inclusions stay out of this validator's lists, unless output sooner.</summary>
    public const ulong CertifiedHoldRounds = 4;

    /// <summary>Proposals whose inclusions are held out at once: a bound on this state.</summary>
    private const int InFlightBlocksMax = 64;

    /// <summary>
    /// A new epoch's stakes on the same roster: lists of its blocks count by them. Blocks of the ended epoch that were
    /// already taken in keep the counts they had; the ones proposed after the epoch's last block are never committed.
    /// </summary>
    public void ChangeValidators(ValidatorSet validators)
    {
        ArgumentNullException.ThrowIfNull(validators);
        if (validators.Count != _validators.Count)
        {
            throw new ArgumentException($"a roster of {validators.Count} for a lane of {_validators.Count}", nameof(validators));
        }

        _validators = validators;
    }

    public FairLane(FairLaneOptions options, Hash chainId, ValidatorSet validators, int self, ISigner signer, ISignatureVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _chainId = chainId;
        _validators = validators ?? throw new ArgumentNullException(nameof(validators));
        _self = self;
        _signer = signer ?? throw new ArgumentNullException(nameof(signer));
        _verifier = verifier ?? throw new ArgumentNullException(nameof(verifier));
        _received = new ReceiveLog(options.ReceiveCapacity);

        // Every validator's list must fit in one block together: a proposal over the block's entry budget would be dropped.
        _entriesPerList = Math.Max(CandidateList.CapFloorFor(validators.Count), Math.Min(options.EntriesPerList, Limits.CandidateEntriesPerBlockMax / validators.Count));
    }

    private readonly int _entriesPerList;

    public FairLaneOptions Options => _options;

    /// <summary>Entries of the last list this validator signed: what its lists cost a block.</summary>
    public int LastListEntries { get; private set; }

    /// <summary>Fair-lane transactions this validator holds and has not seen output.</summary>
    public int Pending => _received.Count;

    /// <summary>
    /// This validator first saw <paramref name="transaction"/> (from a client, or in <paramref name="batch"/> from a peer) at
    /// <paramref name="nowMs"/> by its own clock. False when the receive log is full: the caller refuses the transaction.
    /// </summary>
    public bool Receive(Hash transaction, Hash batch, ulong nowMs) => _received.TryRecord(transaction, nowMs, batch);

    /// <summary>
    /// After a restart: this validator may have signed lists up to <paramref name="round"/> before it crashed (it sends one
    /// with each vote and timeout, and it persisted the highest round it voted or timed out in). It signs none for those
    /// rounds again: a second, different list for a round is evidence of equivocation, even from an honest validator.
    /// </summary>
    public void RefuseListsThrough(ulong round) => _listsRefusedThrough = Math.Max(_listsRefusedThrough, round);

    /// <summary>
    /// After a restart: the batches this validator held before, with the times it first held them (oldest first), so it
    /// lists what it had seen with the times it saw them instead of forgetting them.
    /// </summary>
    public void Restore(IEnumerable<(Batch Batch, ulong ReceivedAtMs)> held, Func<Transaction, bool> isFair, Func<Hash, bool> wasIncluded)
    {
        ArgumentNullException.ThrowIfNull(held);
        ArgumentNullException.ThrowIfNull(isFair);
        ArgumentNullException.ThrowIfNull(wasIncluded);
        foreach (var (batch, at) in held)
        {
            foreach (var tx in batch.Transactions)
            {
                if (isFair(tx) && !wasIncluded(tx.Hash))
                {
                    Receive(tx.Hash, batch.Digest, at);
                }
            }
        }
    }

    public bool TryGetReceivedAt(Hash transaction, out ulong receivedAtMs) => _received.TryGetReceivedAt(transaction, out receivedAtMs);

    /// <summary>Fair-lane transactions just output: they leave this validator's lists.</summary>
    public void OnOutput(IReadOnlyCollection<Hash> transactions)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        _received.OnIncluded(transactions);
        foreach (var transaction in transactions)
        {
            _inFlight.Remove(transaction);
        }
    }

    /// <summary>
    /// This validator's list for <paramref name="round"/>, signed once: asked again for the same round it returns the same
    /// list (two different lists for one round would be evidence against an honest validator).
    /// </summary>
    public CandidateList? ListFor(ulong round, ulong nowMs)
    {
        AdvanceTo(round);
        if (_own.TryGetValue(round, out var made))
        {
            return made;
        }

        if (round <= _listsRefusedThrough)
        {
            return null;
        }

        var list = CandidateList.Sign(
            _chainId, round, (ushort)_self, nowMs, 0, _received.Candidates(nowMs, _options.DelayMs, _entriesPerList, _inFlight.ContainsKey), _signer);
        _own[round] = list;
        LastListEntries = list.Entries.Count;
        while (_own.Count > (int)RoundsKept)
        {
            _own.Remove(_own.Keys.First());
        }

        Keep(list);
        return list;
    }

    /// <summary>
    /// A peer's list, from validator <paramref name="from"/> (the transport authenticates it). Null when kept; otherwise the
    /// reason it was refused, one of a few fixed strings the caller counts. A second, different list for a round already
    /// held from that validator is refused and reported through <paramref name="conflict"/>.
    /// </summary>
    public string? OnList(int from, CandidateList list, ulong nowMs, out ConflictingLists? conflict)
    {
        ArgumentNullException.ThrowIfNull(list);
        conflict = null;
        if (list.Validator != from)
        {
            return "signer is not the sender";
        }

        if (list.Round + RoundsKept < _round)
        {
            return "old round";
        }

        if (list.Round > _round + RoundsKept)
        {
            return "round out of range";
        }

        var reason = CheckOne(list, nowMs);
        if (reason is not null)
        {
            return reason;
        }

        if (_lists.TryGetValue(list.Round, out var held) && held.TryGetValue(from, out var earlier))
        {
            if (earlier.Digest == list.Digest)
            {
                return null;
            }

            conflict = new ConflictingLists(earlier, list);
            return "conflicting list";
        }

        Keep(list);
        return null;
    }

    /// <summary>
    /// A proposal joined this validator's block tree; it certifies its parent. Returns what the proposal's lists include
    /// (f+1 stake), computed once here for the caller too. What a certified block's lists include is
    /// left out of this validator's next lists for <see cref="CertifiedHoldRounds"/> rounds (a certified block commits
    /// within a round or two, and listing its transactions again only makes later blocks carry them again). Uncertified
    /// proposals hold nothing out: a proposal that fails must not delay what it named, or a faulty leader could delay a
    /// victim by proposing a block it lets fail.
    /// </summary>
    public IReadOnlyList<Hash> OnBlock(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        IReadOnlyList<Hash> included = block.CandidateLists.Count == 0 ? [] : FairInclusion.Eligible(block.CandidateLists, _validators);
        if (block.CandidateLists.Count > 0 && !_proposed.ContainsKey(block.Hash) && _proposed.Count < InFlightBlocksMax)
        {
            _proposed[block.Hash] = new InFlightBlock(block.Round, included);
        }

        if (_proposed.Remove(block.ParentHash, out var parent) && !_inFlightBlocks.ContainsKey(block.ParentHash))
        {
            // The hold counts from the certifying round.
            _inFlightBlocks[block.ParentHash] = parent with { Round = block.Round };
            foreach (var transaction in parent.Transactions)
            {
                _inFlight[transaction] = block.ParentHash;
            }
        }

        return included;
    }

    /// <summary>The round the validator is in: lists for rounds far from it are refused and old ones forgotten.</summary>
    public void AdvanceTo(ulong round)
    {
        if (round <= _round)
        {
            return;
        }

        _round = round;
        foreach (var hash in _proposed.Where(p => p.Value.Round + RoundsKept < round).Select(p => p.Key).ToList())
        {
            _proposed.Remove(hash);
        }

        foreach (var (hash, block) in _inFlightBlocks.Where(p => p.Value.Round + CertifiedHoldRounds < round).ToList())
        {
            _inFlightBlocks.Remove(hash);
            foreach (var transaction in block.Transactions)
            {
                if (_inFlight.TryGetValue(transaction, out var holder) && holder == hash)
                {
                    _inFlight.Remove(transaction);
                }
            }
        }

        while (_lists.Count > 0 && _lists.Keys.First() + RoundsKept < round)
        {
            _lists.Remove(_lists.Keys.First());
        }
    }

    /// <summary>
    /// The fair part of this validator's proposal for <paramref name="round"/>, or null while it cannot make one: it needs
    /// lists of more than two thirds of the stake for the round, and a batch for every transaction they include.
    /// <paramref name="batches"/> are the batches the block orders; <paramref name="findBatch"/> finds any other held batch.
    /// Batches the lists name for an included transaction but this validator lacks are added to <paramref name="missing"/>:
    /// the caller fetches them and asks again.
    /// </summary>
    public FairProposal? Propose(
        ulong round, ulong parentTimestampMs, IReadOnlyList<Batch> batches, Func<Hash, Batch?> findBatch, Func<Hash, bool> alreadyIncluded, ISet<Hash> missing)
    {
        ArgumentNullException.ThrowIfNull(missing);
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(findBatch);
        ArgumentNullException.ThrowIfNull(alreadyIncluded);
        if (!_lists.TryGetValue(round, out var held))
        {
            return null;
        }

        var lists = held.Values.OrderBy(l => l.Validator).ToList();
        if (lists.Aggregate(0UL, (sum, l) => sum + _validators.StakeOf(l.Validator)) < _validators.QuorumStake)
        {
            return null;
        }

        var carried = batches.SelectMany(b => b.Transactions).Select(t => t.Hash).ToHashSet();
        var payloads = new List<Hash>();
        var hints = BatchHints(lists);
        var looked = new Dictionary<Hash, HashSet<Hash>?>();
        var complete = true;
        foreach (var transaction in FairInclusion.Eligible(lists, _validators))
        {
            // Carried even when this leader has seen it included: a voter whose ordering lags may not have yet.
            if (carried.Contains(transaction))
            {
                continue;
            }

            var found = false;
            foreach (var digest in hints[transaction])
            {
                // Each named batch is looked up once per proposal: most of a busy block's payload batches come from the
                // chain store, and thousands of listed transactions share a few dozen batches.
                if (!looked.TryGetValue(digest, out var content))
                {
                    looked[digest] = content = findBatch(digest) is { } batch ? [.. batch.Transactions.Select(t => t.Hash)] : null;
                }

                if (content is not null && content.Contains(transaction))
                {
                    payloads.Add(digest);
                    carried.UnionWith(content);
                    found = true;
                    break;
                }
            }

            if (!found && !alreadyIncluded(transaction))
            {
                complete = false;
                missing.UnionWith(hints[transaction]);
            }
        }

        return complete ? new FairProposal(lists, payloads, Timestamp(lists, parentTimestampMs)) : null;
    }

    /// <summary>
    /// The check a voter makes on the fair part of <paramref name="block"/> before it votes: null when sound, otherwise
    /// why not. <paramref name="batches"/> are all the block's batches (it votes only once it holds them).
    /// </summary>
    public string? CheckProposal(Block block, ulong parentTimestampMs, IReadOnlyList<Batch> batches, ulong nowMs, Func<Hash, bool> alreadyIncluded)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(alreadyIncluded);
        if (block.CandidateLists.Count == 0)
        {
            return "block without candidate lists";
        }

        foreach (var list in block.CandidateLists)
        {
            var known = _lists.TryGetValue(list.Round, out var held) && held.TryGetValue(list.Validator, out var mine) && mine.Digest == list.Digest;
            var reason = list.Round != block.Round ? "list for another round" : known ? null : CheckOne(list, nowMs);
            if (reason is not null)
            {
                return reason;
            }
        }

        try
        {
            FairInclusion.CheckQuorum(block.CandidateLists, _validators);
        }
        catch (ArgumentException)
        {
            return "lists without a quorum";
        }

        if (block.TimestampMs != Timestamp(block.CandidateLists, parentTimestampMs))
        {
            return "timestamp is not the median of the lists' clocks";
        }

        var carried = batches.SelectMany(b => b.Transactions).Select(t => t.Hash).ToHashSet();
        foreach (var transaction in FairInclusion.Eligible(block.CandidateLists, _validators))
        {
            if (!carried.Contains(transaction) && !alreadyIncluded(transaction))
            {
                return "an included transaction has no payload in the block";
            }
        }

        return null;
    }

    private static ILookup<Hash, Hash> BatchHints(IReadOnlyList<CandidateList> lists) =>
        lists.SelectMany(l => l.Entries).Select(e => (e.Transaction, e.Batch)).Distinct().ToLookup(p => p.Transaction, p => p.Batch);

    /// <summary>The consensus timestamp of a block carrying <paramref name="lists"/>: never below its parent's.</summary>
    public ulong Timestamp(IReadOnlyList<CandidateList> lists, ulong parentTimestampMs) =>
        Math.Max(parentTimestampMs, FairInclusion.WeightedMedian(lists.Select(l => (l.ClockMs, _validators.StakeOf(l.Validator)))));

    /// <summary>Signer, clock (within this validator's clock, give or take the skew and a list's age) and signature.</summary>
    private string? CheckOne(CandidateList list, ulong nowMs)
    {
        if (!_validators.Contains(list.Validator))
        {
            return "not a validator";
        }

        if (list.ClockMs + _options.SkewMs + _options.ListAgeMaxMs < nowMs || list.ClockMs > nowMs + _options.SkewMs)
        {
            return "clock out of bounds";
        }

        return list.Check(_chainId, _validators, _verifier) is null ? null : "bad signature";
    }

    private void Keep(CandidateList list)
    {
        if (list.Round + RoundsKept < _round || list.Round > _round + RoundsKept)
        {
            return;
        }

        if (!_lists.TryGetValue(list.Round, out var held))
        {
            _lists[list.Round] = held = [];
        }

        held.TryAdd(list.Validator, list);
    }
}

using Fairway.Consensus.Engine;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Output;
using Fairway.Ordering.Output;
using Fairway.Storage;

namespace Fairway.Simulation;

/// <summary>
/// After consensus: each host orders its committed blocks with the ordering stage, signs the output header and
/// certifies it with f+1 matching votes, as a node does; votes and certificates cross the faulty network.
/// </summary>
internal sealed partial class SimulationRun
{
    private static readonly NamespaceRegistry ReversedForTesting = new(ReversedOrderPolicy.Instance, []);

    /// <summary>
    /// Orders every committed block the host has not ordered yet, in height order, and hands each output to the
    /// certifier. Stops at a block whose batches nobody can fetch: the host cannot order past it (the availability
    /// invariant has reported that block).
    /// </summary>
    private void OrderCommitted(SimulatedHost host)
    {
        var chain = host.Chain;
        while (chain.CommittedHeight < (ulong)host.Commits.Count)
        {
            var (block, certificate) = host.Commits[(int)chain.CommittedHeight];
            var batches = new List<Batch>(block.AllBatchDigests.Count);
            foreach (var digest in block.AllBatchDigests)
            {
                if (!_published.TryGetValue(digest, out var batch))
                {
                    return;
                }

                batches.Add(batch);
            }

            // Ordered once per height: a height waiting for decryption keeps its sealed output (ordering moves the fair window).
            BlockOutput sealedOutput;
            if (host.Node!.Waiting is { } waiting && waiting.Output.Height == block.Height)
            {
                sealedOutput = waiting.Output;
            }
            else
            {
                var tip = chain.CommittedHeight;
                var previous = tip == 0 ? OrderingState.Genesis : new OrderingState(tip, chain.GetOutputHeader(tip)!.Hash);
                sealedOutput = Order(host, block, batches, previous);
                OnFairOutput(host, sealedOutput);
            }

            // An encrypted lane's ciphertexts are revealed first; until then this height, and every later one, waits.
            if (Reveal(host, sealedOutput) is not { } output)
            {
                return;
            }

            // The auctions read the final output before the next height is ordered (a bid only once revealed).
            FeedAuction(host, block, output);
            WatchForLanes(host, output);

            // As the node writes a commit: its batches first, then the block with its output, durable together.
            chain.PutBatches(batches);
            chain.AppendCommitted(new CommittedBlock(block, certificate, output));
            _outputChecker.OnOutput(host, output);
            CheckInboxOutput(host, block, output);
            if (host == _measured)
            {
                _options.Flow?.OnOutput(output.Height, output.Transactions, _tick * _options.TickMs);
            }
            CarryCertifier(host, host.Node!.Certifier.OnLocalOutput(output.Header), output, repeat: false);
            StoreCertificates(host);
        }
    }

    /// <summary>
    /// A commit the host's consensus core just made, recorded for the checks; false for a height it committed before
    /// (a restarted host whose chain store kept an older tip commits those heights again).
    /// </summary>
    private bool RecordCommit(SimulatedHost host, CommitBlock commit)
    {
        var height = commit.Block.Height;
        if (height <= (ulong)host.Commits.Count)
        {
            if (host.Honest && host.Commits[(int)height - 1].Block.Hash != commit.Block.Hash)
            {
                _checker.Violations.Add($"host {host.Id} committed a different block at height {height} after a restart");
            }

            return false;
        }

        host.Commits.Add((commit.Block, commit.Certificate));
        return true;
    }

    /// <summary>Certificates reach the chain store in height order and only for heights stored there, as in the node.</summary>
    private static void StoreCertificates(SimulatedHost host)
    {
        var chain = host.Chain;
        var early = host.Node!.CertifiedEarly;
        while (early.TryGetValue(chain.CertifiedHeight + 1, out var next) && next.Height <= chain.CommittedHeight)
        {
            early.Remove(next.Height);

            // A certificate of a header other than the one this host stored is the output checker's to report.
            if (chain.GetOutputHeader(next.Height)!.Hash != next.HeaderHash)
            {
                return;
            }

            chain.PutOutputCertificate(next);
        }
    }

    /// <summary>For <see cref="OutputFaultForTesting.RepeatedFromEarlierHeightAtFPlusOne"/>: each broken host's last non-empty output's first transaction.</summary>
    private readonly Dictionary<int, Transaction> _earlierOutputFirst = [];

    private BlockOutput Order(SimulatedHost host, Block block, List<Batch> batches, OrderingState previous)
    {
        WatchForCensorship(host, block);
        if (!_brokenPipelineHosts.Contains(host.Id))
        {
            return BreakAuction(host, block, host.Node!.Ordering.Order(block, batches, previous).Output);
        }

        var fault = _options.UnsafeOutputFaultForTesting;
        if (fault == OutputFaultForTesting.SplitBundleAtFPlusOne)
        {
            return SplitBundles(host.Node!.Ordering.Order(block, batches, previous).Output);
        }

        var registry = fault == OutputFaultForTesting.ReversedOrderAtFPlusOne ? ReversedForTesting : NamespaceRegistry.FcfsOnly;
        var output = new OrderingStage(_chainId, registry, _validators).Order(block, batches, previous).Output;
        Transaction? extra = fault switch
        {
            OutputFaultForTesting.InventedTransactionAtFPlusOne => new Transaction(1, Hash.Compute(block.Hash.ToArray()).ToArray()),
            OutputFaultForTesting.DuplicatedTransactionAtFPlusOne when output.Transactions.Count > 0 => output.Transactions[0],
            OutputFaultForTesting.RepeatedFromEarlierHeightAtFPlusOne => _earlierOutputFirst.GetValueOrDefault(host.Id),
            _ => null,
        };
        if (output.Transactions.Count > 0)
        {
            _earlierOutputFirst[host.Id] = output.Transactions[0];
        }

        if (extra is null)
        {
            return output;
        }

        // Still in namespace order (an output header is over the output in that order); only its content is wrong.
        var placed = output.Transactions.Zip(output.Sources, (t, s) => (Transaction: t, Source: s))
            .Append((Transaction: extra, Source: new OutputSource(0, 0))).OrderBy(p => p.Transaction.Namespace).ToList();
        List<Transaction> transactions = [.. placed.Select(p => p.Transaction)];
        // Over the same header fields, the inbox commitment included: only the transactions differ.
        var header = output.Header.Over(transactions);
        return new BlockOutput(header, transactions, [.. placed.Select(p => p.Source)]);
    }

    /// <summary>The test-only split: every bundle's last leg is left out, the rest of the output as computed.</summary>
    private static BlockOutput SplitBundles(BlockOutput output)
    {
        var lastLegs = output.Sources.Where(s => s.Leg is not null)
            .GroupBy(s => (s.BatchPosition, s.IndexInBatch)).Select(g => g.MaxBy(s => s.Leg)).ToHashSet();
        var kept = Enumerable.Range(0, output.Transactions.Count).Where(i => !lastLegs.Contains(output.Sources[i])).ToList();
        List<Transaction> transactions = [.. kept.Select(i => output.Transactions[i])];
        var header = output.Header.Over(transactions);
        return new BlockOutput(header, transactions, [.. kept.Select(i => output.Sources[i])]);
    }

    /// <summary>
    /// After a restart: the certifier is rebuilt from the outputs and certificates on disk. It restarts at the lowest
    /// height not certified yet; heights certified before the crash are passed as such, so no vote is signed for them
    /// again. The votes it re-signs are marked as repeats, so peers that certified those heights send the certificate.
    /// </summary>
    private void RecoverOutputs(SimulatedHost host)
    {
        RestoreOrdering(host);
        RestoreFairLane(host);
        var chain = host.Chain;
        var last = chain.CommittedHeight;
        if (last > 0)
        {
            var first = Math.Min(last, Math.Max(chain.CertifiedHeight + 1, last > OutputCertifier.HeightsBehindMax ? last - OutputCertifier.HeightsBehindMax : 1));
            for (var height = first; height <= last; height++)
            {
                var header = chain.GetOutputHeader(height)!;
                var certified = height <= chain.CertifiedHeight;

                // Only the wrong-output adversary needs the transactions, to build its lie.
                var output = host.Behaviour == ByzantineKind.WrongOutput ? chain.GetCommitted(height)!.Output : null;
                CarryCertifier(host, host.Node!.Certifier.OnLocalOutput(header, certified), output, repeat: true);
            }
        }

        OrderCommitted(host);
    }

    /// <summary>Carries out what the certifier asks for; <paramref name="output"/> is the output just handed to it, if any.</summary>
    private void CarryCertifier(SimulatedHost host, IReadOnlyList<CertifierEvent> events, BlockOutput? output = null, bool repeat = false)
    {
        var node = host.Node!;
        foreach (var e in events)
        {
            switch (e)
            {
                case BroadcastOutputVote v:
                    var vote = host.Behaviour == ByzantineKind.WrongOutput && output is not null ? WrongVote(host, output) : v.Vote;
                    node.UncertifiedVotes[vote.Height] = vote;
                    node.ForgetVotesBelowWindow();
                    SendOutputVote(host, vote, repeat);
                    break;
                case OutputCertified c:
                    if (c.Certificate.Height > host.Chain.CertifiedHeight)
                    {
                        node.CertifiedEarly[c.Certificate.Height] = c.Certificate;
                        StoreCertificates(host);
                    }

                    node.UncertifiedVotes.Remove(c.Header.Height);
                    _outputChecker.OnCertified(host, c.Header, c.Certificate);
                    break;
                case OutputMismatch m:
                    _outputChecker.OnMismatch(host, m);
                    break;
                case OutputVoteRefused:
                    // A refused vote changed nothing; a node only counts these.
                    break;
            }
        }
    }

    private void SendOutputVote(SimulatedHost host, OutputVote vote, bool repeat)
    {
        if (_options.UnsafeOutputFaultForTesting != OutputFaultForTesting.OutputVotesLost)
        {
            BroadcastFrom(host, new OutputVoteEnvelope(vote, repeat));
        }
    }

    /// <summary>A repeated vote means the sender still lacks a certificate: one who has it answers with it.</summary>
    private void OnOutputVote(SimulatedHost host, int fromValidator, int fromHost, OutputVoteEnvelope envelope)
    {
        if (envelope.Repeat
            && (host.Chain.GetOutputCertificate(envelope.Vote.Height) ?? host.Node!.CertifiedEarly.GetValueOrDefault(envelope.Vote.Height)) is { } certificate)
        {
            SendToHost(host, _hosts[fromHost], new OutputCertificateEnvelope(certificate));
        }

        CarryCertifier(host, host.Node!.Certifier.OnVote(fromValidator, envelope.Vote));
    }

    /// <summary>Lost votes must not stall certification: every host re-sends its votes for the lowest heights it has not certified.</summary>
    private void ResendOutputVotes()
    {
        foreach (var host in _hosts.Where(h => h.Alive))
        {
            foreach (var vote in host.Node!.UncertifiedVotes.Values.Take(NodeState.VotesResentMax).ToList())
            {
                SendOutputVote(host, vote, repeat: true);
            }
        }
    }

    /// <summary>
    /// The wrong-output adversary's vote: the header of the output with a transaction of its own slipped in front, the
    /// header a front-running validator would want certified.
    /// </summary>
    private OutputVote WrongVote(SimulatedHost host, BlockOutput output)
    {
        var own = new Transaction(output.Transactions.Count > 0 ? output.Transactions[0].Namespace : 1, output.Header.Hash.ToArray());
        List<Transaction> transactions = [own, .. output.Transactions];
        var header = output.Header.Over(transactions);
        return OutputVote.Sign(_chainId, header, (ushort)host.Validator, host.Signer);
    }

    /// <summary>
    /// Fairness as <paramref name="host"/>'s certified outputs show it: receive-order violations, and the front-runs
    /// tried that worked (the front-runner's transaction ahead of its victim's).
    /// </summary>
    private (int Violations, int FrontRunsSucceeded) MeasureFairness(SimulatedHost host)
    {
        // Each namespace is its own stream (a rollup reads only its own): order is judged within a namespace.
        var order = new List<Hash>();
        var byNamespace = new SortedDictionary<ulong, List<Hash>>();
        for (var height = 1UL; height <= host.Chain.CertifiedHeight; height++)
        {
            // As submitted: under the encrypted policy, the ciphertexts the receipts name.
            foreach (var t in _outputChecker.OutputOf(host, height)!.SubmittedTransactions())
            {
                // A bundle's legs stand for the bundle, which was received and ranked as one unit.
                var unit = _outputChecker.BundleOf(t.Hash) ?? t.Hash;
                order.Add(unit);
                if (!byNamespace.TryGetValue(t.Namespace, out var stream))
                {
                    byNamespace[t.Namespace] = stream = [];
                }

                if (stream.Count == 0 || stream[^1] != unit)
                {
                    stream.Add(unit);
                }
            }
        }

        var honestHosts = _hosts.Count(h => h.Honest && !h.PermanentlyDown);
        var violations = byNamespace.Values.Sum(stream => FairnessCheck.Violations(stream, _receipts, honestHosts, _options.FairDelayMs + _options.ClockSkewMs));
        var position = new Dictionary<Hash, int>();
        for (var i = 0; i < order.Count; i++)
        {
            position.TryAdd(order[i], i);
        }

        var succeeded = (_registry.HasFair ? _frontRunVictims.Keys : (IEnumerable<Hash>)_frontRunsTried).Count(front =>
            position.TryGetValue(front, out var f) && position.TryGetValue(_frontRunVictims[front], out var v) && f < v);
        return (violations, succeeded);
    }

    /// <summary>
    /// Where the submitted transactions ended up, as seen from <paramref name="host"/>: in its certified outputs (counted
    /// per output, and how many of those repeat one certified at an earlier height), and the submitted ones in none of
    /// them, of which the lost ones are held by no running host's pool and in no block it committed.
    /// </summary>
    private TransactionCounts CountTransactions(SimulatedHost host)
    {
        var committed = 0;
        var certified = new HashSet<Hash>();
        for (var height = 1UL; height <= host.Chain.CertifiedHeight; height++)
        {
            // As this host computed it (the store would rebuild it from sources, which a broken pipeline may have invented).
            var output = _outputChecker.OutputOf(host, height)!;
            // Inbox entries are counted apart (inbox_included): they were posted to the L1, not submitted.
            // So are the records an auction writes: nobody submitted them.
            committed += output.Transactions.Count(t => !_outputChecker.IsInboxEntry(t.Hash) && !IsChainRecord(t));
            certified.UnionWith(output.SubmittedTransactions().Where(t => !IsChainRecord(t)).Select(t => t.Hash).Where(h => !_outputChecker.IsInboxEntry(h)));
        }

        var held = new HashSet<Hash>();
        foreach (var batch in _published.Values)
        {
            if (host.Chain.TryGetBatch(batch.Digest, out _) || _hosts.Any(h => h.Alive && h.Node!.Pool.Contains(batch.Digest)))
            {
                held.UnionWith(batch.Transactions.SelectMany(OutputChecker.AsOutput).Select(t => t.Hash));
            }
        }

        var pending = 0;
        var lost = 0;
        var counted = new HashSet<Hash>();
        foreach (var batch in _published.Values)
        {
            foreach (var tx in batch.Transactions.SelectMany(OutputChecker.AsOutput))
            {
                // A transaction sent to several hosts is in several batches; it is pending once.
                if (_outputChecker.WasSubmitted(tx.Hash) && !certified.Contains(tx.Hash) && counted.Add(tx.Hash))
                {
                    pending++;
                    lost += held.Contains(tx.Hash) ? 0 : 1;
                }
            }
        }

        // A priority bundle's transactions travel inside its carrier: pending until the lane outputs them (one that came
        // too late for its epoch never will). They are held wherever the carrier is.
        foreach (var tx in _auctionChecker?.ExpressTransactions ?? [])
        {
            if (!certified.Contains(tx) && counted.Add(tx))
            {
                pending++;
            }
        }

        return new TransactionCounts(committed, committed - certified.Count, pending, lost);
    }

    private readonly record struct TransactionCounts(int Committed, int Repeated, int Pending, int Lost);
}

using Fairway.Consensus.Engine;
using Fairway.Consensus.Messages;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Validators;
using Fairway.Ordering;
using Fairway.Ordering.Encrypted;
using Fairway.Ordering.Fair;
using Fairway.Ordering.Output;
using Fairway.Storage;

namespace Fairway.Simulation;

/// <summary>
/// One deterministic run: every delay, loss, partition, crash and Byzantine choice comes from PRNGs seeded by the run's
/// seed, and events at the same tick run in the order they were scheduled, so a seed replays exactly.
/// </summary>
internal sealed partial class SimulationRun
{
    private readonly SimulationOptions _options;
    private readonly Random _networkRandom;
    private readonly Random _faultRandom;
    private readonly Random _byzantineRandom;
    private readonly Random _workloadRandom;
    private readonly List<SimulatedHost> _hosts = [];
    private readonly Dictionary<int, List<SimulatedHost>> _hostsByValidator = [];
    private readonly PriorityQueue<Delivery, (long Tick, long Sequence)> _events = new();
    private readonly CertificateVerifier _certificates;
    private readonly Block _genesis;
    private readonly InvariantChecker _checker;
    private readonly OutputChecker _outputChecker;
    private readonly Hash _chainId;
    private readonly ValidatorSet _validators;
    private readonly ISignatureVerifier _verifier;
    private readonly NamespaceRegistry _registry;

    /// <summary>Test-only: the honest hosts whose output pipeline <see cref="SimulationOptions.UnsafeOutputFaultForTesting"/> breaks.</summary>
    private readonly HashSet<int> _brokenPipelineHosts = [];

    private readonly HashSet<ulong> _timeoutRounds = [];
    /// <summary>
    /// Every batch some validator published, by digest: what any host can fetch from a peer. A withheld batch is never
    /// here. Fetching is not simulated message by message: a published batch is always one fetch away.
    /// </summary>
    private readonly Dictionary<Hash, Batch> _published = [];
    private readonly HashSet<Hash> _unavailableReported = [];
    private readonly List<long> _commitLatenciesMs = [];
    private SimulatedHost? _measured;
    private long _warmupEndTick = -1;
    private long _tick;
    private long _sequence;
    private long _delivered;
    private bool _healed;
    private long _partitionEndsAtTick = -1;
    private int _crashes;
    private int _partitions;
    private int _timestampRegressions;

    private sealed record Delivery(int ToHost, int FromValidator, int FromHost, SimulatedMessage Message);

    public SimulationRun(SimulationOptions options, Func<string, ISigner> signerFactory, ISignatureVerifier verifier)
    {
        _options = options;
        var seed = options.Seed;
        _networkRandom = new Random(DeriveSeed(seed, 1));
        _faultRandom = new Random(DeriveSeed(seed, 2));
        _byzantineRandom = new Random(DeriveSeed(seed, 3));
        _workloadRandom = new Random(DeriveSeed(seed, 5));
        var skewRandom = new Random(DeriveSeed(seed, 4));
        var lagRandom = new Random(DeriveSeed(seed, 8));

        var signers = Enumerable.Range(0, options.Nodes).Select(i => signerFactory($"validator-{i}")).ToArray();
        var validators = new ValidatorSet(signers.Select((s, i) => new Validator($"validator-{i}", s.PublicKey, 1)));
        var chainId = Hash.Compute(System.Text.Encoding.UTF8.GetBytes("fairway-sim"));
        _certificates = new CertificateVerifier(chainId, validators, verifier);
        _genesis = Block.Genesis(chainId);
        _chainId = chainId;
        _validators = validators;
        _verifier = verifier;
        _registry = options.Policy switch
        {
            FairPolicy.PolicyName => new NamespaceRegistry(FairPolicy.Instance, []),
            EncryptedPolicy.PolicyName => new NamespaceRegistry(EncryptedPolicy.Instance, []),
            AuctionPolicy.PolicyName => AuctionRegistry(options, new AuctionSettings(options.AuctionEpochMs, options.AuctionReservePrice, null)),
            _ => NamespaceRegistry.FcfsOnly,
        };
        if (_registry.HasAuction)
        {
            _auctionSettings = _registry.AuctionOf(_registry.Auctions[0].Id);
            SetUpAuction(signerFactory);
        }

        if (_registry.HasEncrypted)
        {
            GenerateKey();
        }

        var (faulty, crashed, order) = PickFaultyAndCrashed();
        if (_registry.HasEncrypted)
        {
            // The faulty validators pool their shares; the test-only colluders (the faulty first) join them.
            _coalition.UnionWith(order.Take(Math.Max(options.Faulty, options.EarlyDecryptionColludersForTesting)));
        }

        var hostId = 0;
        for (var v = 0; v < options.Nodes; v++)
        {
            var isFaulty = faulty.Contains(v);
            var copies = isFaulty && options.Byzantine == ByzantineKind.Twins ? 2 : 1;
            for (var c = 0; c < copies; c++)
            {
                var host = new SimulatedHost(hostId++, v, signers[v], isFaulty ? options.Byzantine : ByzantineKind.None)
                {
                    PermanentlyDown = crashed.Contains(v),
                    // Drawn for every host, honest or not, so a host's skew does not depend on who is faulty.
                    ClockSkewMs = SkewFor(skewRandom, isFaulty),
                    L1LagMs = lagRandom.Next(_options.L1LagMsMax + 1),
                };
                _hosts.Add(host);
                if (!_hostsByValidator.TryGetValue(v, out var list))
                {
                    list = [];
                    _hostsByValidator[v] = list;
                }

                list.Add(host);
            }
        }

        var honest = Enumerable.Range(0, options.Nodes).Where(v => !faulty.Contains(v)).ToHashSet();
        PlanEpochs(faulty);
        PlanInbox();
        _checker = new InvariantChecker(_certificates, _genesis, honest);
        _outputChecker = new OutputChecker(OutputVerifierAt, honest) { IsChainRecord = IsChainRecord };
        if (options.UnsafeOutputFaultForTesting != OutputFaultForTesting.None)
        {
            // f+1: the fewest signers that certify an output, so the broken hosts certify their own.
            var count = (int)validators.ValidityStake;
            _brokenPipelineHosts.UnionWith(_hosts.Where(h => h.Honest && !h.PermanentlyDown).Take(count).Select(h => h.Id));
        }

        if (options.UnsafeAuctionFaultForTesting != AuctionFaultForTesting.None)
        {
            _brokenAuctionHosts.UnionWith(_hosts.Where(h => h.Honest && !h.PermanentlyDown).Take((int)validators.ValidityStake).Select(h => h.Id));
        }
    }

    private int SkewFor(Random random, bool faulty)
    {
        var skew = _options.ClockSkewMs == 0 ? 0 : random.Next(-_options.ClockSkewMs, _options.ClockSkewMs + 1);
        return faulty ? 0 : skew;
    }

    /// <summary>The host's wall clock: simulated time plus its skew. What it writes into the blocks it proposes.</summary>
    private long NowMs(SimulatedHost host) => SimulationOptions.ClockEpochMs + (_tick * _options.TickMs) + host.ClockSkewMs;

    private (HashSet<int> Faulty, HashSet<int> Crashed, int[] Order) PickFaultyAndCrashed()
    {
        var order = Enumerable.Range(0, _options.Nodes).ToArray();
        _byzantineRandom.Shuffle(order);
        return (order.Take(_options.Faulty).ToHashSet(), order.Skip(_options.Faulty).Take(_options.Crashed).ToHashSet(), order);
    }

    /// <summary>Honest hosts that run at all; the permanently crashed ones are judged by nothing but their absence.</summary>
    private IEnumerable<SimulatedHost> RunningHonest => _hosts.Where(h => h.Honest && !h.PermanentlyDown);

    private static int DeriveSeed(ulong seed, int stream) =>
        (int)(Hash.Compute(BitConverter.GetBytes(seed * 31 + (ulong)stream)).Prefix64 & 0x7fffffff);

    public SimulationResult Execute()
    {
        foreach (var host in _hosts.Where(h => !h.PermanentlyDown))
        {
            StartHost(host);
        }

        _measured = _hosts.First(h => h.Honest && !h.PermanentlyDown);
        _warmupEndTick = _options.WarmupBlocks == 0 ? 0 : -1;

        var faultPhaseTicksMax = (long)_options.Rounds * _options.Consensus.TimeoutBaseTicks * 8;
        while (_options.FaultPhaseTicks is { } ticks ? _tick < ticks : MaxHonestRound() < (ulong)_options.Rounds && _tick < faultPhaseTicksMax)
        {
            AdvanceOneTick();
        }

        Heal();
        var baseline = RunningHonest.ToDictionary(h => h.Id, h => h.Commits.Count);
        var livenessDeadline = _tick + _options.LivenessTicksMax;
        string? livenessFailure = null;
        while (true)
        {
            // Certification is part of liveness: each host must also certify the outputs of those new heights.
            var lagging = RunningHonest.Where(h => h.Commits.Count < baseline[h.Id] + _options.LivenessCommitsRequired
                || h.Chain.CertifiedHeight < (ulong)(baseline[h.Id] + _options.LivenessCommitsRequired)).ToList();
            if (lagging.Count == 0)
            {
                break;
            }

            if (_tick >= livenessDeadline)
            {
                livenessFailure = $"after the network healed, host(s) {string.Join(",", lagging.Select(h => h.Id))} committed or certified fewer than "
                    + $"{_options.LivenessCommitsRequired} new heights within {_options.LivenessTicksMax} ticks; " + DescribeHosts();
                break;
            }

            AdvanceOneTick();
        }

        // Every inbox entry committed or past its allowance, so each is judged on time, late or missing.
        while (livenessFailure is null && InboxUnresolved() && _tick < livenessDeadline)
        {
            AdvanceOneTick();
        }

        DrainDecryption();
        _checker.CheckAgreement(_hosts);
        var decryption = MeasureDecryption();
        var transactions = CountTransactions(_measured);
        var fairness = MeasureFairness(_measured);
        var inbox = MeasureInbox();
        var (auctionViolations, auction) = MeasureAuction();
        return new SimulationResult
        {
            Seed = _options.Seed,
            SafetyViolations = [.. _checker.Violations, .. _outputChecker.Violations, .. DecryptionViolations(decryption), .. InboxViolations(inbox), .. auctionViolations],
            LivenessFailure = livenessFailure,
            DoubleSigns = _checker.DoubleSigns.Count,
            DoubleSignReports = _checker.DoubleSigns,
            EvidenceDetected = _checker.EvidenceDetected,
            CommittedBlocks = RunningHonest.Select(h => h.Commits.Count).ToList(),
            BlocksPerSimulatedSecond = BlocksPerSimulatedSecond(),
            Timeouts = _timeoutRounds.Count,
            CommitLatenciesMs = _commitLatenciesMs,
            RoundsReached = MaxHonestRound(),
            Ticks = _tick,
            MessagesDelivered = _delivered,
            Crashes = _crashes,
            Partitions = _partitions,
            TransactionsSubmitted = _outputChecker.TransactionsSubmitted,
            BundlesSubmitted = _outputChecker.BundlesSubmitted,
            BundlesOutput = _outputChecker.BundlesOutput,
            TransactionsCommitted = transactions.Committed,
            TransactionsRepeated = transactions.Repeated,
            TransactionsPending = transactions.Pending,
            TransactionsLost = transactions.Lost,
            OutputsCertified = (int)_measured.Chain.CertifiedHeight,
            OutputsMismatched = _outputChecker.OutputsMismatched,
            OutputEvidence = _outputChecker.OutputEvidence,
            BlockTimestampRegressions = _timestampRegressions,
            FairnessViolations = fairness.Violations,
            Censored = MeasureCensorship(_measured),
            CensorshipEvidence = _censorshipEvidence.Count,
            FalseCensorshipEvidence = _falseCensorshipEvidence.Count,
            FairRefusals = new SortedDictionary<string, int>(_fairRefusals, StringComparer.Ordinal),
            // Under fair a faulty leader cannot put a batch first; every front-running transaction, lied about in lists, is a try.
            FrontRunsTried = _registry.HasFair ? _frontRunVictims.Count : _frontRunsTried.Count,
            FrontRunsSucceeded = fairness.FrontRunsSucceeded,
            CiphertextsSubmitted = _clientCiphertexts.Count,
            CiphertextsDecrypted = decryption.Decrypted,
            Undecrypted = decryption.Undecrypted,
            PlaintextSeenBeforeCommit = decryption.SeenBeforeCommit,
            BadShareEvidence = _badShareEvidence.Count,
            EpochChangesPlanned = _options.EpochChanges,
            EpochsReachedMin = EpochsReachedMin(),
            InboxPosted = inbox.Posted,
            InboxIncluded = inbox.Included,
            InboxLate = inbox.Late,
            InboxMissing = inbox.Missing,
            InboxPending = inbox.Pending,
            InboxDelaysMs = inbox.DelaysMs,
            InboxRefusals = _inboxRefused.Count,
            InboxRefusalsOfHonestLeaders = _inboxRefusedOfHonest.Count,
            AuctionEpochs = auction.Epochs,
            AuctionWon = auction.Won,
            AuctionPriceTotal = auction.PriceTotal,
            AuctionRebatesTotal = auction.RebatesTotal,
            AuctionSettledPriceTotal = auction.SettledPriceTotal,
            AuctionBidsSubmitted = _bidsSubmitted,
            AuctionBidsCounted = auction.BidsCounted,
            AuctionBidsLate = auction.BidsLate,
            ExpressBundlesSubmitted = _auctionChecker?.BundlesSubmitted ?? 0,
            ExpressBundlesOutput = auction.BundlesOutput.Count,
            ExpressBundlesOutOfOrder = _auctionChecker?.OutOfOrder ?? 0,
        };
    }

    private string DescribeHosts() => string.Join(" | ", _hosts.Select(h => h.Core is { } c
        ? $"host {h.Id}: round {c.Round}, ordered h{h.Chain.CommittedHeight}, certified h{h.Chain.CertifiedHeight}, pool {h.Node?.Pool.Count}, high qc {c.HighQc.Round}, tc {c.HighTc?.Round}, voted {c.Safety.LastVotedRound}, locked {c.Safety.LockedQcRound}, "
          + $"committed h{c.CommittedTip.Height}/r{c.CommittedTip.Round}, tree {c.BlockTreeCount}, backlog {c.SyncBacklog}, sync requests {c.Stats.SyncRequests}, local timeouts {c.Stats.LocalTimeouts}, sent {c.Stats.TimeoutsSent}, tcs {c.Stats.TcsFormed}, qcs {c.Stats.QcsFormed}, votes {c.Stats.VotesSent}, props {c.Stats.ProposalsSent}, ticks in round {c.TicksInRound}, "
          + $"dropped {string.Join(",", c.Stats.DroppedByReason.Select(kv => kv.Key + "=" + kv.Value))}"
        : $"host {h.Id}: down"));

    private double BlocksPerSimulatedSecond()
    {
        if (_warmupEndTick < 0 || _tick <= _warmupEndTick)
        {
            return 0;
        }

        var blocks = _measured!.Commits.Count - _options.WarmupBlocks;
        return blocks / ((_tick - _warmupEndTick) * _options.TickMs / 1000.0);
    }

    private ulong MaxHonestRound() => _hosts.Where(h => h.Honest && h.Alive).Select(RoundsRun).DefaultIfEmpty(0UL).Max();

    /// <summary>
    /// The rounds a host has run: its round less the gap each epoch it entered put before its rounds (they were never
    /// run), so workload, fault phase and epoch plan count the same rounds with epochs as without.
    /// </summary>
    private static ulong RoundsRun(SimulatedHost host) => host.Core!.Round - ((ulong)host.EpochEnds.Count * CertificateVerifier.EpochRoundGap);

    private void AdvanceOneTick()
    {
        _tick++;
        if (_options.InboxEnabled)
        {
            PostToInbox();
            FeedInboxLedgers();
        }

        while (_events.TryPeek(out _, out var when) && when.Tick <= _tick)
        {
            var delivery = _events.Dequeue();
            Deliver(delivery);
        }

        foreach (var host in _hosts)
        {
            if (host.Alive)
            {
                host.Driver!.Step(Tick.Instance);
                host.Node!.OnRound(host.Core!.Round, StaleProposalRounds);
                TryPendingPayload(host);
                SwitchEpochIfEnded(host);
            }
            else if (host.RestartAtTick >= 0 && host.RestartAtTick <= _tick)
            {
                StartHost(host);
            }
        }

        SubmitTransactions();
        DriveAuction();
        StampListableVictims();
        if (_tick % _options.OutputVoteResendTicks == 0)
        {
            ResendOutputVotes();
        }

        if (_keySet is not null && _tick % _options.ShareResendTicks == 0)
        {
            ResendShares();
        }

        if (!_healed && _tick % _options.FaultIntervalTicks == 0)
        {
            RollFaults();
        }
    }

    private void StartHost(SimulatedHost host)
    {
        var random = new Random(DeriveSeed(_options.Seed, 1000 + host.Id * 97 + host.Restarts));
        var (certificates, recovered) = ResumeEpoch(host,
            ConsensusRecovery.Recover(host.Chain, host.Safety, _genesis, ConsensusCore.HistoryBlocksNeeded(_options.Consensus)));
        host.Core = new ConsensusCore(_options.EngineConfig, certificates, host.Validator, host.Signer, random, recovered);
        var fair = _registry.HasFair
            ? new FairLane(FairOptions, _chainId, _validators, host.Validator, host.Signer, _verifier)
            : null;
        host.Node = new NodeState(
            new BatchPool(PoolOptions),
            new OutputCertifier(_chainId, _validators, host.Validator, host.Signer, _verifier),
            new OrderingStage(_chainId, _registry, _validators, _verifier, _registry.HasAuction ? NewAuctionView : null),
            fair,
            _keySet is null ? null : new DecryptionStage(_keySet, host.Validator, _secretShares[host.Validator]))
        {
            Inbox = NewInboxLedger(host),
        };
        FeedInboxLedger(host);
        host.RestartAtTick = -1;
        host.PendingEpochEnd = null;
        foreach (var ended in host.EpochEnds.TakeLast(4))
        {
            host.Node.Certifier.ChangeValidators(ended.LastBlock.Height + 1, ended.LastBlock.NextEpoch!.Apply(_validators));
        }

        host.Driver = NewDriver(host);
        RecoverOutputs(host);
        host.Driver.Start();
        SwitchEpochIfEnded(host);
    }

    private ConsensusDriver NewDriver(SimulatedHost host) => new(host.Core!, new ConsensusHost(this, host), _ =>
    {
        if (host.Honest && host.Core?.HighTc is { } tc)
        {
            _timeoutRounds.Add(tc.Round);
        }
    });

    private void Deliver(Delivery delivery)
    {
        var host = _hosts[delivery.ToHost];
        if (!host.Alive)
        {
            return;
        }

        _delivered++;
        switch (delivery.Message)
        {
            case ConsensusEnvelope { Message: BlockRequestMessage request } c:
                AnswerBlockRequest(host, delivery.FromHost, request, c.Epoch);
                break;
            case ConsensusEnvelope c:
                RouteConsensus(host, delivery, c);
                SwitchEpochIfEnded(host);
                break;
            case BatchEnvelope b:
                OnPeerBatch(host, delivery.FromValidator, b.Batch);
                break;
            case OutputVoteEnvelope v:
                OnOutputVote(host, delivery.FromValidator, delivery.FromHost, v);
                break;
            case CandidateListEnvelope l:
                host.Node!.Fair?.AdvanceTo(host.Core!.Round);
                if (host.Node!.Fair?.OnList(delivery.FromValidator, l.List, (ulong)NowMs(host), out _) is { } refused && host.Honest)
                {
                    _fairRefusals[refused] = _fairRefusals.GetValueOrDefault(refused) + 1;
                }

                TryPendingPayload(host);
                break;
            case DecryptionSharesEnvelope s:
                OnShareMessage(host, delivery.FromValidator, delivery.FromHost, s.Message);
                break;
            case OutputCertificateEnvelope c:
                CarryCertifier(host, host.Node!.Certifier.OnCertificate(delivery.FromValidator, c.Certificate));
                break;
        }
    }

    private void AnswerBlockRequest(SimulatedHost host, int requesterHost, BlockRequestMessage request, ulong epoch)
    {
        var blocks = request.Collect(host.Chain.TryGetBlock);

        if (blocks.Count > 0)
        {
            // In the epoch the request came in: the answer is for the core that asked.
            SendToHost(host, _hosts[requesterHost], new ConsensusEnvelope(new BlockResponseMessage(blocks), epoch));
        }
    }

    /// <summary>Block rate and commit latency are read at one host, from the end of its warm-up on.</summary>
    private void ObserveCommit(SimulatedHost host, Block block)
    {
        if (host != _measured)
        {
            return;
        }

        // Nothing makes a leader's timestamp exceed its parent's: with skewed clocks, block time runs backwards.
        var committed = host.Commits;
        if (committed.Count >= 2 && block.TimestampMs < committed[^2].Block.TimestampMs)
        {
            _timestampRegressions++;
        }

        var count = committed.Count;
        if (count == _options.WarmupBlocks)
        {
            _warmupEndTick = _tick;
        }
        else if (count > _options.WarmupBlocks && _warmupEndTick >= 0)
        {
            // The proposer stamped the block with its own skewed clock; take the skew out to get the simulated latency.
            var proposedAtMs = (long)block.TimestampMs - _hostsByValidator[block.Author][0].ClockSkewMs;
            _commitLatenciesMs.Add(SimulationOptions.ClockEpochMs + (_tick * _options.TickMs) - proposedAtMs);
        }
    }

    /// <summary>A committed block whose batches nobody holds stalls every node that must execute it.</summary>
    private void CheckCommittedPayload(SimulatedHost host, Block block)
    {
        if (!host.Honest || _unavailableReported.Contains(block.Hash))
        {
            return;
        }

        foreach (var digest in block.AllBatchDigests)
        {
            if (!_published.ContainsKey(digest))
            {
                _unavailableReported.Add(block.Hash);
                _checker.Violations.Add($"availability broken: host {host.Id} committed height {block.Height} (round {block.Round}) whose batch {digest.ToHex()[..16]} no validator can fetch");
                return;
            }
        }
    }
}

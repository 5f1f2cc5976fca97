using Fairway.Consensus.Engine;
using Fairway.Consensus.Messages;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Output;
using Fairway.Core.Validators;

namespace Fairway.Simulation;

/// <summary>
/// Epochs in the simulator: a planned stake table (<see cref="SimulationOptions.EpochChanges"/>) stands for the L1.
/// Leaders propose a change once its round has come, voters refuse any change not in the plan, and each host switches
/// cores on <see cref="EpochEnded"/> exactly as the node does, routing messages by epoch and answering hosts left behind
/// with closing certificates (<see cref="EpochCatchUp"/>). Invariants: honest hosts end each epoch at the same block,
/// and every committed change is the stake table's.
/// </summary>
internal sealed partial class SimulationRun
{
    private readonly List<(ulong FromRound, EpochChange Change)> _epochPlan = [];
    private readonly Dictionary<(ulong Epoch, Hash Root), CertificateVerifier> _epochVerifiers = [];
    private readonly Dictionary<ulong, Hash> _epochLastBlocks = [];

    /// <summary>The output certificate verifier of each epoch by its first height, as the first honest host entered it.</summary>
    private readonly SortedDictionary<ulong, OutputCertificateVerifier> _outputVerifiers = [];

    private void PlanEpochs(HashSet<int> faulty)
    {
        var random = new Random(DeriveSeed(_options.Seed, 6));
        for (var k = 1; k <= _options.EpochChanges; k++)
        {
            var stakes = Enumerable.Range(0, _options.Nodes).Select(v => (ulong)(faulty.Contains(v) ? random.Next(0, 2) : random.Next(1, 4))).ToArray();
            var fromRound = (ulong)k * (ulong)_options.Rounds / (ulong)(_options.EpochChanges + 1);
            _epochPlan.Add((fromRound, new EpochChange((ulong)k, stakes)));
        }
    }

    private OutputCertificateVerifier OutputVerifierAt(ulong height)
    {
        var found = _outputVerifiers.LastOrDefault(e => e.Key <= height);
        return found.Value ?? new OutputCertificateVerifier(_chainId, _validators, _verifier);
    }

    /// <summary>The verifier of the epoch <paramref name="lastBlock"/> hands over to, made once per (epoch, block) for all hosts.</summary>
    private CertificateVerifier VerifierAfter(Block lastBlock)
    {
        var key = (lastBlock.NextEpoch!.Epoch, lastBlock.Hash);
        if (!_epochVerifiers.TryGetValue(key, out var verifier))
        {
            verifier = CertificateVerifier.After(lastBlock, _validators, _verifier);
            _epochVerifiers[key] = verifier;
        }

        return verifier;
    }

    /// <summary>The change a leader in <paramref name="round"/> proposes: the first planned one due and not yet entered.</summary>
    private EpochChange? EpochChangeToPropose(SimulatedHost host, ulong round)
    {
        var epoch = host.Core!.Epoch;
        if (host.Behaviour == ByzantineKind.StakeGrab && _epochPlan.Count > 0)
        {
            // Twice anyone else's stake: more than the plan ever gives a faulty validator, yet never a quorum alone (a
            // validator that held one would certify its own blocks with no one else, and the run would never yield).
            var stakes = Enumerable.Repeat(1UL, _options.Nodes).ToArray();
            stakes[host.Validator] = 2;
            return new EpochChange(epoch + 1, stakes);
        }

        var run = round - ((ulong)host.EpochEnds.Count * CertificateVerifier.EpochRoundGap);
        return _epochPlan.FirstOrDefault(p => p.FromRound <= run && p.Change.Epoch > epoch).Change;
    }

    private PayloadReady ProposalPayload(SimulatedHost host, RequestPayload request)
    {
        var round = request.Round;
        var digests = MakePayload(host, round);
        var change = EpochChangeToPropose(host, round);

        // With the simulated L1 every block names one of its blocks; without it, only a change needs a reference.
        var (l1, inbox) = InboxProposal(host, request.Parent);
        l1 ??= change is null ? null : new L1Reference(change.Epoch * 1_000, Hash.Compute(BitConverter.GetBytes(change.Epoch)));
        return new PayloadReady(round, digests, (ulong)NowMs(host), L1: l1, NextEpoch: change, Inbox: inbox);
    }

    /// <summary>A voter's check of a block's change against its view of the stake table (the plan).</summary>
    private bool EpochChangeSound(SimulatedHost host, Block block) =>
        block.NextEpoch is not { } change
        || _options.UnsafeAcceptAnyEpochChangeForTesting
        || (change.Epoch > host.Core!.Epoch && _epochPlan.Any(p => p.Change.Equals(change)));

    /// <summary>Invariants on a committed block that ends an epoch.</summary>
    private void CheckEpochChange(SimulatedHost host, Block block)
    {
        if (!host.Honest || block.NextEpoch is not { } change)
        {
            return;
        }

        if (!_epochPlan.Any(p => p.Change.Equals(change)))
        {
            _checker.Violations.Add($"host {host.Id} committed an epoch change to {change.Epoch} the stake table never had (stakes {string.Join(",", change.Stakes)})");
        }

        var previous = host.Core!.Epoch;
        if (_epochLastBlocks.TryGetValue(previous, out var agreed))
        {
            if (agreed != block.Hash)
            {
                _checker.Violations.Add($"host {host.Id} ended epoch {previous} at another block (height {block.Height}) than other honest hosts");
            }
        }
        else
        {
            _epochLastBlocks[previous] = block.Hash;
            _outputVerifiers[block.Height + 1] = new OutputCertificateVerifier(_chainId, change.Apply(_validators), _verifier);
        }
    }

    /// <summary>What the node does after a step whose core ended its epoch: a new core on the new stakes, on top of the last block.</summary>
    private void SwitchEpochIfEnded(SimulatedHost host)
    {
        while (host.Alive && host.PendingEpochEnd is { } ended)
        {
            host.PendingEpochEnd = null;
            host.EpochEnds.Add(ended);
            var certificates = VerifierAfter(ended.LastBlock);
            var random = new Random(DeriveSeed(_options.Seed, 5000 + (host.Id * 97) + host.EpochEnds.Count));
            host.Core = new ConsensusCore(_options.EngineConfig, certificates, host.Validator, host.Signer, random, RecoveredState.ForEpoch(null, certificates));
            host.Node!.Certifier.ChangeValidators(ended.LastBlock.Height + 1, certificates.Validators);
            host.Driver = NewDriver(host);
            host.Driver.Start();
        }
    }

    /// <summary>A restarted host resumes in the epoch of its log, fitting what its stores hold to it (as the node does).</summary>
    private (CertificateVerifier Certificates, RecoveredState? Recovered) ResumeEpoch(SimulatedHost host, RecoveredState? recovered)
    {
        if (host.EpochEnds.Count == 0)
        {
            return (_certificates, recovered);
        }

        var certificates = VerifierAfter(host.EpochEnds[^1].LastBlock);
        return (certificates, RecoveredState.ForEpoch(recovered, certificates));
    }

    /// <summary>A consensus message routed by its epoch: to the core, or answered or asked about across epochs.</summary>
    private void RouteConsensus(SimulatedHost host, Delivery delivery, ConsensusEnvelope envelope)
    {
        var core = host.Core!;
        if (envelope.Epoch == core.Epoch)
        {
            host.Driver!.Step(new MessageReceived(delivery.FromValidator, envelope.Message));
        }
        else if (envelope.Epoch < core.Epoch)
        {
            var ended = host.EpochEnds.FirstOrDefault(e => e.LastBlock.Height > 0 && EndedEpochOf(host, e) == envelope.Epoch);
            if (ended is not null && EpochCatchUp.ShouldAnswer(envelope.Message, ended))
            {
                SendToHost(host, _hosts[delivery.FromHost], new ConsensusEnvelope(EpochCatchUp.Answer(ended), envelope.Epoch));
            }
        }
        else if (envelope.Message is not (SyncInfoMessage or BlockResponseMessage))
        {
            SendToHost(host, _hosts[delivery.FromHost], new ConsensusEnvelope(EpochCatchUp.Ask(core), core.Epoch));
        }
    }

    /// <summary>The epoch that <paramref name="ended"/> closed: the one before the epoch its change starts.</summary>
    private static ulong EndedEpochOf(SimulatedHost host, EpochEnded ended)
    {
        var i = host.EpochEnds.IndexOf(ended);
        return i == 0 ? 0 : host.EpochEnds[i - 1].LastBlock.NextEpoch!.Epoch;
    }

    private int EpochsReachedMin() => RunningHonest.Select(h => h.EpochEnds.Count).DefaultIfEmpty(0).Min();
}

using Fairway.Consensus.Messages;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Simulation;

internal sealed partial class SimulationRun
{
    private void BroadcastFrom(SimulatedHost sender, ConsensusMessage message)
    {
        if (sender.Behaviour == ByzantineKind.EquivocatingLeader && message is ProposalMessage proposal)
        {
            Equivocate(sender, proposal);
            return;
        }

        BroadcastFrom(sender, new ConsensusEnvelope(message, sender.Core?.Epoch ?? 0));
    }

    private void BroadcastFrom(SimulatedHost sender, SimulatedMessage message)
    {
        for (var v = 0; v < _options.Nodes; v++)
        {
            if (v != sender.Validator)
            {
                SendToValidator(sender, v, message);
            }
        }

        // A twin also hears its sibling: both run the same key, so for the others they are one validator.
        foreach (var sibling in _hostsByValidator[sender.Validator])
        {
            if (sibling != sender)
            {
                SendToHost(sender, sibling, message);
            }
        }
    }

    private void SendToValidator(SimulatedHost sender, int validator, ConsensusMessage message) =>
        SendToValidator(sender, validator, new ConsensusEnvelope(message, sender.Core?.Epoch ?? 0));

    private void SendToValidator(SimulatedHost sender, int validator, SimulatedMessage message)
    {
        foreach (var host in _hostsByValidator[validator])
        {
            if (host != sender)
            {
                SendToHost(sender, host, message);
            }
        }
    }

    private void SendToHost(SimulatedHost sender, SimulatedHost receiver, ConsensusMessage message) =>
        SendToHost(sender, receiver, new ConsensusEnvelope(message, sender.Core?.Epoch ?? 0));

    /// <summary>Every message between hosts, consensus or not, goes through here and meets the same faults.</summary>
    private void SendToHost(SimulatedHost sender, SimulatedHost receiver, SimulatedMessage message)
    {
        if (sender.Behaviour == ByzantineKind.Silent)
        {
            return;
        }

        if (!_healed && (sender.Side != receiver.Side || _networkRandom.NextDouble() < _options.Loss))
        {
            return;
        }

        var copies = _networkRandom.NextDouble() < _options.DuplicateProbability ? 2 : 1;
        for (var i = 0; i < copies; i++)
        {
            var delay = _networkRandom.Next(_options.DelayTicksMin, _options.DelayTicksMax + 1);
            if (sender.Behaviour == ByzantineKind.Delay)
            {
                delay += _options.Consensus.TimeoutBaseTicks + _networkRandom.Next(_options.Consensus.TimeoutBaseTicks);
            }

            _events.Enqueue(new Delivery(receiver.Id, sender.Validator, sender.Id, message), (_tick + delay, _sequence++));
        }
    }

    /// <summary>
    /// Signs a second block for the same round and shows each version to a different half of the validators; one
    /// validator, chosen at random, sees both, which is how such a leader gets caught.
    /// </summary>
    private void Equivocate(SimulatedHost sender, ProposalMessage original)
    {
        var b = original.Block;
        var digests = b.BatchDigests.Append(Hash.Compute(BitConverter.GetBytes(_byzantineRandom.NextInt64()))).ToArray();
        var twin = new Block(b.ChainId, b.Round, b.Height, b.Author, b.TimestampMs, b.Justify, b.Timeout, digests);

        // After a timeout, also try to fork: build on the great-grandparent, skipping the two newest certified blocks,
        // which may already be committed somewhere. The voting rule forbids this (the TC reports a higher QC), so honest
        // validators must refuse it.
        if (b.Timeout is not null
            && sender.Chain.TryGetBlock(b.ParentHash, out var parent) && !parent.IsGenesis
            && sender.Chain.TryGetBlock(parent.ParentHash, out var grandparent) && !grandparent.IsGenesis
            && sender.Chain.TryGetBlock(grandparent.ParentHash, out var greatGrandparent))
        {
            twin = new Block(b.ChainId, b.Round, greatGrandparent.Height + 1, b.Author, b.TimestampMs, grandparent.Justify, b.Timeout, digests);
        }
        var conflicting = new ProposalMessage(twin, sender.Signer.Sign(SigningDomain.ProposalMessage(sender.Core!.Certificates.SigningId, twin.Hash)));

        var others = Enumerable.Range(0, _options.Nodes).Where(v => v != sender.Validator).ToArray();
        _byzantineRandom.Shuffle(others);
        var witness = others.Length > 0 ? others[0] : -1;
        for (var i = 0; i < others.Length; i++)
        {
            var v = others[i];
            var firstHalf = i % 2 == 0;
            if (firstHalf || v == witness)
            {
                SendToValidator(sender, v, original);
            }

            if (!firstHalf || v == witness)
            {
                SendToValidator(sender, v, conflicting);
            }
        }
    }

    private void RollFaults()
    {
        if (_partitionEndsAtTick >= 0 && _tick >= _partitionEndsAtTick)
        {
            foreach (var host in _hosts)
            {
                host.Side = 0;
            }

            _partitionEndsAtTick = -1;
        }
        else if (_partitionEndsAtTick < 0 && _faultRandom.NextDouble() < _options.PartitionProbability)
        {
            Partition();
        }

        foreach (var host in _hosts)
        {
            if (host.Honest && host.Alive && _faultRandom.NextDouble() < _options.CrashProbability)
            {
                Crash(host);
            }
        }
    }

    /// <summary>
    /// Splits the hosts into two sides. With Twins, the two copies of a key land on opposite sides half the time: the
    /// split that lets one key vote on both sides of a partition, which is what the Twins method searches for.
    /// </summary>
    private void Partition()
    {
        _partitions++;
        foreach (var host in _hosts)
        {
            host.Side = _faultRandom.Next(2);
        }

        foreach (var copies in _hostsByValidator.Values.Where(l => l.Count == 2))
        {
            if (_faultRandom.Next(2) == 0)
            {
                copies[1].Side = 1 - copies[0].Side;
            }
        }

        _partitionEndsAtTick = _tick + _faultRandom.Next(_options.PartitionTicksMin, _options.PartitionTicksMax + 1);
    }

    private void Crash(SimulatedHost host)
    {
        _crashes++;
        host.Core = null;
        host.Driver = null;
        host.Node = null;
        host.Restarts++;
        host.Chain.LoseUnsyncedWrites();
        host.RestartAtTick = _tick + _faultRandom.Next(_options.DowntimeTicksMin, _options.DowntimeTicksMax + 1);
    }

    /// <summary>Global stabilisation: partitions end, loss stops, and every crashed host comes back.</summary>
    private void Heal()
    {
        _healed = true;
        _healedAtMs = _tick * _options.TickMs;
        _partitionEndsAtTick = -1;
        foreach (var host in _hosts)
        {
            host.Side = 0;
            if (!host.Alive && !host.PermanentlyDown)
            {
                StartHost(host);
            }
        }
    }
}

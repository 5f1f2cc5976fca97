using Fairway.Consensus.Messages;
using Fairway.Core.Chain;

namespace Fairway.Consensus.Engine;

public sealed partial class ConsensusCore
{
    /// <summary>Successful rounds whose latency shapes the adaptive base timeout.</summary>
    private const int LatencySamplesMax = 32;

    private readonly long[] _latencySamples = new long[LatencySamplesMax];
    private int _latencySampleCount;
    private int _latencySampleNext;
    private int _timeoutsSinceCommit;

    /// <summary>Ticks spent in the current round so far.</summary>
    public long TicksInRound => _tick - _roundStartTick;

    /// <summary>Ticks the current round is given in all before this validator times out.</summary>
    public long RoundTimeoutTicksNow => _roundDeadlineTick - _roundStartTick;

    private void OnTick()
    {
        _tick++;
        if (_tick >= _roundDeadlineTick)
        {
            OnLocalTimeout();
        }

        RetrySync();
    }

    private void EnterRound(ulong round)
    {
        if (round <= _round)
        {
            return;
        }

        _round = round;
        _roundStartTick = _tick;
        _availableBlocks.Clear();
        _awaitingAvailability.Clear();
        // Unknown while the high QC's block is still being fetched; the proposal starts once it arrives.
        var leader = LeaderFor(round, HighQc.BlockHash);
        _roundDeadlineTick = _tick + (leader is { } l && LeaderSeemsDown(l) ? QuickTimeoutTicks() : RoundTimeoutTicks());
        _votes.RemoveBelow(round > 1 ? round - 1 : 0);
        _timeouts.RemoveBelow(round);
        var evidenceFloor = round > _config.EvidenceRoundsWindow ? round - _config.EvidenceRoundsWindow : 0;
        _proposalsSeen.RemoveBelow(evidenceFloor);
        _evidenceReported.RemoveBelow(evidenceFloor);

        if (leader == _self)
        {
            TryStartProposal();
        }
    }

    /// <summary>
    /// A leader this validator has not heard from for a while is presumed down: waiting a full timeout for its proposal
    /// only delays the timeout certificate that everyone else will form anyway.
    /// </summary>
    private bool LeaderSeemsDown(int leader) =>
        leader != _self && _tick - _lastHeardTick[leader] > _config.LeaderSilentTicks;

    private long QuickTimeoutTicks() => Math.Min(_config.TimeoutMinTicks, _config.TimeoutBaseTicks);

    /// <summary>
    /// The base fits the network: a multiple of the slowest recent successful round, between the configured floor and
    /// the configured base (which is also where it starts, before any round was seen). Loopback rounds take a tick or
    /// two, so the floor governs there; a WAN's hundreds of milliseconds lift it.
    /// </summary>
    private long AdaptiveBaseTicks()
    {
        long ceiling = _config.TimeoutBaseTicks;
        if (_latencySampleCount == 0)
        {
            return ceiling;
        }

        long slowest = 0;
        for (var i = 0; i < _latencySampleCount; i++)
        {
            slowest = Math.Max(slowest, _latencySamples[i]);
        }

        var fitted = (slowest + 1) * _config.TimeoutLatencyMultiplier;
        return Math.Clamp(fitted, QuickTimeoutTicks(), ceiling);
    }

    private void RecordRoundLatency(long ticks)
    {
        _latencySamples[_latencySampleNext] = ticks;
        _latencySampleNext = (_latencySampleNext + 1) % LatencySamplesMax;
        _latencySampleCount = Math.Min(_latencySampleCount + 1, LatencySamplesMax);
    }

    /// <summary>
    /// Doubles with each further round that ended in a timeout since the last commit, capped, plus seeded jitter, so
    /// that after a bad period rounds grow long enough for messages to arrive; the first commit brings it back to base.
    /// </summary>
    private long RoundTimeoutTicks()
    {
        var exponent = Math.Clamp(_timeoutsSinceCommit - 1, 0, _config.TimeoutBackoffExponentMax);
        return (AdaptiveBaseTicks() << exponent) + _random.Next(_config.TimeoutJitterTicksMax + 1);
    }

    private void OnLocalTimeout()
    {
        Stats.LocalTimeouts++;
        _roundDeadlineTick = _tick + RoundTimeoutTicks();

        if (Safety.LastTimeout is { } previous && previous.Round == _round)
        {
            // Already gave up on this round (perhaps before a restart): repeat the same signed statement.
            Emit(new Broadcast(previous));
            CollectTimeout(previous);
            return;
        }

        var qcRound = HighQc.Round;
        if (!SafeToTimeout(_round, qcRound))
        {
            Stats.Drop("unsafe to time out");
            return;
        }

        var signature = _signer.Sign(SigningDomain.TimeoutMessage(_signingId, _round, qcRound));
        var timeout = new TimeoutMessage(_round, HighQc, _self, signature);
        Safety = Safety.VotedIn(_round) with { LastTimeout = timeout };
        Persist();
        Emit(new Broadcast(timeout));
        Stats.TimeoutsSent++;
        CollectTimeout(timeout);
    }

    private bool SafeToTimeout(ulong round, ulong qcRound)
    {
        if (qcRound < Safety.LockedQcRound)
        {
            return false;
        }

        var floor = Math.Max(Safety.LastVotedRound == 0 ? 0 : Safety.LastVotedRound - 1, qcRound);
        if (round <= floor)
        {
            return false;
        }

        return round == qcRound + 1 || (HighTc is not null && round == HighTc.Round + 1);
    }
}

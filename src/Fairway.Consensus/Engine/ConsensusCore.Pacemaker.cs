using Fairway.Consensus.Messages;
using Fairway.Core.Chain;

namespace Fairway.Consensus.Engine;

public sealed partial class ConsensusCore
{
    /// <summary>Ticks spent in the current round so far.</summary>
    public long TicksInRound => _tick - _roundStartTick;

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
        _roundDeadlineTick = _tick + RoundTimeoutTicks();
        _votes.RemoveBelow(round > 1 ? round - 1 : 0);
        _timeouts.RemoveBelow(round);
        _proposalsSeen.RemoveBelow(round > _config.EvidenceRoundsWindow ? round - _config.EvidenceRoundsWindow : 0);

        if (LeaderOf(round) == _self)
        {
            TryStartProposal();
        }
    }

    /// <summary>
    /// Doubles with every round that passes without a commit, capped, plus seeded jitter, so that after a bad period the
    /// rounds grow long enough for messages to arrive while the node keeps running rounds to find an honest leader.
    /// </summary>
    private long RoundTimeoutTicks()
    {
        var sinceCommit = (long)_round - (long)CommittedTip.Round - 2;
        var exponent = (int)Math.Clamp(sinceCommit, 0, _config.TimeoutBackoffExponentMax);
        return ((long)_config.TimeoutBaseTicks << exponent) + _random.Next(_config.TimeoutJitterTicksMax + 1);
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

        var signature = _signer.Sign(SigningDomain.TimeoutMessage(_chainId, _round, qcRound));
        var timeout = new TimeoutMessage(_round, HighQc, _self, signature);
        Safety = Safety with { LastVotedRound = Math.Max(Safety.LastVotedRound, _round), LastTimeout = timeout };
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

namespace Fairway.Node.Runtime;

/// <summary>
/// When a leader answers the core's request for a payload. At once when there is work: batches waiting to be
/// proposed, or a block with transactions not yet committed (two more blocks commit it). Otherwise after
/// <c>emptyBlockDelayMs</c>, so an idle network does not turn out empty blocks as fast as it can. A request for a
/// round the core has left is dropped; each request is answered once.
/// </summary>
internal sealed class ProposalTiming(long emptyBlockDelayMs)
{
    private ulong? _round;
    private long _requestedAtMs;
    private ulong _highestNonEmptyHeight;

    public void OnRequest(ulong round, long nowMs)
    {
        _round = round;
        _requestedAtMs = nowMs;
    }

    /// <summary>A block was stored; one that carries batches must be committed before the leader may idle.</summary>
    public void OnBlockStored(ulong height, int batchDigests)
    {
        if (batchDigests > 0)
        {
            _highestNonEmptyHeight = Math.Max(_highestNonEmptyHeight, height);
        }
    }

    /// <summary>The round to propose for now, or null while there is nothing to answer or the leader waits.</summary>
    public ulong? Due(ulong currentRound, long nowMs, bool batchesWaiting, ulong committedHeight)
    {
        if (_round is not { } round)
        {
            return null;
        }

        if (round != currentRound)
        {
            _round = null;
            return null;
        }

        var work = batchesWaiting || _highestNonEmptyHeight > committedHeight;
        if (!work && nowMs - _requestedAtMs < emptyBlockDelayMs)
        {
            return null;
        }

        _round = null;
        return round;
    }
}

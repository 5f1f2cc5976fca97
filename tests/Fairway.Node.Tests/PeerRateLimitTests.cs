using Fairway.Node.Runtime;

namespace Fairway.Node.Tests;

public class PeerRateLimitTests
{
    [Fact]
    public void A_peer_gets_its_burst_then_its_rate_and_does_not_spend_another_peers_tokens()
    {
        var limit = new PeerRateLimit(peers: 3, perSecond: 10, burst: 4, nowMs: 1_000);

        Assert.Equal(4, Enumerable.Range(0, 10).Count(_ => limit.TryTake(1, 1_000)));
        Assert.False(limit.TryTake(1, 1_050));

        // 10 a second: one more every 100 ms, and never more than the burst however long the peer was quiet.
        Assert.True(limit.TryTake(1, 1_100));
        Assert.False(limit.TryTake(1, 1_100));
        Assert.Equal(4, Enumerable.Range(0, 10).Count(_ => limit.TryTake(1, 60_000)));

        Assert.Equal(4, Enumerable.Range(0, 10).Count(_ => limit.TryTake(2, 1_000)));
    }

    [Fact]
    public void Peers_outside_the_set_get_nothing_and_a_clock_going_back_refills_nothing()
    {
        var limit = new PeerRateLimit(peers: 2, perSecond: 10, burst: 1, nowMs: 5_000);

        Assert.False(limit.TryTake(-1, 5_000));
        Assert.False(limit.TryTake(2, 5_000));
        Assert.True(limit.TryTake(0, 5_000));
        Assert.False(limit.TryTake(0, 0));
        Assert.False(limit.TryTake(0, 5_050));
        Assert.True(limit.TryTake(0, 5_100));
    }
}

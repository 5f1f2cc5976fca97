using Fairway.Core.Crypto;
using Fairway.Ordering.Fair;

namespace Fairway.Ordering.Tests.Fair;

public class ReceiveLogTests
{
    private static Hash Tx(int i) => Hash.Compute(BitConverter.GetBytes(i));

    [Fact]
    public void The_first_sighting_counts_and_only_transactions_held_for_the_delay_are_listed_oldest_first()
    {
        var log = new ReceiveLog(100);
        Assert.True(log.TryRecord(Tx(2), 1_000));
        Assert.True(log.TryRecord(Tx(1), 900));
        Assert.True(log.TryRecord(Tx(3), 1_100));
        Assert.True(log.TryRecord(Tx(1), 1_050));

        var listed = log.Candidates(nowMs: 1_250, delayMs: 250, max: 10);

        Assert.Equal([(Tx(1), 900UL), (Tx(2), 1_000UL)], listed.Select(e => (e.Transaction, e.ReceivedAtMs)));
    }

    [Fact]
    public void Included_transactions_leave_and_the_cap_takes_the_oldest()
    {
        var log = new ReceiveLog(100);
        for (var i = 0; i < 5; i++)
        {
            log.TryRecord(Tx(i), (ulong)(100 * i));
        }

        log.OnIncluded([Tx(0), Tx(2), Tx(99)]);

        Assert.Equal([Tx(1), Tx(3)], log.Candidates(10_000, 0, 2).Select(e => e.Transaction));
        Assert.Equal(3, log.Count);
        Assert.False(log.TryGetReceivedAt(Tx(0), out _));
    }

    [Fact]
    public void A_full_log_refuses_new_transactions_and_keeps_every_receive_time_it_has()
    {
        var log = new ReceiveLog(2);
        Assert.True(log.TryRecord(Tx(1), 1));
        Assert.True(log.TryRecord(Tx(2), 2));

        Assert.False(log.TryRecord(Tx(3), 3));
        Assert.True(log.TryRecord(Tx(1), 4));
        Assert.Equal(2, log.Count);
        Assert.True(log.TryGetReceivedAt(Tx(1), out var at));
        Assert.Equal(1UL, at);
    }
}

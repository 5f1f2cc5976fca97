using Fairway.Core.Crypto;

namespace Fairway.Simulation.Tests;

public class FairnessCheckTests
{
    private static Hash Tx(string name) => Hash.Compute(System.Text.Encoding.UTF8.GetBytes(name));

    private static readonly Dictionary<Hash, HonestReceipts> Receipts = new()
    {
        // "early" reached all three honest hosts by 100 ms; "late" reached the first of them at 600 ms.
        [Tx("early")] = new HonestReceipts(0, 100, 3),
        [Tx("late")] = new HonestReceipts(600, 700, 3),
        [Tx("close")] = new HonestReceipts(150, 300, 3),
        [Tx("partial")] = new HonestReceipts(0, 50, 2),
    };

    [Fact]
    public void Fair_order_has_no_violation()
    {
        Assert.Equal(0, FairnessCheck.Violations([Tx("early"), Tx("close"), Tx("late")], Receipts, 3, 400));
    }

    [Fact]
    public void A_transaction_every_honest_host_saw_long_before_another_but_ordered_after_it_is_a_violation()
    {
        Assert.Equal(1, FairnessCheck.Violations([Tx("late"), Tx("early")], Receipts, 3, 400));
    }

    [Fact]
    public void Receipts_closer_than_the_margin_and_transactions_some_honest_host_never_saw_are_not_judged()
    {
        Assert.Equal(0, FairnessCheck.Violations([Tx("late"), Tx("close")], Receipts, 3, 400));
        Assert.Equal(0, FairnessCheck.Violations([Tx("late"), Tx("partial")], Receipts, 3, 400));
        Assert.Equal(1, FairnessCheck.Violations([Tx("late"), Tx("close")], Receipts, 3, 300));
    }
}

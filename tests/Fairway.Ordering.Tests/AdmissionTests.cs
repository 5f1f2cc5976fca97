namespace Fairway.Ordering.Tests;

public class AdmissionTests
{
    private static readonly AdmissionOptions Options = new() { BacklogTransactionsMax = 100, WaitMsMax = 500, UnindexedTransactionsMax = 1_000, CatchUpHeightsMax = 50 };

    [Fact]
    public void A_pipeline_under_every_bound_takes_submissions()
    {
        Assert.Equal(AdmissionRefusal.None, Admission.Check(Options, new AdmissionLoad(60, 39, 500, 1_000, HeightsBehind: 50)));
        Assert.Equal(AdmissionRefusal.None, Admission.Check(Options, default));
    }

    [Fact]
    public void A_wait_bound_of_zero_is_off()
    {
        Assert.Equal(AdmissionRefusal.None, Admission.Check(Options with { WaitMsMax = 0 }, new AdmissionLoad(0, 0, 3_600_000, 0)));
        Assert.Equal(AdmissionRefusal.None, Admission.Check(new AdmissionOptions(), new AdmissionLoad(0, 0, 3_600_000, 0)));
    }

    [Theory]
    [InlineData(60, 40, 0, 0, AdmissionRefusal.Backlog)]
    [InlineData(0, 0, 501, 0, AdmissionRefusal.Waiting)]
    [InlineData(0, 0, 0, 1_001, AdmissionRefusal.IndexBehind)]
    // Several bounds over at once: the stage furthest down the pipeline is named, because relieving the earlier ones
    // would not help while it is behind.
    [InlineData(1_000, 0, 10_000, 5_000, AdmissionRefusal.IndexBehind)]
    [InlineData(1_000, 0, 10_000, 0, AdmissionRefusal.Waiting)]
    [InlineData(0, 0, 0, 0, AdmissionRefusal.CatchingUp, 51)]
    [InlineData(1_000, 0, 10_000, 0, AdmissionRefusal.CatchingUp, 51)]
    [InlineData(1_000, 0, 10_000, 5_000, AdmissionRefusal.IndexBehind, 51)]
    public void Each_bound_refuses_on_its_own(long unproposed, long mempool, long waitMs, long unindexed, AdmissionRefusal expected, long behind = 0)
    {
        var refusal = Admission.Check(Options, new AdmissionLoad(unproposed, mempool, waitMs, unindexed, HeightsBehind: behind));

        Assert.Equal(expected, refusal);
        Assert.NotEqual("none", Admission.Label(refusal));
        Assert.Contains("retry later", Admission.Message(refusal), StringComparison.Ordinal);
    }

    [Fact]
    public void A_low_disk_refuses_before_every_other_bound_and_says_so()
    {
        Assert.Equal(AdmissionRefusal.DiskFull, Admission.Check(Options, new AdmissionLoad(0, 0, 0, 0, DiskLow: true)));
        Assert.Equal(AdmissionRefusal.DiskFull, Admission.Check(Options, new AdmissionLoad(1_000, 0, 10_000, 5_000, DiskLow: true)));
        Assert.Equal("disk_full", Admission.Label(AdmissionRefusal.DiskFull));
        Assert.Contains("another validator", Admission.Message(AdmissionRefusal.DiskFull), StringComparison.Ordinal);
    }
}

using Fairway.Chaos.Proxy;

namespace Fairway.Chaos.Tests.Proxy;

public sealed class LinkFaultsTests
{
    [Fact]
    public void None_is_any_record_with_no_fault_on()
    {
        Assert.True(new LinkFaults().IsNone);
        Assert.False(new LinkFaults { DelayMs = 1 }.IsNone);
        Assert.False(new LinkFaults { Blocked = true }.IsNone);
        Assert.Equal("none", LinkFaults.None.ToString());
    }

    [Fact]
    public void Describes_only_the_faults_that_are_on()
    {
        var faults = new LinkFaults { DelayMs = 50, JitterMs = 10, CutsPerSecond = 0.5, Stalled = true };
        Assert.Equal("stalled, delay 50+10ms, cuts 0.5/s", faults.ToString());
    }

    [Fact]
    public void Refuses_negative_values()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinkFaults { DelayMs = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinkFaults { JitterMs = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinkFaults { CutsPerSecond = double.NaN });
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinkFaults { BandwidthBytesPerSecond = -5 });
    }
}

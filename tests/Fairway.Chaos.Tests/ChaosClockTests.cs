using Fairway.Chaos;

namespace Fairway.Chaos.Tests;

public sealed class ChaosClockTests
{
    [Fact]
    public void Counts_milliseconds_from_its_creation()
    {
        var time = new ManualTime();
        var clock = new ChaosClock(time);
        Assert.Equal(0, clock.NowMs);
        time.Advance(1_500);
        Assert.Equal(1_500, clock.NowMs);
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => 1_000;

        public override long GetTimestamp() => _ticks;

        public void Advance(long ms) => _ticks += ms;
    }
}

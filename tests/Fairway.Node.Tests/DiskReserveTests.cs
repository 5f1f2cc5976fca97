using Fairway.Node.Runtime;

namespace Fairway.Node.Tests;

/// <summary>The free-space reserve's transitions, driven by a fake probe and a fake clock.</summary>
public class DiskReserveTests
{
    private const long MiB = 1024 * 1024;

    private long? _free = 1_000 * MiB;
    private int _probes;
    private long _now;

    private DiskReserve Reserve(long reserveBytes) => new(reserveBytes, () =>
    {
        _probes++;
        return _free;
    });

    /// <summary>The next poll, a probe interval later.</summary>
    private DiskReserveChange Next(DiskReserve reserve)
    {
        _now += DiskReserve.ProbeIntervalMs;
        return reserve.Poll(_now);
    }

    [Fact]
    public void Free_space_below_the_reserve_makes_the_disk_low_once_and_space_back_above_it_clears_it_once()
    {
        var reserve = Reserve(64 * MiB);
        Assert.Equal(DiskReserveChange.None, Next(reserve));
        Assert.False(reserve.IsLow);
        Assert.Equal(1_000 * MiB, reserve.FreeBytes);

        _free = 16 * MiB;
        Assert.Equal(DiskReserveChange.BecameLow, Next(reserve));
        Assert.True(reserve.IsLow);
        Assert.Equal(16 * MiB, reserve.FreeBytes);
        _free = 10 * MiB;
        Assert.Equal(DiskReserveChange.None, Next(reserve));
        Assert.True(reserve.IsLow);

        _free = 500 * MiB;
        Assert.Equal(DiskReserveChange.Cleared, Next(reserve));
        Assert.False(reserve.IsLow);
        Assert.Equal(DiskReserveChange.None, Next(reserve));
    }

    [Fact]
    public void Clearing_needs_a_margin_above_the_reserve_so_a_disk_at_the_line_does_not_flap()
    {
        var reserve = Reserve(64 * MiB);
        Assert.Equal(68 * MiB, reserve.ClearBytes);
        _free = 64 * MiB - 1;
        Assert.Equal(DiskReserveChange.BecameLow, Next(reserve));

        _free = 64 * MiB;
        Assert.Equal(DiskReserveChange.None, Next(reserve));
        _free = 68 * MiB - 1;
        Assert.Equal(DiskReserveChange.None, Next(reserve));
        Assert.True(reserve.IsLow);

        _free = 68 * MiB;
        Assert.Equal(DiskReserveChange.Cleared, Next(reserve));

        // Exactly at the reserve is not low: only below it.
        _free = 64 * MiB;
        Assert.Equal(DiskReserveChange.None, Next(reserve));
        Assert.False(reserve.IsLow);
    }

    [Fact]
    public void The_margin_is_at_most_16_MiB()
    {
        Assert.Equal(10_240 * MiB + 16 * MiB, Reserve(10_240 * MiB).ClearBytes);
        Assert.Equal(0, Reserve(0).ClearBytes);
    }

    [Fact]
    public void The_file_system_is_asked_at_most_once_per_interval()
    {
        var reserve = Reserve(64 * MiB);
        Assert.Equal(DiskReserveChange.None, reserve.Poll(0));
        _free = MiB;
        Assert.Equal(DiskReserveChange.None, reserve.Poll(DiskReserve.ProbeIntervalMs - 1));
        Assert.Equal(1, _probes);
        Assert.False(reserve.IsLow);

        Assert.Equal(DiskReserveChange.BecameLow, reserve.Poll(DiskReserve.ProbeIntervalMs));
        Assert.Equal(2, _probes);
    }

    [Fact]
    public void A_reserve_of_zero_never_refuses_but_still_reads_free_space()
    {
        var reserve = Reserve(0);
        _free = 0;
        Assert.Equal(DiskReserveChange.None, Next(reserve));
        Assert.False(reserve.IsLow);
        Assert.Equal(0, reserve.FreeBytes);
    }

    [Fact]
    public void An_unreadable_file_system_keeps_the_last_state()
    {
        var reserve = Reserve(64 * MiB);
        _free = MiB;
        Assert.Equal(DiskReserveChange.BecameLow, Next(reserve));

        _free = null;
        Assert.Equal(DiskReserveChange.None, Next(reserve));
        Assert.True(reserve.IsLow);
        Assert.Equal(MiB, reserve.FreeBytes);
    }

    [Fact]
    public void The_real_probe_reads_the_file_system_of_a_directory_and_gives_null_for_a_missing_one()
    {
        Assert.True(DiskReserve.FreeBytesOf(Path.GetTempPath())() > 0);
        Assert.Null(DiskReserve.FreeBytesOf(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "nowhere"))());
    }
}

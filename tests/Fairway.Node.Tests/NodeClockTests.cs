using System.Text.Json.Nodes;
using Fairway.Node.Config;
using Fairway.Node.Runtime;
using Fairway.Node.Setup;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fairway.Node.Tests;

/// <summary><c>test_clock_file</c>: a running validator's clock follows the shift the file holds.</summary>
public sealed class NodeClockTests
{
    private const long Start = 1_700_000_000_000;

    [Fact]
    public void The_shift_follows_the_file_at_the_next_check_and_adds_to_the_fixed_offset()
    {
        var (time, file) = (new ManualTime(Start), new FakeFile());
        file.Write("2500");
        var clock = new NodeClock(time, 100, "clock", NullLogger.Instance, file);

        Assert.Equal(Start + 100 + 2_500, clock.NowMs);

        file.Write("-7000");
        time.Advance(NodeClock.RefreshMs - 1);
        Assert.Equal(Start + NodeClock.RefreshMs - 1 + 100 + 2_500, clock.NowMs);
        time.Advance(1);
        Assert.Equal(Start + NodeClock.RefreshMs + 100 - 7_000, clock.NowMs);
        Assert.Equal(2, file.Reads);

        // Nothing changed: the mtime is looked at, the file is not read again.
        time.Advance(NodeClock.RefreshMs);
        _ = clock.NowMs;
        Assert.Equal(2, file.Reads);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("3600001")]
    [InlineData("")]
    public void A_malformed_or_missing_file_keeps_the_last_good_shift(string bad)
    {
        var (time, file) = (new ManualTime(Start), new FakeFile());
        file.Write("-300");
        var clock = new NodeClock(time, 0, "clock", NullLogger.Instance, file);
        Assert.Equal(-300, clock.FileOffsetMs);

        file.Write(bad);
        time.Advance(NodeClock.RefreshMs);
        Assert.Equal(-300, clock.FileOffsetMs);

        file.Delete();
        time.Advance(NodeClock.RefreshMs);
        Assert.Equal(-300, clock.FileOffsetMs);

        file.Write("40\n");
        time.Advance(NodeClock.RefreshMs);
        Assert.Equal(40, clock.FileOffsetMs);
    }

    [Fact]
    public void Without_the_setting_the_clock_is_the_system_clock_and_the_fixed_offset()
    {
        var time = new ManualTime(Start);
        Assert.Equal(Start - 5, new NodeClock(time, -5, null, NullLogger.Instance).NowMs);
    }

    [Fact]
    public void The_real_file_is_read_and_a_rewrite_is_seen()
    {
        var path = Path.Combine(Path.GetTempPath(), "fairway-clock-" + Guid.NewGuid().ToString("N"));
        try
        {
            File.WriteAllText(path, "1234\n");
            var time = new ManualTime(Start);
            var clock = new NodeClock(time, 0, path, NullLogger.Instance);
            Assert.Equal(1_234, clock.FileOffsetMs);

            File.WriteAllText(path, "-99");
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));
            time.Advance(NodeClock.RefreshMs);
            Assert.Equal(-99, clock.FileOffsetMs);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_config_key_is_test_only_and_resolved_against_the_config_file()
    {
        var dir = Path.Combine(Path.GetTempPath(), "fairway-clock-config-" + Guid.NewGuid().ToString("N"));
        try
        {
            NetworkGenerator.Generate(dir, 1, P2pBindRaceTests.FreeBasePort(), "test-chain");
            var configPath = Path.Combine(dir, "node0", "config.json");
            var json = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
            json["test_clock_file"] = "clock.txt";
            File.WriteAllText(configPath, json.ToJsonString());

            if (Environment.GetEnvironmentVariable("FAIRWAY_ALLOW_TEST_SETTINGS") != "1")
            {
                var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadNodeConfig(configPath, new Dictionary<string, string?>()));
                Assert.Contains("test_clock_file", e.Message, StringComparison.Ordinal);
                Assert.Contains("FAIRWAY_ALLOW_TEST_SETTINGS=1", e.Message, StringComparison.Ordinal);
            }

            var config = ConfigLoader.LoadNodeConfig(configPath, new Dictionary<string, string?> { ["FAIRWAY_ALLOW_TEST_SETTINGS"] = "1" });
            Assert.Equal(Path.Combine(dir, "node0", "clock.txt"), config.TestClockFile);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private sealed class FakeFile : IClockFile
    {
        private string? _text;
        private DateTime _written = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        public int Reads { get; private set; }

        public void Write(string text)
        {
            _text = text;
            _written = _written.AddMilliseconds(1);
        }

        public void Delete() => _text = null;

        public DateTime? LastWriteUtc(string path) => _text is null ? null : _written;

        public string Read(string path)
        {
            Reads++;
            return _text ?? throw new FileNotFoundException(path);
        }
    }

    private sealed class ManualTime(long unixMs) : TimeProvider
    {
        private long _ms;

        public override long TimestampFrequency => 1_000;

        public override long GetTimestamp() => _ms;

        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(unixMs + _ms);

        public void Advance(long ms) => _ms += ms;
    }
}

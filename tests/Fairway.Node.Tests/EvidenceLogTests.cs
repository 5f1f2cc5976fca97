using Fairway.Api;
using Fairway.Node.Runtime;

namespace Fairway.Node.Tests;

public class EvidenceLogTests
{
    private static EvidenceRecord Record(int validator, ulong round) => new("conflicting_lists", validator, round, null, 1, "aa", "bb");

    [Fact]
    public void Each_misbehaviour_is_kept_once_in_order_and_pages_resume_from_the_next_index()
    {
        var log = new EvidenceLog(capacity: 10);
        Assert.True(log.Add(Record(1, 5)));
        Assert.False(log.Add(Record(1, 5) with { First = "cc" }));
        Assert.True(log.Add(Record(2, 5)));
        Assert.True(log.Add(Record(1, 6)));

        var (first, next) = log.Read(0, 2);
        Assert.Equal([(1, 5UL), (2, 5UL)], first.Select(r => (r.Validator, r.Round!.Value)));
        var (rest, end) = log.Read(next, 100);
        Assert.Equal([(1, 6UL)], rest.Select(r => (r.Validator, r.Round!.Value)));
        Assert.Equal(3, end);
        Assert.Empty(log.Read(end, 100).Records);
    }

    [Fact]
    public void Past_its_capacity_the_oldest_are_forgotten_and_indexes_keep_counting()
    {
        var log = new EvidenceLog(capacity: 3);
        for (ulong round = 1; round <= 10; round++)
        {
            log.Add(Record(1, round));
        }

        var (records, next) = log.Read(0, 100);
        Assert.Equal([8UL, 9UL, 10UL], records.Select(r => r.Round!.Value));
        Assert.Equal(10, next);
        Assert.Equal(10, log.Total);
    }
}

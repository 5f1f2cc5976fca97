using Fairway.Core.Crypto;
using Fairway.Node.Runtime;

namespace Fairway.Node.Tests;

public class RecentIdsTests
{
    private static Hash Id(int i) => Hash.Compute(BitConverter.GetBytes(i));

    [Fact]
    public void It_holds_each_id_once_and_forgets_the_oldest_past_its_capacity()
    {
        var ids = new RecentIds(3);
        Assert.True(ids.Add(Id(1)));
        Assert.False(ids.Add(Id(1)));
        for (var i = 2; i <= 10_000; i++)
        {
            ids.Add(Id(i));
        }

        Assert.False(ids.Contains(Id(1)));
        Assert.False(ids.Contains(Id(9_997)));
        Assert.True(ids.Contains(Id(9_998)) && ids.Contains(Id(9_999)) && ids.Contains(Id(10_000)));
        Assert.True(ids.Add(Id(1)));
    }
}

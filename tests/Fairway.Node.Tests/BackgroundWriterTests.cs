using Fairway.Node.Runtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fairway.Node.Tests;

public class BackgroundWriterTests
{
    [Fact]
    public async Task The_queue_is_bounded_by_weight_and_a_full_queue_holds_the_writer_back_until_the_disk_catches_up()
    {
        using var disk = new ManualResetEventSlim(false);
        var written = new List<int>();
        var writer = new BackgroundWriter<int>("test", capacity: 1_000, groupMax: 1, group =>
        {
            disk.Wait();
            lock (written)
            {
                written.AddRange(group);
            }
        }, NullLogger.Instance, weight: _ => 10, weightMax: 25);
        await using (writer.ConfigureAwait(false))
        {
            writer.Enqueue(1);
            writer.Enqueue(2);
            Assert.Equal(20, writer.QueuedWeight);

            // A third item would hold 30 > 25: the caller waits while the disk is stuck.
            var third = Task.Run(() => writer.Enqueue(3));
            var first = await Task.WhenAny(third, Task.Delay(TimeSpan.FromMilliseconds(300)));
            Assert.False(first == third, "an item went in past the weight bound");

            disk.Set();
            await third.WaitAsync(TimeSpan.FromSeconds(30));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (writer.QueuedWeight > 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }

            Assert.Equal(0, writer.QueuedWeight);
        }

        Assert.Equal([1, 2, 3], written);
    }

    [Fact]
    public async Task An_item_heavier_than_the_bound_still_goes_in_alone()
    {
        var writer = new BackgroundWriter<int>("test", capacity: 10, groupMax: 4, _ => { }, NullLogger.Instance, weight: w => w, weightMax: 5);
        await using (writer.ConfigureAwait(false))
        {
            var heavy = Task.Run(() => writer.Enqueue(50));
            await heavy.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}

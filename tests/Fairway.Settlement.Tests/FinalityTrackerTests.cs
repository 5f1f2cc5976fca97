namespace Fairway.Settlement.Tests;

/// The tracker alone, fed heads and hashes as an L1 would give them.
public sealed class FinalityTrackerTests
{
    /// A made-up chain: block n's hash, changed by a fork tag so a reorganised block reads differently.
    static string Hash(ulong block, string fork = "a") => $"0x{fork}{block:x62}";

    /// Observes `head` on chain `fork` and, when asked to, accepts the block the tracker names, as the watcher does.
    static FinalityStep Step(FinalityTracker t, ulong head, string fork = "a")
    {
        var step = t.Observe(head, t.Final is { } f && f <= head ? Hash(f, fork) : null);
        if (step != FinalityStep.Unchanged && t.FinalAt(head) is { } target)
            t.Accept(target, Hash(target, fork));
        return step;
    }

    [Fact]
    public void Nothing_is_final_until_depth_blocks_are_on_top_and_then_it_follows_the_head_at_that_depth()
    {
        var t = new FinalityTracker(5);
        Assert.Null(t.FinalAt(4));
        Assert.Equal(FinalityStep.Unchanged, Step(t, 4));
        Assert.Null(t.Final);

        Assert.Equal(FinalityStep.Advanced, Step(t, 5));
        Assert.Equal(0UL, t.Final);
        Assert.Equal(FinalityStep.Unchanged, Step(t, 5));
        Assert.Equal(FinalityStep.Advanced, Step(t, 12));
        Assert.Equal(7UL, t.Final);
        Assert.Equal(Hash(7), t.FinalHash);
    }

    [Fact]
    public void A_reorganisation_shallower_than_the_depth_changes_nothing()
    {
        var t = new FinalityTracker(5);
        Step(t, 20);
        Assert.Equal(15UL, t.Final);
        // Blocks 16..20 replaced by fork b (the same height, or even one block shorter): block 15 is untouched.
        Assert.Equal(FinalityStep.Unchanged, t.Observe(20, Hash(15)));
        Assert.Equal(FinalityStep.Unchanged, t.Observe(19, Hash(15)));
        Assert.Equal(15UL, t.Final);
        Assert.Equal(Hash(15), t.FinalHash);
        // Control: the same observation with block 15 changed is a reset.
        Assert.Equal(FinalityStep.Reset, t.Observe(20, Hash(15, "b")));
    }

    [Fact]
    public void A_changed_final_block_resets_and_the_next_final_block_is_read_from_the_new_chain()
    {
        var t = new FinalityTracker(5);
        Step(t, 20);
        Assert.Equal(FinalityStep.Reset, Step(t, 22, fork: "b"));
        Assert.Equal(17UL, t.Final);
        Assert.Equal(Hash(17, "b"), t.FinalHash);
        Assert.Equal(FinalityStep.Unchanged, Step(t, 22, fork: "b"));
    }

    [Fact]
    public void A_final_block_the_L1_no_longer_has_resets()
    {
        var t = new FinalityTracker(5);
        Step(t, 20);
        Assert.Equal(FinalityStep.Reset, t.Observe(30, null));
        Assert.Null(t.Final);
        Assert.Null(t.FinalHash);
    }

    [Fact]
    public void A_head_below_the_final_block_resets_even_if_the_hash_were_unchanged()
    {
        var t = new FinalityTracker(5);
        Step(t, 20);
        // An L1 restarted from an old state: fewer blocks than the node had taken as final.
        Assert.Equal(FinalityStep.Reset, t.Observe(14, Hash(15)));
        Assert.Null(t.Final);
        // Then it is followed again from scratch: nothing final below the depth, then its own blocks.
        Assert.Equal(FinalityStep.Unchanged, Step(t, 3, fork: "b"));
        Assert.Equal(FinalityStep.Advanced, Step(t, 9, fork: "b"));
        Assert.Equal(Hash(4, "b"), t.FinalHash);
    }

    [Fact]
    public void Hashes_compare_without_regard_to_case()
    {
        var t = new FinalityTracker(2);
        t.Accept(3, "0xABCDEF");
        Assert.Equal(FinalityStep.Unchanged, t.Observe(5, "0xabcdef"));
        Assert.Equal(FinalityStep.Advanced, t.Observe(6, "0xabcdef"));
    }

    [Fact]
    public void Depth_zero_takes_the_head_itself_as_final()
    {
        var t = new FinalityTracker(0);
        Assert.Equal(FinalityStep.Advanced, Step(t, 0));
        Assert.Equal(0UL, t.Final);
        Assert.Equal(FinalityStep.Advanced, Step(t, 1));
        Assert.Equal(1UL, t.Final);
    }
}

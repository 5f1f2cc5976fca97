namespace Fairway.Settlement;

/// <summary>What the tracker concluded from one look at the L1's head.</summary>
public enum FinalityStep
{
    /// <summary>Nothing new is final.</summary>
    Unchanged,
    /// <summary>A later block is final: read the stake table at <see cref="FinalityTracker.Final"/>.</summary>
    Advanced,
    /// <summary>
    /// The L1 went back (restarted, or reorganised deeper than the confirmation depth): the block taken as final is
    /// gone or changed. What was read from it is dropped and read again from the L1's new final block.
    /// </summary>
    Reset,
}

/// <summary>
/// Follows an L1 at a confirmation depth, pure: a block is final once <see cref="Depth"/> blocks are on top of it, so
/// a reorganisation of fewer blocks never touches what the node acts on. Fed the head number and the hash the L1 now
/// gives for the last final block, it says whether to read anew.
/// </summary>
public sealed class FinalityTracker(ulong depth)
{
    public ulong Depth { get; } = depth;

    /// <summary>The final block acted on, or null before the first.</summary>
    public ulong? Final { get; private set; }

    public string? FinalHash { get; private set; }

    /// <summary>The block that would be final at this head, or null while the chain is shorter than the depth.</summary>
    public ulong? FinalAt(ulong head) => head >= Depth ? head - Depth : null;

    /// <summary>
    /// One observation: the head's number, and <paramref name="hashOfFinal"/> the L1's current hash of block
    /// <see cref="Final"/> (null if it has no such block any more). Returns what changed; on
    /// <see cref="FinalityStep.Advanced"/> or <see cref="FinalityStep.Reset"/> the caller reads the block
    /// <see cref="FinalAt"/> gives and calls <see cref="Accept"/> with its hash.
    /// </summary>
    public FinalityStep Observe(ulong head, string? hashOfFinal)
    {
        if (Final is { } final && (hashOfFinal is null || !string.Equals(hashOfFinal, FinalHash, StringComparison.OrdinalIgnoreCase) || head < final))
        {
            Final = null;
            FinalHash = null;
            return FinalityStep.Reset;
        }

        return FinalAt(head) is { } candidate && (Final is null || candidate > Final) ? FinalityStep.Advanced : FinalityStep.Unchanged;
    }

    public void Accept(ulong final, string hash)
    {
        ArgumentException.ThrowIfNullOrEmpty(hash);
        Final = final;
        FinalHash = hash;
    }
}

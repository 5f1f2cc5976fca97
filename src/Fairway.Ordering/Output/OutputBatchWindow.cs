using Fairway.Core.Crypto;

namespace Fairway.Ordering.Output;

/// <summary>
/// The batch digests the last <see cref="HeightsKept"/> committed blocks named: a batch a later block names again is
/// not output again. A function of the committed blocks alone, so every validator holds the same window and outputs
/// stay identical; a restarted validator rebuilds it from its stored blocks (<see cref="OrderingStage.RestoreBatches"/>).
/// An honest leader never proposes a committed digest again; this is what keeps a faulty or lagging one from
/// outputting transactions twice.
/// </summary>
public sealed class OutputBatchWindow
{
    /// <summary>
    /// Heights are cheap (an idle chain commits dozens a second), and a validator back from a crash re-proposed a
    /// committed batch 1,395 heights later in a campaign, past an earlier window of 1,024: the window is long.
    /// </summary>
    public const int HeightsKept = 16_384;

    /// <summary>Digests kept in all: a bound on memory whatever the load (pruned oldest height first, so still a function of the chain).</summary>
    public const int DigestsMax = 1_048_576;

    private readonly Queue<(ulong Height, Hash[] Digests)> _byHeight = new();
    private readonly Dictionary<Hash, ulong> _digests = [];
    private ulong _lastHeight;

    public int Count => _digests.Count;

    /// <summary>Whether a block below <paramref name="height"/> named <paramref name="digest"/>: ordering a height again (after a restart) sees only what came before it.</summary>
    public bool NamedBelow(Hash digest, ulong height) => _digests.TryGetValue(digest, out var at) && at < height;

    /// <summary>The digests the block at <paramref name="height"/> named (heights in increasing order; a repeat of the last height is ignored).</summary>
    public void Add(ulong height, IReadOnlyCollection<Hash> digests)
    {
        ArgumentNullException.ThrowIfNull(digests);
        if (height <= _lastHeight)
        {
            return;
        }

        _lastHeight = height;
        Hash[] copy = [.. digests];
        _byHeight.Enqueue((height, copy));
        foreach (var digest in copy)
        {
            _digests.TryAdd(digest, height);
        }

        while (_byHeight.Count > 0 && (_byHeight.Peek().Height + HeightsKept <= height || _digests.Count > DigestsMax))
        {
            var (old, named) = _byHeight.Dequeue();
            foreach (var digest in named)
            {
                if (_digests.TryGetValue(digest, out var at) && at == old)
                {
                    _digests.Remove(digest);
                }
            }
        }
    }
}

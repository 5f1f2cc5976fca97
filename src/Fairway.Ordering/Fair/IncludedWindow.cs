using Fairway.Core.Crypto;

namespace Fairway.Ordering.Fair;

/// <summary>
/// The fair-lane transactions output by the last <see cref="HeightsKept"/> heights: what "not included before" means to
/// the inclusion stage. A function of the outputs alone (pruned by height, then oldest height first past a count), so
/// every validator holds the same window and a restarted one rebuilds it from its stored outputs. A transaction older
/// than the window could be included again only if an honest validator listed it again, and an honest validator forgets
/// a transaction once it sees it output, which takes a few heights, not a thousand.
/// </summary>
public sealed class IncludedWindow
{
    public const int HeightsKept = 1_024;

    /// <summary>Hashes kept in all: a bound on memory whatever the load (about 100 MB at most).</summary>
    public const int TransactionsMax = 1_000_000;

    private readonly Queue<(ulong Height, Hash[] Transactions)> _byHeight = new();
    private readonly HashSet<Hash> _included = [];
    private ulong _lastHeight;

    public int Count => _included.Count;

    public bool Contains(Hash transaction) => _included.Contains(transaction);

    /// <summary>The fair-lane transactions output at <paramref name="height"/> (heights in increasing order).</summary>
    public void Add(ulong height, IReadOnlyCollection<Hash> transactions)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        if (height <= _lastHeight)
        {
            throw new ArgumentException($"included transactions of height {height} after height {_lastHeight}", nameof(height));
        }

        _lastHeight = height;
        Hash[] copy = [.. transactions];
        _byHeight.Enqueue((height, copy));
        _included.UnionWith(copy);
        while (_byHeight.Count > 0 && (_byHeight.Peek().Height + HeightsKept <= height || _included.Count > TransactionsMax))
        {
            foreach (var transaction in _byHeight.Dequeue().Transactions)
            {
                _included.Remove(transaction);
            }
        }
    }
}

using Fairway.Core.Crypto;

namespace Fairway.Node.Runtime;

/// <summary>The last <c>capacity</c> ids added, the oldest forgotten first: a bounded memory of what was already seen.</summary>
internal sealed class RecentIds(int capacity)
{
    private readonly HashSet<Hash> _ids = [];
    private readonly Queue<Hash> _order = new();

    public bool Contains(Hash id) => _ids.Contains(id);

    /// <summary>False when <paramref name="id"/> is already held; otherwise held from now on (until pushed out).</summary>
    public bool Add(Hash id)
    {
        if (!_ids.Add(id))
        {
            return false;
        }

        _order.Enqueue(id);
        while (_order.Count > capacity)
        {
            _ids.Remove(_order.Dequeue());
        }

        return true;
    }
}

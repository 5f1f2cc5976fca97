using Fairway.Core.Crypto;

namespace Fairway.Node.Runtime;

/// <summary>
/// The digests of the batches the disk writer stored most recently, bounded: the writer's cheap answer to "is this
/// committed block's batch already on disk?" before it writes the commit. Only digests older than the window are looked
/// up in the chain store. Owned by the disk writer's thread.
/// </summary>
internal sealed class StoredDigests(int capacity)
{
    private readonly HashSet<Hash> _digests = [];
    private readonly Queue<Hash> _order = new();

    public bool Contains(Hash digest) => _digests.Contains(digest);

    public void Add(Hash digest)
    {
        if (!_digests.Add(digest))
        {
            return;
        }

        _order.Enqueue(digest);
        while (_order.Count > capacity)
        {
            _digests.Remove(_order.Dequeue());
        }
    }
}

using Fairway.Consensus.Engine;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Node.Runtime;

/// <summary>
/// Commits the consensus core has made that the node has not applied yet: their batches are still being fetched, or
/// output certification is behind and holds the commit pipeline back. The core keeps committing meanwhile, so the
/// queue is bounded: past <c>capacity</c> it keeps only the newest commit, and refills from the chain store when it
/// runs dry. That is always possible, because every block is stored before any vote or commit involves it, and
/// each block carries the certificate of its parent, so the newest commit alone describes every commit below it.
/// </summary>
internal sealed class CommitQueue
{
    private readonly int _capacity;
    private readonly Func<Hash, Block?> _readBlock;
    private readonly Queue<CommitBlock> _queue = new();
    private CommitBlock? _newestBeyond;
    /// <summary>The height of the last commit queued: heights are queued in order, and reading it must not walk the queue.</summary>
    private ulong _newestQueuedHeight;

    public CommitQueue(int capacity, Func<Hash, Block?> readBlock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _readBlock = readBlock;
    }

    /// <summary>Commits held in memory (at most the capacity), not counting those only the newest one stands for.</summary>
    public int Count => _queue.Count;

    /// <summary>The highest height committed by consensus, applied or not; 0 when nothing waits.</summary>
    public ulong NewestHeight => _newestBeyond?.Block.Height ?? (_queue.Count > 0 ? _newestQueuedHeight : 0);

    public bool IsEmpty => _queue.Count == 0 && _newestBeyond is null;

    public void Add(CommitBlock commit)
    {
        ArgumentNullException.ThrowIfNull(commit);
        if (_newestBeyond is null && _queue.Count < _capacity)
        {
            Enqueue(commit);
            return;
        }

        if (_newestBeyond is null || commit.Block.Height > _newestBeyond.Block.Height)
        {
            _newestBeyond = commit;
        }
    }

    /// <summary>The next commit above <paramref name="appliedHeight"/>, in height order; commits at or below it are dropped.</summary>
    public bool TryPeek(ulong appliedHeight, out CommitBlock next)
    {
        while (_queue.TryPeek(out next!) && next.Block.Height <= appliedHeight)
        {
            _queue.Dequeue();
        }

        if (_queue.Count == 0 && _newestBeyond is { } newest)
        {
            Refill(appliedHeight, newest);
        }

        return _queue.TryPeek(out next!);
    }

    /// <summary>Up to <paramref name="max"/> commits held in memory, in height order (the head first).</summary>
    public IEnumerable<CommitBlock> Upcoming(int max) => _queue.Take(max);

    /// <summary>Removes the commit <see cref="TryPeek"/> returned, once it is applied.</summary>
    public void Dequeue() => _queue.Dequeue();

    /// <summary>
    /// Walks back from the newest commit to the first height not applied, keeping the oldest <c>capacity</c> commits
    /// of that walk; if more remain above them, the newest commit stays as their stand-in for the next refill.
    /// </summary>
    private void Refill(ulong appliedHeight, CommitBlock newest)
    {
        _newestBeyond = null;
        var walked = new Queue<CommitBlock>();
        var current = newest;
        while (current.Block.Height > appliedHeight)
        {
            walked.Enqueue(current);
            if (walked.Count > _capacity)
            {
                walked.Dequeue();
                _newestBeyond = newest;
            }

            if (current.Block.Height == appliedHeight + 1)
            {
                break;
            }

            var parentHash = current.Block.ParentHash;
            var parent = _readBlock(parentHash)
                ?? throw new InvalidOperationException(
                    $"committed block at height {current.Block.Height - 1} ({parentHash}) is missing from the chain store; it was stored before it was committed");
            current = new CommitBlock(parent, current.Block.Justify);
        }

        foreach (var commit in walked.Reverse())
        {
            Enqueue(commit);
        }
    }

    private void Enqueue(CommitBlock commit)
    {
        _queue.Enqueue(commit);
        _newestQueuedHeight = commit.Block.Height;
    }
}

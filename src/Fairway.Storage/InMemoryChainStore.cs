using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Storage;

/// <summary>
/// The test twin of <see cref="SqliteChainStore"/>, with the same semantics: idempotent puts, the same commit checks,
/// the first location of a transaction hash wins. Nothing here is durable, so <see cref="Flush"/> does nothing.
/// </summary>
public sealed class InMemoryChainStore : IChainStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Hash, Block> _blocks = [];
    private readonly Dictionary<Hash, Batch> _batches = [];
    private readonly List<CommittedBlock> _committed = [];
    private readonly Dictionary<Hash, (ulong Height, int Index)> _transactions = [];
    private bool _disposed;

    public ulong CommittedHeight
    {
        get
        {
            lock (_lock)
            {
                return (ulong)_committed.Count;
            }
        }
    }

    public void PutBlock(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _blocks.TryAdd(block.Hash, block);
        }
    }

    public bool TryGetBlock(Hash hash, out Block block)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _blocks.TryGetValue(hash, out block!);
        }
    }

    public void PutBatch(Batch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _batches.TryAdd(batch.Digest, batch);
        }
    }

    public bool TryGetBatch(Hash digest, out Batch batch)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _batches.TryGetValue(digest, out batch!);
        }
    }

    public void AppendCommitted(CommittedBlock committed) => AppendCommittedMany([committed]);

    public void AppendCommittedMany(IReadOnlyList<CommittedBlock> committed)
    {
        ArgumentNullException.ThrowIfNull(committed);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // All checked before any is kept: the group lands whole or not at all, as in the SQLite store.
            CommitRules.CheckGroup(committed, (ulong)_committed.Count, _committed.Count == 0 ? null : _committed[^1].Block.Hash);

            foreach (var c in committed)
            {
                Keep(c);
            }
        }
    }

    private void Keep(CommittedBlock committed)
    {
        // Copy the list: the caller may reuse theirs, and the SQLite store would not see later changes either.
        var copy = committed with { Transactions = committed.Transactions.ToArray() };
        _blocks.TryAdd(copy.Block.Hash, copy.Block);
        _committed.Add(copy);
        for (var i = 0; i < copy.Transactions.Count; i++)
        {
            _transactions.TryAdd(copy.Transactions[i].Hash, (copy.Height, i));
        }
    }

    public CommittedBlock? GetCommitted(ulong height)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return height >= 1 && height <= (ulong)_committed.Count ? _committed[(int)(height - 1)] : null;
        }
    }

    public bool TryFindTransaction(Hash transactionHash, out ulong height, out int index)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var found = _transactions.TryGetValue(transactionHash, out var location);
            (height, index) = location;
            return found;
        }
    }

    public IReadOnlyList<Block> LoadUncommittedBlocks()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var committedHeight = (ulong)_committed.Count;
            return _blocks.Values
                .Where(b => b.Height > committedHeight)
                .OrderBy(b => b.Height).ThenBy(b => b.Round).ThenBy(b => b.Hash)
                .ToArray();
        }
    }

    public void Flush()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
        }
    }
}

using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Output;

namespace Fairway.Storage;

/// <summary>
/// The test twin of <see cref="SqliteChainStore"/>, with the same semantics: idempotent puts, the same commit checks,
/// a committed block's output rebuilt from its stored batches. Nothing here is durable, so <see cref="Flush"/> does nothing.
/// </summary>
public sealed class InMemoryChainStore : IChainStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Hash, Block> _blocks = [];
    private readonly Dictionary<Hash, Batch> _batches = [];
    private readonly List<CommittedBlock> _committed = [];
    private readonly Dictionary<ulong, OutputCertificate> _certificates = [];
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
            CommitRules.CheckBatchesStored(committed, _batches.ContainsKey);

            foreach (var c in committed)
            {
                Keep(c);
            }
        }
    }

    private void Keep(CommittedBlock committed)
    {
        _blocks.TryAdd(committed.Block.Hash, committed.Block);
        _committed.Add(committed);
    }

    public CommittedBlock? GetCommitted(ulong height)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (height < 1 || height > (ulong)_committed.Count)
            {
                return null;
            }

            // The output comes from the stored batches and sources, not the caller's list, as the SQLite store reads it back.
            var committed = _committed[(int)(height - 1)];
            var output = BlockOutput.Rebuild(
                committed.Output.Header, committed.Block.BatchDigests.Select(d => _batches[d]).ToList(), committed.Output.Sources);
            return committed with { Output = output, OutputCertificate = _certificates.GetValueOrDefault(height) };
        }
    }

    public ulong CertifiedHeight
    {
        get
        {
            lock (_lock)
            {
                return (ulong)_certificates.Count;
            }
        }
    }

    public void PutOutputCertificate(OutputCertificate certificate)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var height = (ulong)_certificates.Count;
            var stored = certificate is not null && certificate.Height >= 1 && certificate.Height <= (ulong)_committed.Count
                ? _committed[(int)(certificate.Height - 1)].Output.Header
                : null;
            CommitRules.CheckCertificate(certificate!, height, (ulong)_committed.Count, stored);
            _certificates[certificate!.Height] = certificate;
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

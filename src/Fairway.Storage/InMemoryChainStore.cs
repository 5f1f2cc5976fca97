using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Output;

namespace Fairway.Storage;

/// <summary>
/// The twin of <see cref="SqliteChainStore"/>, with the same semantics: idempotent puts, the same commit checks, a
/// committed block's output rebuilt from its stored batches, and the same durability. Blocks, batches and output
/// certificates are durable only from the next <see cref="Flush"/> or commit on (the SQLite store writes them without
/// an fsync and lets the next durable write cover them); <see cref="LoseUnsyncedWrites"/> is the power cut that drops
/// everything not yet durable. The simulator's hosts keep their disks in this store.
/// </summary>
public sealed class InMemoryChainStore : IChainStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Hash, Block> _blocks = [];
    private readonly Dictionary<Hash, Batch> _batches = [];
    private readonly Dictionary<Hash, ulong> _receipts = [];
    private readonly HashSet<Hash> _unsyncedReceipts = [];
    private readonly List<CommittedBlock> _committed = [];
    private readonly Dictionary<ulong, OutputCertificate> _certificates = [];
    private readonly HashSet<Hash> _unsyncedBlocks = [];
    private readonly HashSet<Hash> _unsyncedBatches = [];
    private readonly HashSet<ulong> _unsyncedCertificates = [];
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
            if (_blocks.TryAdd(block.Hash, block))
            {
                _unsyncedBlocks.Add(block.Hash);
            }
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
            if (_batches.TryAdd(batch.Digest, batch))
            {
                _unsyncedBatches.Add(batch.Digest);
            }
        }
    }

    public void PutBatchReceipts(IReadOnlyList<BatchReceipt> receipts)
    {
        ArgumentNullException.ThrowIfNull(receipts);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            foreach (var receipt in receipts)
            {
                if (_receipts.TryAdd(receipt.Digest, receipt.ReceivedAtMs))
                {
                    _unsyncedReceipts.Add(receipt.Digest);
                }
            }
        }
    }

    public IReadOnlyList<BatchReceipt> LoadBatchReceipts(ulong sinceMs, int max)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return [.. _receipts.Where(r => r.Value >= sinceMs).OrderBy(r => r.Value).ThenBy(r => r.Key).Take(max).Select(r => new BatchReceipt(r.Key, r.Value))];
        }
    }

    public void PruneBatchReceipts(ulong beforeMs)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            foreach (var digest in _receipts.Where(r => r.Value < beforeMs).Select(r => r.Key).ToList())
            {
                _receipts.Remove(digest);
            }
        }
    }

    public void PutBatches(IReadOnlyList<Batch> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        foreach (var batch in batches)
        {
            PutBatch(batch);
        }
    }

    public bool IsBatchStored(Hash digest)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _batches.ContainsKey(digest);
        }
    }

    public bool HasBatch(Hash digest) => IsBatchStored(digest);

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

            // A commit is a durable write, and it carries every earlier write with it.
            Sync();
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
            var layout = BlockOutput.EncodeLayout(committed.Output);
            var records = BlockOutput.DecodeRecords(layout);
            var output = BlockOutput.Rebuild(
                committed.Output.Header, committed.Block.WithRecords(committed.Block.AllBatchDigests.Select(d => _batches[d]).ToList(), records), committed.Output.Sources,
                BlockOutput.DecodeRevealed(layout), records);
            return committed with { Output = output, OutputCertificate = _certificates.GetValueOrDefault(height) };
        }
    }

    public OutputHeader? GetOutputHeader(ulong height)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return HeaderAt(height);
        }
    }

    private OutputHeader? HeaderAt(ulong height) =>
        height >= 1 && height <= (ulong)_committed.Count ? _committed[(int)(height - 1)].Output.Header : null;

    public OutputCertificate? GetOutputCertificate(ulong height)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _certificates.GetValueOrDefault(height);
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
            var stored = certificate is null ? null : HeaderAt(certificate.Height);
            CommitRules.CheckCertificate(certificate!, height, (ulong)_committed.Count, stored);
            _certificates[certificate!.Height] = certificate;
            _unsyncedCertificates.Add(certificate.Height);
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
            Sync();
        }
    }

    /// <summary>A power cut: blocks, batches and certificates written since the last durable write are gone.</summary>
    public void LoseUnsyncedWrites()
    {
        lock (_lock)
        {
            foreach (var hash in _unsyncedBlocks)
            {
                _blocks.Remove(hash);
            }

            foreach (var digest in _unsyncedBatches)
            {
                _batches.Remove(digest);
            }

            foreach (var digest in _unsyncedReceipts)
            {
                _receipts.Remove(digest);
            }

            // Certificates are written in height order, so the ones lost are the newest: the rest stay contiguous.
            foreach (var height in _unsyncedCertificates)
            {
                _certificates.Remove(height);
            }

            Sync();
        }
    }

    /// <summary>Everything written so far is durable: nothing is left for a power cut to take.</summary>
    private void Sync()
    {
        _unsyncedBlocks.Clear();
        _unsyncedBatches.Clear();
        _unsyncedReceipts.Clear();
        _unsyncedCertificates.Clear();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
        }
    }
}

using Fairway.Consensus.Engine;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Output;

namespace Fairway.Simulation;

/// <summary>
/// One node's disk. Safety state and committed blocks are written synchronously (the host fsyncs them); other blocks
/// are buffered and reach the disk only at the next sync, so a crash loses them, as a real page cache would.
/// </summary>
internal sealed class SimulatedDisk
{
    private readonly Dictionary<Hash, Block> _durableBlocks = [];
    private readonly Dictionary<Hash, Block> _unsyncedBlocks = [];

    public byte[]? SafetyBytes { get; private set; }

    public List<(Block Block, QuorumCertificate Certificate)> Committed { get; } = [];

    /// <summary>Digests of every committed batch: a copy that arrives late must not go back into the pool.</summary>
    public HashSet<Hash> CommittedBatches { get; } = [];

    /// <summary>
    /// The output of each committed height this host ordered, in height order (index = height - 1). Written in the same
    /// step as the commit, before anything leaves the host, so the commit's sync covers it.
    /// </summary>
    public List<BlockOutput> Outputs { get; } = [];

    /// <summary>Output certificates by height, persisted before the height counts as certified.</summary>
    public Dictionary<ulong, OutputCertificate> Certificates { get; } = [];

    /// <summary>Highest height certified together with every height below it.</summary>
    public ulong CertifiedHeight { get; private set; }

    public void PutCertificate(OutputCertificate certificate)
    {
        Certificates[certificate.Height] = certificate;
        while (Certificates.ContainsKey(CertifiedHeight + 1))
        {
            CertifiedHeight++;
        }
    }

    /// <summary>Safety state is fsynced, and the fsync makes every earlier write durable too (blocks before the vote on them).</summary>
    public void WriteSafety(SafetyState state)
    {
        SafetyBytes = Fairway.Core.Encoding.Canonical.Encode(state);
        Sync();
    }

    public void WriteBlock(Block block) => _unsyncedBlocks[block.Hash] = block;

    public void AppendCommitted(Block block, QuorumCertificate certificate)
    {
        Committed.Add((block, certificate));
        CommittedBatches.UnionWith(block.BatchDigests);
        _durableBlocks[block.Hash] = block;
        Sync();
    }

    public void Sync()
    {
        foreach (var (hash, block) in _unsyncedBlocks)
        {
            _durableBlocks[hash] = block;
        }

        _unsyncedBlocks.Clear();
    }

    public void LoseUnsyncedWrites() => _unsyncedBlocks.Clear();

    public bool TryGetBlock(Hash hash, out Block block)
    {
        return _unsyncedBlocks.TryGetValue(hash, out block!) || _durableBlocks.TryGetValue(hash, out block!);
    }

    public RecoveredState? Recover(Block genesis, int historyBlocks)
    {
        // A validator can commit before it ever signs (it waits for batches and never votes, say): its committed
        // chain must survive a restart even with no safety state written.
        if (SafetyBytes is null && Committed.Count == 0)
        {
            return null;
        }

        var tip = Committed.Count > 0 ? Committed[^1].Block : genesis;
        var below = Committed.Take(Math.Max(0, Committed.Count - 1)).TakeLast(historyBlocks).Select(c => c.Block).ToList();
        var safety = SafetyBytes is null ? SafetyState.Initial(genesis.Hash) : SafetyState.Decode(SafetyBytes);
        return new RecoveredState(safety, tip, [.. _durableBlocks.Values.Where(b => b.Height > tip.Height)], below);
    }
}

using Fairway.Consensus.Engine;
using Fairway.Core.Chain;

namespace Fairway.Storage;

/// <summary>
/// What a validator hands its consensus core on start, read from its own stores: the safety state, the committed tip,
/// the blocks stored above it, and enough committed blocks below it to recompute leader reputation. The node and the
/// simulator both start their cores from this, over the real stores or their in-memory twins.
/// </summary>
public static class ConsensusRecovery
{
    /// <summary>Null for a validator that has neither signed nor committed anything: it starts from genesis.</summary>
    public static RecoveredState? Recover(IChainStore chain, ISafetyStore safetyStore, Block genesis, int historyBlocks)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(safetyStore);
        ArgumentNullException.ThrowIfNull(genesis);
        var height = chain.CommittedHeight;

        // A validator can commit before it ever signs (waiting for a block's batches, it never voted): its committed
        // chain must survive a restart even with no safety state written.
        var safety = safetyStore.Load();
        if (safety is null && height == 0)
        {
            return null;
        }

        safety ??= SafetyState.Initial(genesis.Hash);
        var tip = height == 0 ? genesis : CommittedBlockAt(chain, height)!;
        return new RecoveredState(safety, tip, chain.LoadUncommittedBlocks(), CommittedBelow(chain, tip, historyBlocks));
    }

    private static List<Block> CommittedBelow(IChainStore chain, Block tip, int count)
    {
        var blocks = new List<Block>(count);
        var cursor = tip;
        while (blocks.Count < count && cursor.Height > 1)
        {
            var parent = chain.TryGetBlock(cursor.ParentHash, out var stored) ? stored : CommittedBlockAt(chain, cursor.Height - 1);
            if (parent is null)
            {
                break;
            }

            blocks.Add(parent);
            cursor = parent;
        }

        return blocks;
    }

    /// <summary>
    /// The block committed at <paramref name="height"/>, found through its output header: reading the whole committed
    /// block would decode every batch it orders, at every start.
    /// </summary>
    private static Block? CommittedBlockAt(IChainStore chain, ulong height) =>
        chain.GetOutputHeader(height) is { } header && chain.TryGetBlock(header.BlockHash, out var block) ? block : chain.GetCommitted(height)?.Block;
}

using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Consensus.Messages;

/// <summary>Looks a block up by hash in some store.</summary>
public delegate bool TryGetBlock(Hash hash, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Block block);

/// <summary>Asks a peer for the block with hash <see cref="Tip"/> and up to <see cref="Count"/> - 1 of its ancestors.</summary>
public sealed class BlockRequestMessage : ConsensusMessage
{
    public BlockRequestMessage(Hash tip, int count)
    {
        if (count is < 1 or > Limits.BlocksPerSyncResponseMax)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"between 1 and {Limits.BlocksPerSyncResponseMax}");
        }

        Tip = tip;
        Count = count;
    }

    public Hash Tip { get; }

    public int Count { get; }

    public override MessageKind Kind => MessageKind.BlockRequest;

    /// <summary>The answer from a block store: the tip and its ancestors, newest first, stopping at the first block the store lacks or at genesis.</summary>
    public IReadOnlyList<Block> Collect(TryGetBlock tryGet)
    {
        ArgumentNullException.ThrowIfNull(tryGet);
        var blocks = new List<Block>();
        var cursor = Tip;
        while (blocks.Count < Count && tryGet(cursor, out var block) && !block.IsGenesis)
        {
            blocks.Add(block);
            cursor = block.ParentHash;
        }

        return blocks;
    }

    public override ulong Round => 0;

    protected override void EncodeBody(CanonicalWriter writer)
    {
        writer.WriteHash(Tip);
        writer.WriteU32((uint)Count);
    }

    internal static BlockRequestMessage DecodeBody(ref CanonicalReader reader)
    {
        var tip = reader.ReadHash("block request tip");
        var count = reader.ReadU32("block request count");
        if (count is < 1 or > Limits.BlocksPerSyncResponseMax)
        {
            throw new EncodingException($"block request: count {count} outside 1..{Limits.BlocksPerSyncResponseMax}");
        }

        return new BlockRequestMessage(tip, (int)count);
    }
}

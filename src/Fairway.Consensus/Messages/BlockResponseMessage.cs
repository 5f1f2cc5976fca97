using Fairway.Core.Chain;
using Fairway.Core.Encoding;

namespace Fairway.Consensus.Messages;

/// <summary>Blocks answering a <see cref="BlockRequestMessage"/>, newest first, each the parent of the one before.</summary>
public sealed class BlockResponseMessage : ConsensusMessage
{
    public BlockResponseMessage(IReadOnlyList<Block> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        if (blocks.Count > Limits.BlocksPerSyncResponseMax)
        {
            throw new ArgumentException($"at most {Limits.BlocksPerSyncResponseMax} blocks", nameof(blocks));
        }

        Blocks = blocks;
    }

    public IReadOnlyList<Block> Blocks { get; }

    public override MessageKind Kind => MessageKind.BlockResponse;

    public override ulong Round => 0;

    protected override void EncodeBody(CanonicalWriter writer)
    {
        writer.WriteCount(Blocks.Count);
        foreach (var b in Blocks)
        {
            b.Encode(writer);
        }
    }

    internal static BlockResponseMessage DecodeBody(ref CanonicalReader reader)
    {
        var count = reader.ReadCount(Limits.BlocksPerSyncResponseMax, "block response");
        var blocks = new Block[count];
        for (var i = 0; i < count; i++)
        {
            blocks[i] = Block.Decode(ref reader);
        }

        return new BlockResponseMessage(blocks);
    }
}

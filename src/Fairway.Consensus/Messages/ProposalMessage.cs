using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Consensus.Messages;

/// <summary>A leader's signed block for its round.</summary>
public sealed class ProposalMessage(Block block, Signature signature) : ConsensusMessage, IEncodedSizeHint
{
    public Block Block { get; } = block ?? throw new ArgumentNullException(nameof(block));

    public Signature Signature { get; } = signature;

    public override MessageKind Kind => MessageKind.Proposal;

    public int EncodedSizeHint => Block.EncodedSizeHint + Signature.Size + 1;

    public override ulong Round => Block.Round;

    protected override void EncodeBody(CanonicalWriter writer)
    {
        Block.Encode(writer);
        writer.WriteSignature(Signature);
    }

    internal static ProposalMessage DecodeBody(ref CanonicalReader reader) =>
        new(Block.Decode(ref reader), reader.ReadSignature("proposal signature"));

    public override string ToString() => $"Proposal({Block})";
}

using Fairway.Core.Encoding;

namespace Fairway.Consensus.Messages;

/// <summary>Turns consensus messages into bytes and back. Decoding refuses unknown tags and trailing bytes.</summary>
public static class MessageCodec
{
    public static byte[] Encode(ConsensusMessage message) => Canonical.Encode(message);

    public static ConsensusMessage Decode(ReadOnlySpan<byte> bytes) => Canonical.Decode(bytes, DecodeOne, "consensus message");

    private static ConsensusMessage DecodeOne(ref CanonicalReader reader)
    {
        var tag = reader.ReadU8("message kind");
        return (MessageKind)tag switch
        {
            MessageKind.Proposal => ProposalMessage.DecodeBody(ref reader),
            MessageKind.Vote => VoteMessage.DecodeBody(ref reader),
            MessageKind.Timeout => TimeoutMessage.DecodeBody(ref reader),
            MessageKind.SyncInfo => SyncInfoMessage.DecodeBody(ref reader),
            MessageKind.BlockRequest => BlockRequestMessage.DecodeBody(ref reader),
            MessageKind.BlockResponse => BlockResponseMessage.DecodeBody(ref reader),
            _ => throw new EncodingException($"unknown consensus message kind {tag}"),
        };
    }
}

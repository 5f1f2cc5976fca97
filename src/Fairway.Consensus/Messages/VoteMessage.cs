using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Consensus.Messages;

/// <summary>A validator's signed vote for one block in one round, sent to the next round's leader.</summary>
public sealed class VoteMessage(ulong round, Hash blockHash, ushort voter, Signature signature) : ConsensusMessage
{
    public override ulong Round { get; } = round;

    public Hash BlockHash { get; } = blockHash;

    public ushort Voter { get; } = voter;

    public Signature Signature { get; } = signature;

    public override MessageKind Kind => MessageKind.Vote;

    protected override void EncodeBody(CanonicalWriter writer)
    {
        writer.WriteU64(Round);
        writer.WriteHash(BlockHash);
        writer.WriteU16(Voter);
        writer.WriteSignature(Signature);
    }

    internal static VoteMessage DecodeBody(ref CanonicalReader reader) => new(
        reader.ReadU64("vote round"),
        reader.ReadHash("vote block hash"),
        reader.ReadU16("voter"),
        reader.ReadSignature("vote signature"));

    public override string ToString() => $"Vote(r{Round}, {BlockHash.ToHex()[..8]}, by {Voter})";
}

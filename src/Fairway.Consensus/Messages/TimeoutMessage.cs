using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Consensus.Messages;

/// <summary>
/// A validator's signed statement that it gives up on <see cref="Round"/>, carrying its highest QC so a lagging
/// receiver can catch up and the next leader knows what it must extend.
/// </summary>
public sealed class TimeoutMessage(ulong round, QuorumCertificate highQc, ushort author, Signature signature) : ConsensusMessage
{
    public override ulong Round { get; } = round;

    public QuorumCertificate HighQc { get; } = highQc ?? throw new ArgumentNullException(nameof(highQc));

    public ushort Author { get; } = author;

    public Signature Signature { get; } = signature;

    public override MessageKind Kind => MessageKind.Timeout;

    protected override void EncodeBody(CanonicalWriter writer)
    {
        writer.WriteU64(Round);
        HighQc.Encode(writer);
        writer.WriteU16(Author);
        writer.WriteSignature(Signature);
    }

    internal static TimeoutMessage DecodeBody(ref CanonicalReader reader) => new(
        reader.ReadU64("timeout round"),
        QuorumCertificate.Decode(ref reader),
        reader.ReadU16("timeout author"),
        reader.ReadSignature("timeout signature"));

    public override string ToString() => $"Timeout(r{Round}, hqc r{HighQc.Round}, by {Author})";
}

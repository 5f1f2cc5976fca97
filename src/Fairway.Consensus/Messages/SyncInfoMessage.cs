using Fairway.Core.Chain;
using Fairway.Core.Encoding;

namespace Fairway.Consensus.Messages;

/// <summary>The highest certificates a validator knows, sent to a peer that spoke from an older round.</summary>
public sealed class SyncInfoMessage(QuorumCertificate highQc, TimeoutCertificate? highTc) : ConsensusMessage
{
    public QuorumCertificate HighQc { get; } = highQc ?? throw new ArgumentNullException(nameof(highQc));

    public TimeoutCertificate? HighTc { get; } = highTc;

    public override MessageKind Kind => MessageKind.SyncInfo;

    public override ulong Round => Math.Max(HighQc.Round, HighTc?.Round ?? 0);

    protected override void EncodeBody(CanonicalWriter writer)
    {
        HighQc.Encode(writer);
        writer.WriteBool(HighTc is not null);
        HighTc?.Encode(writer);
    }

    internal static SyncInfoMessage DecodeBody(ref CanonicalReader reader)
    {
        var qc = QuorumCertificate.Decode(ref reader);
        var tc = reader.ReadBool("sync info tc flag") ? TimeoutCertificate.Decode(ref reader) : null;
        return new SyncInfoMessage(qc, tc);
    }
}

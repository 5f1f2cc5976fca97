using Fairway.Core.Encoding;

namespace Fairway.Consensus.Messages;

/// <summary>Everything validators say to each other about consensus. Each kind has a one-byte tag on the wire.</summary>
public abstract class ConsensusMessage : ICanonical
{
    public abstract MessageKind Kind { get; }

    /// <summary>The round this message speaks about, for logging and staleness checks (0 when it has none).</summary>
    public abstract ulong Round { get; }

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteU8((byte)Kind);
        EncodeBody(writer);
    }

    protected abstract void EncodeBody(CanonicalWriter writer);
}

public enum MessageKind : byte
{
    Proposal = 1,
    Vote = 2,
    Timeout = 3,
    SyncInfo = 4,
    BlockRequest = 5,
    BlockResponse = 6,
}

using Fairway.Consensus.Messages;

namespace Fairway.Consensus.Engine;

/// <summary>
/// How a validator left behind in an ended epoch catches up, the same in the node and in test hosts. Messages travel
/// tagged with their sender's epoch. A validator past epoch e that hears a message of e answers with the certificate
/// that ended e (a sync message in e's own domain, which the old epoch's core can check); the old core fetches the
/// blocks it names, commits the epoch's last block and ends too. A validator that hears a message of a later epoch asks
/// the sender with its own high QC. Nothing here is trusted: the answer is checked by the old epoch's core like any QC.
/// </summary>
public static class EpochCatchUp
{
    /// <summary>
    /// Whether a message of an ended epoch deserves the closing certificate in reply: not when it is that certificate
    /// (two validators past the epoch would answer each other forever) nor a block response (an answer to our own request).
    /// </summary>
    public static bool ShouldAnswer(ConsensusMessage message, EpochEnded ended)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(ended);
        return message switch
        {
            BlockResponseMessage => false,
            SyncInfoMessage s => !s.HighQc.Equals(ended.ClosingCertificate),
            _ => true,
        };
    }

    public static SyncInfoMessage Answer(EpochEnded ended)
    {
        ArgumentNullException.ThrowIfNull(ended);
        return new SyncInfoMessage(ended.ClosingCertificate, null);
    }

    /// <summary>What a validator behind a peer's epoch sends it: its own highest certificates, in its own epoch.</summary>
    public static SyncInfoMessage Ask(ConsensusCore core)
    {
        ArgumentNullException.ThrowIfNull(core);
        return new SyncInfoMessage(core.HighQc, core.HighTc);
    }
}

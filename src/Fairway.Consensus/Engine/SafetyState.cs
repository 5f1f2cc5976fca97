using Fairway.Consensus.Messages;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Consensus.Engine;

/// <summary>
/// What a validator must remember across crashes so it never contradicts itself: the highest round it voted or
/// timed out in, the QC round it is locked on, its highest QC and TC, and the exact messages it last signed, so a
/// restarted node re-sends them instead of signing something new for the same round.
/// The host writes this durably before sending any message that depends on it.
/// </summary>
public sealed record SafetyState(
    ulong LastVotedRound,
    ulong LockedQcRound,
    QuorumCertificate HighQc,
    TimeoutCertificate? HighTc,
    VoteMessage? LastVote,
    TimeoutMessage? LastTimeout,
    ProposalMessage? LastProposal) : ICanonical, IEncodedSizeHint
{
    public const byte Version = 1;

    /// <summary>Written for the state of an epoch above 0: the epoch follows the version byte.</summary>
    public const byte EpochVersion = 2;

    /// <summary>
    /// The epoch these rounds belong to: rounds start again above each epoch's root, so a state is only ever compared
    /// with rounds of its own epoch and a node that finds one of an earlier epoch starts the new epoch afresh.
    /// </summary>
    public ulong Epoch { get; init; }

    /// <summary>Dominated by the last proposal, which on a fair chain carries the round's candidate lists.</summary>
    public int EncodedSizeHint => 8_192 + (LastProposal?.EncodedSizeHint ?? 0);

    public static SafetyState Initial(Hash genesisHash) => new(0, 0, QuorumCertificate.Genesis(genesisHash), null, null, null, null);

    /// <summary>The state an epoch starts in: nothing signed, its high QC the root's certificate.</summary>
    public static SafetyState Initial(QuorumCertificate rootCertificate, ulong epoch)
    {
        ArgumentNullException.ThrowIfNull(rootCertificate);
        return new SafetyState(rootCertificate.Round, rootCertificate.Round, rootCertificate, null, null, null, null) { Epoch = epoch };
    }

    /// <summary>
    /// This validator voted or timed out in <paramref name="round"/>. Its last proposal is kept only while it is for the
    /// highest such round: the proposal is there to be re-sent after a restart in its own round, a validator never proposes
    /// in a round below the highest it voted in, and on a fair chain a proposal is hundreds of kilobytes that were rewritten
    /// with every later vote.
    /// </summary>
    public SafetyState VotedIn(ulong round)
    {
        var voted = Math.Max(LastVotedRound, round);
        return this with { LastVotedRound = voted, LastProposal = LastProposal?.Block.Round < voted ? null : LastProposal };
    }

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteEpochVersion(Version, EpochVersion, Epoch);
        writer.WriteU64(LastVotedRound);
        writer.WriteU64(LockedQcRound);
        HighQc.Encode(writer);
        writer.WriteBool(HighTc is not null);
        HighTc?.Encode(writer);
        WriteOptional(writer, LastVote);
        WriteOptional(writer, LastTimeout);
        WriteOptional(writer, LastProposal);
    }

    private static void WriteOptional(CanonicalWriter writer, ConsensusMessage? message)
    {
        writer.WriteBool(message is not null);
        if (message is not null)
        {
            writer.WriteBytes(MessageCodec.Encode(message));
        }
    }

    public static SafetyState Decode(ReadOnlySpan<byte> bytes) => Canonical.Decode(bytes, DecodeOne, "safety state");

    private static SafetyState DecodeOne(ref CanonicalReader reader)
    {
        var epoch = reader.ReadEpochVersion(Version, EpochVersion, "safety state");
        var lastVoted = reader.ReadU64("last voted round");
        var locked = reader.ReadU64("locked qc round");
        var highQc = QuorumCertificate.Decode(ref reader);
        var highTc = reader.ReadBool("high tc flag") ? TimeoutCertificate.Decode(ref reader) : null;
        var vote = ReadOptional<VoteMessage>(ref reader, "last vote");
        var timeout = ReadOptional<TimeoutMessage>(ref reader, "last timeout");
        var proposal = ReadOptional<ProposalMessage>(ref reader, "last proposal");
        return new SafetyState(lastVoted, locked, highQc, highTc, vote, timeout, proposal) { Epoch = epoch };
    }

    private static T? ReadOptional<T>(ref CanonicalReader reader, string what) where T : ConsensusMessage
    {
        if (!reader.ReadBool(what + " flag"))
        {
            return null;
        }

        var message = MessageCodec.Decode(reader.ReadBytes(4 * 1024 * 1024, what));
        return message as T ?? throw new EncodingException($"{what}: expected {typeof(T).Name}, found {message.Kind}");
    }
}

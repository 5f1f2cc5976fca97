using Fairway.Consensus.Messages;
using Fairway.Core.Chain;
using Fairway.Core.Encoding;
using Fairway.Core.Validators;
using Fairway.Core.Crypto;

namespace Fairway.Consensus.Engine;

public enum EvidenceKind : byte
{
    ConflictingProposals = 1,
    ConflictingVotes = 2,
}

/// <summary>
/// Two conflicting statements signed by one validator for one round. Anyone holding the validator set can check
/// it with <see cref="Verify"/>; nothing else is needed to prove the misbehaviour.
/// </summary>
public sealed record Evidence(EvidenceKind Kind, ushort Validator, ulong Round, ConsensusMessage First, ConsensusMessage Second) : ICanonical
{
    public const byte Version = 1;

    /// <summary>Written for evidence of an epoch above 0: the epoch follows the version byte.</summary>
    public const byte EpochVersion = 2;

    /// <summary>The epoch the two statements were signed in: it names their signing domain.</summary>
    public ulong Epoch { get; init; }

    /// <summary>
    /// Largest encoding of either message: two of them, with the header and a wire tag, still fit in one frame, so
    /// evidence about the largest proposals can travel.
    /// </summary>
    public const int MessageBytesMax = (Limits.FrameBytesMax / 2) - 64;

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteEpochVersion(Version, EpochVersion, Epoch);
        writer.WriteU8((byte)Kind);
        writer.WriteU16(Validator);
        writer.WriteU64(Round);
        writer.WriteBytes(MessageCodec.Encode(First));
        writer.WriteBytes(MessageCodec.Encode(Second));
    }

    /// <summary>
    /// Reads what <see cref="Encode"/> wrote. Only the shape is checked here (kind, message types, lengths); whether the
    /// signatures and rounds hold up is <see cref="Verify"/>'s job, since that needs the validator set.
    /// </summary>
    public static Evidence Decode(ref CanonicalReader reader)
    {
        var epoch = reader.ReadEpochVersion(Version, EpochVersion, "evidence");
        var kind = (EvidenceKind)reader.ReadU8("evidence kind");
        if (kind is not (EvidenceKind.ConflictingProposals or EvidenceKind.ConflictingVotes))
        {
            throw new EncodingException($"evidence: unknown kind {(byte)kind}");
        }

        var validator = reader.ReadU16("evidence validator");
        var round = reader.ReadU64("evidence round");
        var first = MessageCodec.Decode(reader.ReadBytes(MessageBytesMax, "evidence first message"));
        var second = MessageCodec.Decode(reader.ReadBytes(MessageBytesMax, "evidence second message"));
        var shaped = kind == EvidenceKind.ConflictingProposals
            ? first is ProposalMessage && second is ProposalMessage
            : first is VoteMessage && second is VoteMessage;
        if (!shaped)
        {
            throw new EncodingException($"evidence: {kind} must hold two messages of its kind");
        }

        return new Evidence(kind, validator, round, first, second) { Epoch = epoch };
    }

    public bool Verify(Hash chainId, ValidatorSet validators, ISignatureVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(validators);
        ArgumentNullException.ThrowIfNull(verifier);
        if (!validators.Contains(Validator))
        {
            return false;
        }

        var key = validators[Validator].PublicKey;
        var signingId = SigningDomain.EpochId(chainId, Epoch);
        switch (Kind)
        {
            case EvidenceKind.ConflictingProposals when First is ProposalMessage a && Second is ProposalMessage b:
                return a.Block.Author == Validator && b.Block.Author == Validator
                    && a.Block.Round == Round && b.Block.Round == Round
                    && a.Block.Hash != b.Block.Hash
                    && a.Block.ChainId == chainId && b.Block.ChainId == chainId
                    && verifier.Verify(key, SigningDomain.ProposalMessage(signingId, a.Block.Hash), a.Signature)
                    && verifier.Verify(key, SigningDomain.ProposalMessage(signingId, b.Block.Hash), b.Signature);
            case EvidenceKind.ConflictingVotes when First is VoteMessage a && Second is VoteMessage b:
                return a.Voter == Validator && b.Voter == Validator
                    && a.Round == Round && b.Round == Round
                    && a.BlockHash != b.BlockHash
                    && verifier.Verify(key, SigningDomain.VoteMessage(signingId, a.Round, a.BlockHash), a.Signature)
                    && verifier.Verify(key, SigningDomain.VoteMessage(signingId, b.Round, b.BlockHash), b.Signature);
            default:
                return false;
        }
    }
}

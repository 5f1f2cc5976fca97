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

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteU8(Version);
        writer.WriteU8((byte)Kind);
        writer.WriteU16(Validator);
        writer.WriteU64(Round);
        writer.WriteBytes(MessageCodec.Encode(First));
        writer.WriteBytes(MessageCodec.Encode(Second));
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
        switch (Kind)
        {
            case EvidenceKind.ConflictingProposals when First is ProposalMessage a && Second is ProposalMessage b:
                return a.Block.Author == Validator && b.Block.Author == Validator
                    && a.Block.Round == Round && b.Block.Round == Round
                    && a.Block.Hash != b.Block.Hash
                    && a.Block.ChainId == chainId && b.Block.ChainId == chainId
                    && verifier.Verify(key, SigningDomain.ProposalMessage(chainId, a.Block.Hash), a.Signature)
                    && verifier.Verify(key, SigningDomain.ProposalMessage(chainId, b.Block.Hash), b.Signature);
            case EvidenceKind.ConflictingVotes when First is VoteMessage a && Second is VoteMessage b:
                return a.Voter == Validator && b.Voter == Validator
                    && a.Round == Round && b.Round == Round
                    && a.BlockHash != b.BlockHash
                    && verifier.Verify(key, SigningDomain.VoteMessage(chainId, a.Round, a.BlockHash), a.Signature)
                    && verifier.Verify(key, SigningDomain.VoteMessage(chainId, b.Round, b.BlockHash), b.Signature);
            default:
                return false;
        }
    }
}

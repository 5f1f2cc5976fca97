using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Validators;

namespace Fairway.Core.Inclusion;

/// <summary>What a piece of fair-lane evidence shows.</summary>
public enum FairEvidenceKind : byte
{
    /// <summary>Two different lists one validator signed for one round.</summary>
    ConflictingLists = 1,

    /// <summary>A validator's receipt for a transaction, then a list of its own that leaves the transaction out.</summary>
    Censorship = 2,
}

/// <summary>A validator's signed receipt: it received <paramref name="Transaction"/> at <paramref name="ReceivedAtMs"/> by its clock.</summary>
public sealed record SignedReceipt(Hash Transaction, ushort Validator, ulong ReceivedAtMs, Signature Signature) : ICanonical
{
    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteHash(Transaction);
        writer.WriteU16(Validator);
        writer.WriteU64(ReceivedAtMs);
        writer.WriteSignature(Signature);
    }

    public static SignedReceipt Decode(ref CanonicalReader reader) => new(
        reader.ReadHash("receipt transaction"),
        reader.ReadU16("receipt validator"),
        reader.ReadU64("receipt time"),
        reader.ReadSignature("receipt signature"));

    public bool Verify(Hash chainId, ValidatorSet validators, ISignatureVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(validators);
        ArgumentNullException.ThrowIfNull(verifier);
        return validators.Contains(Validator)
            && verifier.Verify(validators[Validator].PublicKey, SigningDomain.ReceiptMessage(chainId, Transaction, Validator, ReceivedAtMs), Signature);
    }
}

/// <summary>
/// Evidence against a validator from the inclusion stage, made only of statements it signed, so anyone holding the
/// validator set can check it (<see cref="Check"/>); what staking will slash. Censorship evidence pairs a receipt with
/// a later list that leaves the receipted transaction out while it lists one received after it, or while it holds
/// fewer entries than any validator's cap (<see cref="CandidateList.CapFloor"/>): a validator lists the oldest
/// transactions it holds first, up to its cap, so neither has an honest reason. Whether the
/// transaction had already been output before the list (an honest reason to leave it out) depends on the chain, so the
/// finder checks that against the block carrying the list, and a reader of the chain can too.
/// </summary>
public sealed class FairEvidence : ICanonical, IEncodedSizeHint
{
    public const byte Version = 1;

    private CachedHash _id;

    private FairEvidence(FairEvidenceKind kind, CandidateList list, CandidateList? second, SignedReceipt? receipt)
    {
        Kind = kind;
        List = list;
        Second = second;
        Receipt = receipt;
    }

    public FairEvidenceKind Kind { get; }

    /// <summary>The accused validator's list (the first of two, for conflicting lists).</summary>
    public CandidateList List { get; }

    /// <summary>The second list, for conflicting lists.</summary>
    public CandidateList? Second { get; }

    /// <summary>Candidate entries in the evidence's lists: what a block's evidence budget counts.</summary>
    public int EntryCount => List.Entries.Count + (Second?.Entries.Count ?? 0);

    /// <summary>The receipt, for censorship.</summary>
    public SignedReceipt? Receipt { get; }

    public int EncodedSizeHint => 128 + List.EncodedSizeHint + (Second?.EncodedSizeHint ?? 0);

    public int Validator => List.Validator;

    public ulong Round => List.Round;

    /// <summary>The hash of the encoding: one piece of evidence is kept and carried once.</summary>
    public Hash Id => _id.GetOrCompute(this, static self => Hash.Compute(Canonical.Encode(self)));

    public static FairEvidence Conflicting(CandidateList first, CandidateList second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);

        // One order for the pair, so the same two lists make the same evidence whichever arrived first.
        return first.Digest.CompareTo(second.Digest) <= 0
            ? new FairEvidence(FairEvidenceKind.ConflictingLists, first, second, null)
            : new FairEvidence(FairEvidenceKind.ConflictingLists, second, first, null);
    }

    public static FairEvidence Censorship(SignedReceipt receipt, CandidateList list)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ArgumentNullException.ThrowIfNull(list);
        return new FairEvidence(FairEvidenceKind.Censorship, list, null, receipt);
    }

    /// <summary>
    /// Null when the signed statements show the misbehaviour; otherwise why not. For censorship the list must come at least
    /// <paramref name="graceMs"/> (the fair delay and a round) after the receipt by the validator's own clock.
    /// </summary>
    public string? Check(Hash chainId, ValidatorSet validators, ISignatureVerifier verifier, ulong graceMs)
    {
        ArgumentNullException.ThrowIfNull(validators);
        ArgumentNullException.ThrowIfNull(verifier);
        if (List.Check(chainId, validators, verifier) is { } bad)
        {
            return bad;
        }

        switch (Kind)
        {
            case FairEvidenceKind.ConflictingLists:
                var second = Second!;
                if (second.Check(chainId, validators, verifier) is { } badSecond)
                {
                    return badSecond;
                }

                return second.Validator != List.Validator || second.Round != List.Round ? "the lists are from different validators or rounds"
                    : second.Digest == List.Digest ? "the lists are the same"
                    : null;
            case FairEvidenceKind.Censorship:
                var receipt = Receipt!;
                if (!receipt.Verify(chainId, validators, verifier))
                {
                    return "the receipt's signature does not verify";
                }

                if (receipt.Validator != List.Validator)
                {
                    return "the receipt and the list are from different validators";
                }

                if (List.ClockMs < receipt.ReceivedAtMs + graceMs)
                {
                    return "the list is too soon after the receipt";
                }

                if (List.TryGetReceivedAt(receipt.Transaction, out _))
                {
                    return "the list names the transaction";
                }

                // A list cut short by its cap may leave out what came after its last entry; a shorter list, or one that names
                // a later transaction, has no such excuse.
                return List.Entries.Count < CandidateList.CapFloorFor(validators.Count) || List.Entries.Any(e => e.ReceivedAtMs > receipt.ReceivedAtMs)
                    ? null
                    : "the list is full of transactions received before this one";
            default:
                return "unknown kind";
        }
    }

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteU8(Version);
        writer.WriteU8((byte)Kind);
        List.Encode(writer);
        if (Kind == FairEvidenceKind.ConflictingLists)
        {
            Second!.Encode(writer);
        }
        else
        {
            Receipt!.Encode(writer);
        }
    }

    public static FairEvidence Decode(ref CanonicalReader reader)
    {
        reader.ExpectVersion(Version, "fair evidence");
        var kind = (FairEvidenceKind)reader.ReadU8("fair evidence kind");
        var list = CandidateList.Decode(ref reader);
        switch (kind)
        {
            case FairEvidenceKind.ConflictingLists:
                var second = CandidateList.Decode(ref reader);
                if (list.Digest.CompareTo(second.Digest) > 0)
                {
                    throw new EncodingException("fair evidence: conflicting lists out of order");
                }

                return new FairEvidence(kind, list, second, null);
            case FairEvidenceKind.Censorship:
                return new FairEvidence(kind, list, null, SignedReceipt.Decode(ref reader));
            default:
                throw new EncodingException($"fair evidence: unknown kind {(byte)kind}");
        }
    }
}

using Fairway.Core.Validators;

namespace Fairway.Core.Chain;

/// <summary>Upper bounds on everything decoded from outside. A value past one of these is refused before allocation.</summary>
public static class Limits
{
    public const int SignersMax = ValidatorSet.CountMax;
    public const int BatchDigestsPerBlockMax = 4096;
    public const int BlocksPerSyncResponseMax = 256;
    public const int TransactionPayloadBytesMax = 128 * 1024;
    public const int NameBytesMax = 256;
    public const int TransactionsPerBatchMax = 20_000;

    /// <summary>Candidate lists one block may carry: one per validator.</summary>
    public const int CandidateListsPerBlockMax = ValidatorSet.CountMax;

    /// <summary>Candidate entries (40 bytes each) one block may carry in all its lists: 5 MiB, well inside a frame.</summary>
    public const int CandidateEntriesPerBlockMax = 131_072;

    /// <summary>Pieces of fair-lane evidence one block may carry; the rest wait for later blocks.</summary>
    public const int EvidencePerBlockMax = 4;

    /// <summary>Candidate entries in all the lists of one block's evidence: another 1.4 MiB at most.</summary>
    public const int EvidenceEntriesPerBlockMax = 32_768;

    /// <summary>
    /// L1 inbox entries one block may add. Far above what an L1 can post per Fairway block (an L1 block of 30M gas holds
    /// a few dozen large payloads and lasts many Fairway blocks), so the bound never holds back an entry's deadline.
    /// </summary>
    public const int InboxEntriesPerBlockMax = 64;

    /// <summary>The largest encoded inbox entry: a transaction of the largest payload.</summary>
    public const int InboxEntryBytesMax = 1 + sizeof(ulong) + sizeof(uint) + TransactionPayloadBytesMax;

    /// <summary>Bytes of inbox entries (encoded) one block may add.</summary>
    public const int InboxBytesPerBlockMax = 2 * 1024 * 1024;

    /// <summary>Largest frame a validator accepts from a peer: a full batch of maximum-size payloads would not fit, by design.</summary>
    public const int FrameBytesMax = 16 * 1024 * 1024;
}

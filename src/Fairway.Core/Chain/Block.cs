using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Inclusion;

namespace Fairway.Core.Chain;

/// <summary>
/// A proposed block. It certifies its parent through <see cref="Justify"/> (the parent is the block that QC names),
/// may carry the timeout certificate that let its round start, and orders batches by digest: consensus orders
/// references, and the transactions travel separately in batches.
/// <para>On a chain with <c>fair</c> namespaces a block also carries the signed candidate lists of its round (the inclusion
/// stage's input, embedded so the block alone decides its output) and, in <see cref="PayloadDigests"/>, batches already
/// ordered by an earlier block that hold fair-lane transactions these lists include: those batches are named again only
/// for their payloads, and nothing else in them is output a second time.</para>
/// </summary>
public sealed class Block : ICanonical, IEncodedSizeHint
{
    /// <summary>Written for blocks without lists or payload digests: every block of a chain without fair namespaces.</summary>
    public const byte Version = 1;

    /// <summary>Written for blocks that carry candidate lists or payload digests (a chain with fair namespaces).</summary>
    public const byte FairVersion = 2;

    /// <summary>Version 2 with fair-lane evidence after the lists: written only when a block carries evidence.</summary>
    public const byte EvidenceVersion = 3;

    /// <summary>
    /// Written only for blocks that name an L1 block: the version 1 fields, the L1 reference, then a flags byte saying
    /// which of the fair section (payload digests and lists) and the evidence follow. Blocks without one keep their
    /// older encodings, so existing chains hash as before.
    /// </summary>
    public const byte L1Version = 4;

    private const byte FairFlag = 1;
    private const byte EvidenceFlag = 2;

    /// <summary>An <see cref="EpochChange"/> follows the flags byte (only in blocks that name an L1 block).</summary>
    private const byte EpochFlag = 4;

    /// <summary>An <see cref="InboxSection"/> follows the epoch change (only in blocks that name an L1 block).</summary>
    private const byte InboxFlag = 8;

    /// <summary>The author <see cref="InboxBatch"/> names: no validator has this index (sets are far smaller).</summary>
    public const ushort InboxAuthor = ushort.MaxValue;

    /// <summary>The author of an output's record batch (<see cref="WithRecords"/>): records the ordering stage wrote itself.</summary>
    public const ushort RecordAuthor = ushort.MaxValue - 1;

    private CachedHash _hash;
    private Batch? _inboxBatch;

    /// <summary>
    /// The block's one encoding, made once: a fair block carries its round's lists (hundreds of kilobytes), and it is
    /// hashed, stored, sent, indexed and kept in the safety file. A decoded block keeps the bytes it was read from (the
    /// decoder accepts only the canonical form, so they are the bytes encoding would produce).
    /// </summary>
    private byte[]? _encoded;

    public Block(
        Hash chainId,
        ulong round,
        ulong height,
        ushort author,
        ulong timestampMs,
        QuorumCertificate justify,
        TimeoutCertificate? timeout,
        IReadOnlyList<Hash> batchDigests,
        IReadOnlyList<Hash>? payloadDigests = null,
        IReadOnlyList<CandidateList>? candidateLists = null,
        IReadOnlyList<FairEvidence>? evidence = null,
        L1Reference? l1 = null,
        EpochChange? nextEpoch = null,
        InboxSection? inbox = null)
    {
        ArgumentNullException.ThrowIfNull(justify);
        ArgumentNullException.ThrowIfNull(batchDigests);
        Hash[] payloads = payloadDigests is null ? [] : [.. payloadDigests];
        CandidateList[] lists = candidateLists is null ? [] : [.. candidateLists];
        // Copy so the block (and its cached hash) cannot change if the caller's list does later.
        var digests = batchDigests.ToArray();
        if (digests.Length > Limits.BatchDigestsPerBlockMax)
        {
            throw new ArgumentException($"at most {Limits.BatchDigestsPerBlockMax} batch digests per block", nameof(batchDigests));
        }

        if (digests.Length + payloads.Length > Limits.BatchDigestsPerBlockMax)
        {
            throw new ArgumentException($"at most {Limits.BatchDigestsPerBlockMax} batch and payload digests per block", nameof(payloadDigests));
        }

        if (lists.Length > Limits.CandidateListsPerBlockMax || lists.Sum(l => (long)l.Entries.Count) > Limits.CandidateEntriesPerBlockMax)
        {
            throw new ArgumentException(
                $"at most {Limits.CandidateListsPerBlockMax} candidate lists and {Limits.CandidateEntriesPerBlockMax} entries per block", nameof(candidateLists));
        }

        FairEvidence[] carried = evidence is null ? [] : [.. evidence];
        if (carried.Length > Limits.EvidencePerBlockMax || carried.Sum(e => (long)e.EntryCount) > Limits.EvidenceEntriesPerBlockMax)
        {
            throw new ArgumentException(
                $"at most {Limits.EvidencePerBlockMax} pieces of evidence and {Limits.EvidenceEntriesPerBlockMax} entries in their lists per block", nameof(evidence));
        }

        if (nextEpoch is not null && l1 is null)
        {
            throw new ArgumentException("an epoch change is taken from the stake table at the block's L1 reference, so it needs one", nameof(nextEpoch));
        }

        if (inbox is not null && l1 is null)
        {
            throw new ArgumentException("inbox entries are final at the block's L1 reference, so they need one", nameof(inbox));
        }

        ChainId = chainId;
        NextEpoch = nextEpoch;
        Inbox = inbox;
        Round = round;
        Height = height;
        Author = author;
        TimestampMs = timestampMs;
        Justify = justify;
        Timeout = timeout;
        BatchDigests = digests;
        PayloadDigests = payloads;
        CandidateLists = lists;
        Evidence = carried;
        L1 = l1;
        AllBatchDigests = payloads.Length == 0 ? digests : [.. digests, .. payloads];
    }

    public Hash ChainId { get; }

    public ulong Round { get; }

    public ulong Height { get; }

    public ushort Author { get; }

    public ulong TimestampMs { get; }

    /// <summary>The QC for the parent block.</summary>
    public QuorumCertificate Justify { get; }

    public TimeoutCertificate? Timeout { get; }

    /// <summary>The batches this block orders: every transaction in them not already output is output with this block.</summary>
    public IReadOnlyList<Hash> BatchDigests { get; }

    /// <summary>Batches named only for the fair-lane transactions this block's lists include (see the class remarks).</summary>
    public IReadOnlyList<Hash> PayloadDigests { get; }

    /// <summary><see cref="BatchDigests"/> then <see cref="PayloadDigests"/>: every batch a validator must hold to vote for and order this block.</summary>
    public IReadOnlyList<Hash> AllBatchDigests { get; }

    /// <summary>The signed candidate lists of this block's round; empty on a chain without fair namespaces.</summary>
    public IReadOnlyList<CandidateList> CandidateLists { get; }

    /// <summary>Fair-lane evidence (censorship, conflicting lists) the leader put on the chain; voters check each piece.</summary>
    public IReadOnlyList<FairEvidence> Evidence { get; }

    /// <summary>The final L1 block this block names, or null on a chain without an L1 (or before its leader read one).</summary>
    public L1Reference? L1 { get; }

    /// <summary>Set on a block that ends its epoch if it is the first committed one to carry it (see <see cref="EpochChange"/>).</summary>
    public EpochChange? NextEpoch { get; }

    /// <summary>The L1 inbox as far as this block includes it, with the entries it adds; null on a chain without an inbox.</summary>
    public InboxSection? Inbox { get; }

    /// <summary>
    /// The entries this block adds as a batch (author <see cref="InboxAuthor"/>, sequence the first entry's inbox index),
    /// or null when it adds none. It is never sent or stored as a batch: output sources name it at position
    /// <see cref="AllBatchDigests"/>.Count, after the block's real batches (see <see cref="WithInbox"/>).
    /// </summary>
    public Batch? InboxBatch => Inbox is { Entries.Count: > 0 } inbox ? _inboxBatch ??= new Batch(ChainId, InboxAuthor, inbox.FirstIndex, inbox.Entries) : null;

    /// <summary>The block's batches in block order followed by its <see cref="InboxBatch"/>, if any: what output sources index.</summary>
    public IReadOnlyList<Batch> WithInbox(IReadOnlyList<Batch> batchesInBlockOrder)
    {
        ArgumentNullException.ThrowIfNull(batchesInBlockOrder);
        return InboxBatch is { } inbox ? [.. batchesInBlockOrder, inbox] : batchesInBlockOrder;
    }

    /// <summary>
    /// Where an output's records sit in the list output sources index: after the block's batches and its inbox batch.
    /// </summary>
    public int RecordPosition => AllBatchDigests.Count + (InboxBatch is null ? 0 : 1);

    /// <summary>
    /// <see cref="WithInbox"/> followed by the output's record batch, if it has one: the transactions the ordering stage
    /// wrote (auction records, the express lane's bundles), which no batch of the block carries.
    /// </summary>
    public IReadOnlyList<Batch> WithRecords(IReadOnlyList<Batch> batchesInBlockOrder, Batch? records)
    {
        var list = WithInbox(batchesInBlockOrder);
        return records is null ? list : [.. list, records];
    }

    /// <summary>About the length of the encoding: exact for the lists and digests that dominate a large block.</summary>
    public int EncodedSizeHint =>
        256 + (Hash.Size * AllBatchDigests.Count) + (96 * Justify.Signatures.Count) + (Timeout is null ? 0 : 2_048)
        + CandidateLists.Sum(l => l.EncodedSizeHint) + Evidence.Sum(e => e.EncodedSizeHint) + (8 * (NextEpoch?.Stakes.Count ?? 0)) + (Inbox?.EncodedSizeHint ?? 0);

    public Hash ParentHash => Justify.BlockHash;

    public bool IsGenesis => Round == 0 && Height == 0;

    /// <summary>SHA-256 of the canonical encoding, computed once.</summary>
    public Hash Hash => _hash.GetOrCompute(this, static self => Hash.Compute(self.EncodedBytes()));

    /// <summary>The canonical encoding, made at most once (as <see cref="Batch.Encoded"/>: shared, callers only read it).</summary>
    public byte[] Encoded => EncodedBytes();

    /// <summary>The block every chain starts from; it is the same on every node of the chain.</summary>
    public static Block Genesis(Hash chainId) =>
        new(chainId, 0, 0, 0, 0, new QuorumCertificate(0, Hash.Zero, []), null, []);

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteRaw(EncodedBytes());
    }

    private byte[] EncodedBytes()
    {
        if (_encoded is null)
        {
            var writer = new CanonicalWriter(Math.Max(256, EncodedSizeHint));
            WriteFields(writer);
            _encoded = writer.ToArray();
        }

        return _encoded;
    }

    private void WriteFields(CanonicalWriter writer)
    {
        var fair = PayloadDigests.Count > 0 || CandidateLists.Count > 0 || Evidence.Count > 0;
        writer.WriteU8(L1 is not null ? L1Version : Evidence.Count > 0 ? EvidenceVersion : fair ? FairVersion : Version);
        writer.WriteHash(ChainId);
        writer.WriteU64(Round);
        writer.WriteU64(Height);
        writer.WriteU16(Author);
        writer.WriteU64(TimestampMs);
        Justify.Encode(writer);
        writer.WriteBool(Timeout is not null);
        Timeout?.Encode(writer);
        writer.WriteCount(BatchDigests.Count);
        foreach (var d in BatchDigests)
        {
            writer.WriteHash(d);
        }

        if (L1 is { } l1)
        {
            writer.WriteU64(l1.Number);
            writer.WriteHash(l1.BlockHash);
            writer.WriteU8((byte)((fair ? FairFlag : 0) | (Evidence.Count > 0 ? EvidenceFlag : 0) | (NextEpoch is null ? 0 : EpochFlag) | (Inbox is null ? 0 : InboxFlag)));
            NextEpoch?.Encode(writer);
            Inbox?.Encode(writer);
        }

        if (!fair)
        {
            return;
        }

        writer.WriteCount(PayloadDigests.Count);
        foreach (var d in PayloadDigests)
        {
            writer.WriteHash(d);
        }

        writer.WriteCount(CandidateLists.Count);
        foreach (var list in CandidateLists)
        {
            list.Encode(writer);
        }

        if (Evidence.Count > 0)
        {
            writer.WriteCount(Evidence.Count);
            foreach (var evidence in Evidence)
            {
                evidence.Encode(writer);
            }
        }
    }

    public static Block Decode(ref CanonicalReader reader)
    {
        var start = reader.Position;
        var block = DecodeFields(ref reader);
        block._encoded = reader.ReadSince(start).ToArray();
        return block;
    }

    private static Block DecodeFields(ref CanonicalReader reader)
    {
        var version = reader.ReadU8("block version");
        if (version is not (Version or FairVersion or EvidenceVersion or L1Version))
        {
            throw new EncodingException($"block: unsupported version {version} (expected {Version}, {FairVersion}, {EvidenceVersion} or {L1Version})");
        }

        var chainId = reader.ReadHash("block chain id");
        var round = reader.ReadU64("block round");
        var height = reader.ReadU64("block height");
        var author = reader.ReadU16("block author");
        var timestamp = reader.ReadU64("block timestamp");
        var justify = QuorumCertificate.Decode(ref reader);
        var timeout = reader.ReadBool("block timeout flag") ? TimeoutCertificate.Decode(ref reader) : null;
        var count = reader.ReadCount(Limits.BatchDigestsPerBlockMax, "block batch digests");
        var digests = new Hash[count];
        for (var i = 0; i < count; i++)
        {
            digests[i] = reader.ReadHash("batch digest");
        }

        L1Reference? l1 = null;
        EpochChange? next = null;
        InboxSection? inbox = null;
        var hasFair = version is FairVersion or EvidenceVersion;
        var hasEvidence = version == EvidenceVersion;
        if (version == L1Version)
        {
            l1 = new L1Reference(reader.ReadU64("block L1 reference number"), reader.ReadHash("block L1 reference hash"));
            var flags = reader.ReadU8("block flags");
            if ((flags & ~(FairFlag | EvidenceFlag | EpochFlag | InboxFlag)) != 0 || (flags & (FairFlag | EvidenceFlag)) == EvidenceFlag)
            {
                throw new EncodingException($"block: flags {flags} (evidence travels in the fair section)");
            }

            next = (flags & EpochFlag) != 0 ? EpochChange.Decode(ref reader) : null;
            inbox = (flags & InboxFlag) != 0 ? InboxSection.Decode(ref reader) : null;

            hasFair = (flags & FairFlag) != 0;
            hasEvidence = (flags & EvidenceFlag) != 0;
        }

        if (!hasFair)
        {
            return new Block(chainId, round, height, author, timestamp, justify, timeout, digests, l1: l1, nextEpoch: next, inbox: inbox);
        }

        var payloadCount = reader.ReadCount(Limits.BatchDigestsPerBlockMax - count, "block payload digests");
        var payloads = new Hash[payloadCount];
        for (var i = 0; i < payloadCount; i++)
        {
            payloads[i] = reader.ReadHash("payload digest");
        }

        var listCount = reader.ReadCount(Limits.CandidateListsPerBlockMax, "block candidate lists");
        var lists = new CandidateList[listCount];
        long entries = 0;
        for (var i = 0; i < listCount; i++)
        {
            lists[i] = CandidateList.Decode(ref reader);
            entries += lists[i].Entries.Count;
            if (entries > Limits.CandidateEntriesPerBlockMax)
            {
                throw new EncodingException($"a block carries at most {Limits.CandidateEntriesPerBlockMax} candidate entries");
            }
        }

        if (!hasEvidence && payloadCount == 0 && listCount == 0)
        {
            // One block, one encoding: without lists or payload digests a block is written without the fair section.
            throw new EncodingException("block: a fair section without candidate lists or payload digests");
        }

        if (!hasEvidence)
        {
            return new Block(chainId, round, height, author, timestamp, justify, timeout, digests, payloads, lists, l1: l1, nextEpoch: next, inbox: inbox);
        }

        var evidenceCount = reader.ReadCount(Limits.EvidencePerBlockMax, "block evidence");
        if (evidenceCount == 0)
        {
            throw new EncodingException("block: an evidence section without evidence");
        }

        var evidence = new FairEvidence[evidenceCount];
        long evidenceEntries = 0;
        for (var i = 0; i < evidenceCount; i++)
        {
            evidence[i] = FairEvidence.Decode(ref reader);
            evidenceEntries += evidence[i].EntryCount;
            if (evidenceEntries > Limits.EvidenceEntriesPerBlockMax)
            {
                throw new EncodingException($"a block's evidence carries at most {Limits.EvidenceEntriesPerBlockMax} candidate entries");
            }
        }

        return new Block(chainId, round, height, author, timestamp, justify, timeout, digests, payloads, lists, evidence, l1, next, inbox);
    }

    public override string ToString() => $"Block(r{Round}, h{Height}, {Hash.ToHex()[..8]}, by {Author})";
}

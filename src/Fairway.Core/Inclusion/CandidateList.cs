using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Validators;

namespace Fairway.Core.Inclusion;

/// <summary>
/// One transaction in a candidate list: its hash, when the list's signer first saw it (by its own clock), and the batch
/// it saw it in, so a leader that never received that batch knows what to fetch to carry the payload.
/// </summary>
public readonly record struct CandidateEntry(Hash Transaction, ulong ReceivedAtMs, Hash Batch);

/// <summary>
/// A validator's signed statement for one round of the inclusion stage: its clock reading, its view of the L1 inbox
/// index, and the fair-lane transactions it has held for at least the fair delay and not yet seen included, each with
/// its own receive time. Entries are sorted by transaction hash with no repeats, so a list has exactly one encoding
/// and two different lists from one signer for one round are provably conflicting. Lists travel by <see cref="Digest"/>.
/// </summary>
public sealed class CandidateList : ICanonical, IEncodedSizeHint
{
    public const byte Version = 1;

    /// <summary>Entries per list: a bound on what a peer can make a validator decode, hold and count.</summary>
    public const int EntriesMax = 16_384;

    /// <summary>
    /// No validator caps its lists below this many entries, so a shorter list was not cut short: it holds everything its
    /// signer had held for the fair delay and not seen included (what censorship evidence relies on).
    /// </summary>
    public const int CapFloor = 1_024;

    /// <summary>The floor for a set of <paramref name="validators"/>: lower when every validator's list must fit one block's entry budget.</summary>
    public static int CapFloorFor(int validators) => Math.Max(1, Math.Min(CapFloor, Limits.CandidateEntriesPerBlockMax / Math.Max(1, validators)));

    private CachedHash _digest;

    /// <summary>
    /// The encoding of everything but the signature, made once: a list is hashed, sent, carried in blocks and stored, and
    /// under load it holds thousands of entries.
    /// </summary>
    private byte[]? _body;

    public CandidateList(
        Hash chainId, ulong round, ushort validator, ulong clockMs, ulong inboxIndex, IReadOnlyList<CandidateEntry> entries, Signature signature)
        : this(chainId, round, validator, clockMs, inboxIndex, entries, signature, null)
    {
    }

    private CandidateList(
        Hash chainId, ulong round, ushort validator, ulong clockMs, ulong inboxIndex, IReadOnlyList<CandidateEntry> entries, Signature signature, byte[]? body)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count > EntriesMax)
        {
            throw new ArgumentException($"at most {EntriesMax} entries per candidate list", nameof(entries));
        }

        var copy = entries.ToArray();
        for (var i = 1; i < copy.Length; i++)
        {
            if (copy[i - 1].Transaction.CompareTo(copy[i].Transaction) >= 0)
            {
                throw new ArgumentException("candidate list entries must be sorted by transaction hash with no repeats", nameof(entries));
            }
        }

        ChainId = chainId;
        Round = round;
        Validator = validator;
        ClockMs = clockMs;
        InboxIndex = inboxIndex;
        Entries = copy;
        Signature = signature;
        _body = body;
    }

    public Hash ChainId { get; }

    public ulong Round { get; }

    public ushort Validator { get; }

    /// <summary>The signer's clock when it made the list (Unix milliseconds).</summary>
    public ulong ClockMs { get; }

    /// <summary>The signer's view of the final L1 inbox index (0 until settlement exists).</summary>
    public ulong InboxIndex { get; }

    public IReadOnlyList<CandidateEntry> Entries { get; }

    public Signature Signature { get; }

    /// <summary>The hash of everything but the signature: what the signer signs and what proposals reference.</summary>
    public Hash Digest => _digest.GetOrCompute(this, static self => Hash.Compute(self.BodyBytes()));

    public int EncodedSizeHint => BodyBytes().Length + Signature.Size;

    /// <summary>Builds and signs a list; entries may come in any order and are sorted here (a repeated hash is refused).</summary>
    public static CandidateList Sign(
        Hash chainId, ulong round, ushort validator, ulong clockMs, ulong inboxIndex, IEnumerable<CandidateEntry> entries, ISigner key)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(key);
        var sorted = entries.OrderBy(e => e.Transaction).ToArray();
        var unsigned = new CandidateList(chainId, round, validator, clockMs, inboxIndex, sorted, default);
        return new CandidateList(
            chainId, round, validator, clockMs, inboxIndex, sorted, key.Sign(SigningDomain.CandidateListMessage(chainId, unsigned.Digest)), unsigned.BodyBytes());
    }

    /// <summary>The receive time this list gives the transaction, if it lists it.</summary>
    public bool TryGetReceivedAt(Hash transaction, out ulong receivedAtMs)
    {
        var lo = 0;
        var hi = Entries.Count - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) / 2);
            var c = Entries[mid].Transaction.CompareTo(transaction);
            if (c == 0)
            {
                receivedAtMs = Entries[mid].ReceivedAtMs;
                return true;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        receivedAtMs = 0;
        return false;
    }

    /// <summary>Null when the list is for this chain and signed by the validator it names; otherwise why not.</summary>
    public string? Check(Hash chainId, ValidatorSet validators, ISignatureVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(validators);
        ArgumentNullException.ThrowIfNull(verifier);
        if (ChainId != chainId)
        {
            return "candidate list for another chain";
        }

        if (Validator >= validators.Count)
        {
            return $"candidate list signer {Validator} is not a validator";
        }

        return verifier.Verify(validators[Validator].PublicKey, SigningDomain.CandidateListMessage(chainId, Digest), Signature)
            ? null
            : $"candidate list of validator {Validator} for round {Round} has a bad signature";
    }

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        EncodeBody(writer);
        writer.WriteSignature(Signature);
    }

    public static CandidateList Decode(ref CanonicalReader reader)
    {
        var start = reader.Position;
        reader.ExpectVersion(Version, "candidate list");
        var chainId = reader.ReadHash("candidate list chain id");
        var round = reader.ReadU64("candidate list round");
        var validator = reader.ReadU16("candidate list validator");
        var clock = reader.ReadU64("candidate list clock");
        var inbox = reader.ReadU64("candidate list inbox index");
        var batchCount = reader.ReadCount(EntriesMax, "candidate list batches");
        var batches = new Hash[batchCount];
        for (var i = 0; i < batchCount; i++)
        {
            batches[i] = reader.ReadHash("candidate list batch");
            if (i > 0 && batches[i - 1].CompareTo(batches[i]) >= 0)
            {
                throw new EncodingException("candidate list batches are not sorted without repeats");
            }
        }

        var count = reader.ReadCount(EntriesMax, "candidate list entries");
        var entries = new CandidateEntry[count];
        var used = new bool[batchCount];
        for (var i = 0; i < count; i++)
        {
            var transaction = reader.ReadHash("candidate entry transaction");
            var at = reader.ReadU64("candidate entry receive time");
            var batch = reader.ReadU32("candidate entry batch");
            if (batch >= (uint)batchCount)
            {
                throw new EncodingException($"candidate entry names batch {batch} of {batchCount}");
            }

            used[batch] = true;
            entries[i] = new CandidateEntry(transaction, at, batches[batch]);
            if (i > 0 && entries[i - 1].Transaction.CompareTo(entries[i].Transaction) >= 0)
            {
                throw new EncodingException("candidate list entries are not sorted by transaction hash without repeats");
            }
        }

        if (used.Contains(false))
        {
            throw new EncodingException("a candidate list batch no entry names");
        }

        // The bytes just read are this list's only encoding (entries sorted, every batch named once in order): kept as its body.
        var body = reader.ReadSince(start).ToArray();
        return new CandidateList(chainId, round, validator, clock, inbox, entries, reader.ReadSignature("candidate list signature"), body);
    }

    private void EncodeBody(CanonicalWriter writer) => writer.WriteRaw(BodyBytes());

    private void WriteBody(CanonicalWriter writer)
    {
        writer.WriteU8(Version);
        writer.WriteHash(ChainId);
        writer.WriteU64(Round);
        writer.WriteU16(Validator);
        writer.WriteU64(ClockMs);
        writer.WriteU64(InboxIndex);
        // Each batch digest once (ascending), entries point into that table: a batch holds many listed transactions.
        var batches = Entries.Select(e => e.Batch).Distinct().Order().ToArray();
        var index = new Dictionary<Hash, int>(batches.Length);
        writer.WriteCount(batches.Length);
        for (var i = 0; i < batches.Length; i++)
        {
            index[batches[i]] = i;
            writer.WriteHash(batches[i]);
        }

        writer.WriteCount(Entries.Count);
        foreach (var entry in Entries)
        {
            writer.WriteHash(entry.Transaction);
            writer.WriteU64(entry.ReceivedAtMs);
            writer.WriteU32((uint)index[entry.Batch]);
        }
    }

    private byte[] BodyBytes()
    {
        if (_body is null)
        {
            var writer = new CanonicalWriter(64 + (Entries.Count * 44));
            WriteBody(writer);
            _body = writer.ToArray();
        }

        return _body;
    }
}

using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Merkle;

namespace Fairway.Core.Output;

/// <summary>
/// The commitment to one committed block's ordered output, the thing validators certify and rollups verify against.
/// <see cref="OutputRoot"/> is the root of a namespaced Merkle tree whose leaves are the output's transactions in output
/// order (namespaces ascending, each namespace in its policy's order), so one root commits to every namespace's ordered
/// list, and to the block-wide position of every transaction. <see cref="PreviousOutputHash"/> chains the headers: a
/// certified header fixes every earlier one.
/// <para>Byte layout and hash rules: docs/PROOFS.md.</para>
/// </summary>
public sealed class OutputHeader : ICanonical, IEquatable<OutputHeader>
{
    public const byte Version = 1;

    /// <summary>Version 1's fields then <see cref="Inbox"/>: written for the outputs of a chain with an L1 inbox, and only those.</summary>
    public const byte InboxVersion = 2;

    /// <summary>Bytes of a version 2 header: the light client reads the inbox fields at the end of exactly this many.</summary>
    public const int InboxVersionSize = 1 + (3 * Hash.Size) + 8 + 4 + Hash.Size + 16 + 1;

    private CachedHash _hash;

    public OutputHeader(Hash chainId, ulong height, Hash blockHash, Hash previousOutputHash, int transactionCount, Hash outputRoot, OutputInbox? inbox = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(height);
        ArgumentOutOfRangeException.ThrowIfNegative(transactionCount);
        ChainId = chainId;
        Height = height;
        BlockHash = blockHash;
        PreviousOutputHash = previousOutputHash;
        TransactionCount = transactionCount;
        OutputRoot = outputRoot;
        Inbox = inbox;
    }

    public Hash ChainId { get; }

    public ulong Height { get; }

    /// <summary>The committed block this output orders.</summary>
    public Hash BlockHash { get; }

    /// <summary>The hash of the output header at <see cref="Height"/> - 1; all zero for height 1.</summary>
    public Hash PreviousOutputHash { get; }

    /// <summary>Leaves of the output tree: the number of transactions in the output.</summary>
    public int TransactionCount { get; }

    public Hash OutputRoot { get; }

    /// <summary>How far the output has included the L1 inbox, and at which L1 block; null on a chain without an inbox.</summary>
    public OutputInbox? Inbox { get; }

    /// <summary>SHA-256 of the canonical encoding: what validators sign and the next header chains to.</summary>
    public Hash Hash => _hash.GetOrCompute(this, static self => Hash.Compute(Canonical.Encode(self)));

    /// <summary>The header of an output with these transactions (already in output order: namespaces ascending) at this height.</summary>
    public static OutputHeader Over(
        Hash chainId, ulong height, Hash blockHash, Hash previousOutputHash, IReadOnlyList<Chain.Transaction> ordered, OutputInbox? inbox = null)
    {
        ArgumentNullException.ThrowIfNull(ordered);
        return new OutputHeader(chainId, height, blockHash, previousOutputHash, ordered.Count, NamespacedMerkleTree.RootOfSorted(ordered), inbox);
    }

    /// <summary>The same header over other transactions (a revealed output's plaintexts): same chain, height, block, chain link and inbox.</summary>
    public OutputHeader Over(IReadOnlyList<Chain.Transaction> ordered) => Over(ChainId, Height, BlockHash, PreviousOutputHash, ordered, Inbox);

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteU8(Inbox is null ? Version : InboxVersion);
        writer.WriteHash(ChainId);
        writer.WriteU64(Height);
        writer.WriteHash(BlockHash);
        writer.WriteHash(PreviousOutputHash);
        writer.WriteU32((uint)TransactionCount);
        writer.WriteHash(OutputRoot);
        if (Inbox is { } inbox)
        {
            writer.WriteU64(inbox.Index);
            writer.WriteU64(inbox.L1Block);
            writer.WriteBool(inbox.Full);
        }
    }

    public static OutputHeader Decode(ref CanonicalReader reader)
    {
        var version = reader.ReadU8("output header version");
        if (version is not (Version or InboxVersion))
        {
            throw new EncodingException($"output header: unsupported version {version} (expected {Version} or {InboxVersion})");
        }

        var chainId = reader.ReadHash("output header chain id");
        var height = reader.ReadU64("output header height");
        var blockHash = reader.ReadHash("output header block hash");
        var previous = reader.ReadHash("output header previous output hash");
        var count = reader.ReadU32("output header transaction count");
        var root = reader.ReadHash("output header output root");
        OutputInbox? inbox = version == InboxVersion
            ? new OutputInbox(reader.ReadU64("output header inbox index"), reader.ReadU64("output header inbox L1 block"), reader.ReadBool("output header inbox full"))
            : null;
        if (height == 0 || count > int.MaxValue)
        {
            throw new EncodingException($"output header: height {height} or transaction count {count} out of range");
        }

        return new OutputHeader(chainId, height, blockHash, previous, (int)count, root, inbox);
    }

    public bool Equals(OutputHeader? other) => other is not null && Hash == other.Hash;

    public override bool Equals(object? obj) => Equals(obj as OutputHeader);

    public override int GetHashCode() => Hash.GetHashCode();

    public override string ToString() => $"OutputHeader(h{Height}, {TransactionCount} txs, {Hash.ToHex()[..8]})";
}

/// <summary>
/// What an output header commits to about the L1 inbox: every entry up to <paramref name="Index"/> is in this output or
/// an earlier one, the block named L1 block <paramref name="L1Block"/>, and whether it added as many entries as a block
/// may (<paramref name="Full"/>, <see cref="Chain.InboxSection.IsFull"/>). The light client refuses a header that is
/// not full and whose next entry was already past its deadline at that L1 block: the voters' rule.
/// </summary>
public readonly record struct OutputInbox(ulong Index, ulong L1Block, bool Full = false);

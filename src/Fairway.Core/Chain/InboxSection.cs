using Fairway.Core.Encoding;

namespace Fairway.Core.Chain;

/// <summary>
/// The L1 inbox as a block carries it: <see cref="Index"/>, the inbox index the chain has included up to after this
/// block (never below its parent's), and <see cref="Entries"/>, the entries this block adds, i.e. inbox indices
/// <see cref="FirstIndex"/>..<see cref="Index"/> in order, each as the transaction it is output as (its namespace and
/// its payload exactly as posted). Carrying the payloads makes a block's output a function of the block and its
/// batches alone: a node that syncs the chain never needs the L1 to rebuild it.
/// </summary>
public sealed class InboxSection : ICanonical, IEquatable<InboxSection>
{
    public InboxSection(ulong index, IReadOnlyList<Transaction> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Transaction[] copy = [.. entries];
        if (copy.Length > Limits.InboxEntriesPerBlockMax || copy.Sum(e => (long)e.EncodedSize) > Limits.InboxBytesPerBlockMax)
        {
            throw new ArgumentException(
                $"a block carries at most {Limits.InboxEntriesPerBlockMax} inbox entries and {Limits.InboxBytesPerBlockMax} bytes of them", nameof(entries));
        }

        if ((ulong)copy.Length > index)
        {
            throw new ArgumentException($"{copy.Length} entries cannot end at inbox index {index} (indices start at 1)", nameof(entries));
        }

        Index = index;
        Entries = copy;
    }

    /// <summary>The inbox index included up to after this block; 0 before any entry.</summary>
    public ulong Index { get; }

    /// <summary>The entries this block adds, in inbox order: indices <see cref="FirstIndex"/>..<see cref="Index"/>.</summary>
    public IReadOnlyList<Transaction> Entries { get; }

    /// <summary>The inbox index of the first entry carried (one past <see cref="Index"/> when none is).</summary>
    public ulong FirstIndex => Index - (ulong)Entries.Count + 1;

    /// <summary>The inbox index of the entry at <paramref name="offset"/> in <see cref="Entries"/>.</summary>
    public ulong IndexAt(int offset) => FirstIndex + (ulong)offset;

    /// <summary>
    /// Whether the block added as many entries as a block may: <see cref="Limits.InboxEntriesPerBlockMax"/>, or so many
    /// bytes that one more entry of the largest size might not fit. A function of the section alone, so the output
    /// header can commit to it and the light client judge a header by it: only a block that is not full must reach
    /// every entry past its deadline.
    /// </summary>
    public bool IsFull => IsFullAt(Entries.Count, Entries.Sum(e => (long)e.EncodedSize));

    /// <summary>The same test for a section being built: <paramref name="count"/> entries of <paramref name="bytes"/> in all.</summary>
    public static bool IsFullAt(int count, long bytes) =>
        count >= Limits.InboxEntriesPerBlockMax || bytes + Limits.InboxEntryBytesMax > Limits.InboxBytesPerBlockMax;

    public int EncodedSizeHint => 16 + Entries.Sum(e => e.EncodedSize);

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteU64(Index);
        writer.WriteCount(Entries.Count);
        foreach (var entry in Entries)
        {
            entry.Encode(writer);
        }
    }

    public static InboxSection Decode(ref CanonicalReader reader)
    {
        var index = reader.ReadU64("inbox index");
        var count = reader.ReadCount(Limits.InboxEntriesPerBlockMax, "inbox entries");
        var entries = new Transaction[count];
        long bytes = 0;
        for (var i = 0; i < count; i++)
        {
            entries[i] = Transaction.Decode(ref reader);
            bytes += entries[i].EncodedSize;
        }

        if (bytes > Limits.InboxBytesPerBlockMax || (ulong)count > index)
        {
            throw new EncodingException($"inbox section: {count} entries, {bytes} bytes, ending at index {index}");
        }

        return new InboxSection(index, entries);
    }

    public bool Equals(InboxSection? other) => other is not null && other.Index == Index && other.Entries.SequenceEqual(Entries);

    public override bool Equals(object? obj) => Equals(obj as InboxSection);

    public override int GetHashCode() => HashCode.Combine(Index, Entries.Count);

    public override string ToString() => $"Inbox(to {Index}, {Entries.Count} new)";
}

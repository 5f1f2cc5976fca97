using Fairway.Core.Chain;

namespace Fairway.Core.Inbox;

/// <summary>
/// Forced inclusion, the rules every validator applies, pure and shared by the node and the simulator.
/// <para>A block names a final L1 block (its <see cref="L1Reference"/>), checked by every voter against its own
/// watcher. The entries posted at or before that block are therefore a fact every honest validator can read, not an
/// opinion to vote on. A leader includes every such entry not yet included, until the block is full
/// (<see cref="InboxSection.IsFull"/>); the block's inbox index never goes down. A voter refuses a block whose entries are not its own view's,
/// or that is not full and leaves out the next entry once that entry's deadline has passed at the later of the block's L1
/// block and its own final one (the light client's rule at the block's L1 block): a censoring leader then gathers no votes, and the round times out to the next leader.</para>
/// </summary>
public static class InboxRules
{
    /// <summary>
    /// The inbox section an honest leader proposes on a parent at <paramref name="parentIndex"/> naming L1 block
    /// <paramref name="l1Number"/>: every entry the ledger holds that was posted by then, from the next one on, as many as
    /// fit a block. <paramref name="stopAt"/> (test and simulation adversaries only) makes it stop before an entry.
    /// </summary>
    public static InboxSection Propose(ulong parentIndex, InboxLedger ledger, ulong l1Number, Func<InboxItem, bool>? stopAt = null)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var horizon = Math.Min(l1Number, ledger.ReadThrough);
        var entries = new List<Transaction>();
        long bytes = 0;
        // Until the section is full (after which no entry is owed): any entry fits while it is not.
        for (var index = parentIndex + 1; !InboxSection.IsFullAt(entries.Count, bytes); index++)
        {
            if (ledger.Get(index) is not { } item || item.PostedBlock > horizon || stopAt?.Invoke(item) == true)
            {
                break;
            }

            var tx = item.AsTransaction();
            bytes += tx.EncodedSize;
            entries.Add(tx);
        }

        return new InboxSection(parentIndex + (ulong)entries.Count, entries);
    }

    /// <summary>
    /// Why a voter refuses <paramref name="block"/>'s inbox section, or null when it is sound. <paramref name="parentIndex"/>
    /// is the parent's inbox index, <paramref name="ownFinal"/> this voter's newest final L1 block.
    /// </summary>
    public static string? Refusal(Block block, ulong parentIndex, InboxLedger ledger, ulong ownFinal)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(ledger);
        if (block.Inbox is not { } inbox || block.L1 is not { } l1)
        {
            return "carries no inbox section on a chain with an L1 inbox";
        }

        if (inbox.Index < parentIndex || inbox.Index - parentIndex != (ulong)inbox.Entries.Count)
        {
            return $"inbox index {inbox.Index} with {inbox.Entries.Count} entries does not follow its parent's {parentIndex}";
        }

        for (var i = 0; i < inbox.Entries.Count; i++)
        {
            var index = inbox.IndexAt(i);
            if (ledger.Get(index) is not { } item || item.PostedBlock > ledger.ReadThrough)
            {
                return $"inbox entry {index} is not final here";
            }

            if (item.PostedBlock > l1.Number)
            {
                return $"inbox entry {index} was posted in L1 block {item.PostedBlock}, after the block's L1 reference {l1.Number}";
            }

            if (!item.AsTransaction().Equals(inbox.Entries[i]))
            {
                return $"inbox entry {index} is not the one posted";
            }
        }

        if (!inbox.IsFull && ledger.Get(inbox.Index + 1) is { } next && PastDeadline(next, Math.Max(l1.Number, Math.Min(ownFinal, ledger.ReadThrough))))
        {
            return $"leaves out inbox entry {next.Index}, past its deadline (L1 block {next.DeadlineBlock})";
        }

        return null;
    }

    /// <summary>An entry is past its deadline once the L1 has reached its deadline block: the light client's rule too.</summary>
    public static bool PastDeadline(InboxItem item, ulong l1Block)
    {
        ArgumentNullException.ThrowIfNull(item);
        return l1Block >= item.DeadlineBlock;
    }
}

using Fairway.Core.Inbox;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;

namespace Fairway.Settlement;

/// <summary>
/// Reads the inbox's posts from final L1 blocks into a validator's <see cref="InboxLedger"/>, a bounded span per call
/// (<see cref="L1Connection.EventBlocksPerQueryMax"/> blocks, and no more entries than the ledger has room for), so a
/// validator far behind catches up over several polls. It starts where the committed chain left off: at the L1 block of
/// the first entry not yet included, never at the L1's first block.
/// </summary>
public sealed class InboxFollower(InboxContract inbox, InboxLedger ledger, ulong confirmations = 0, Action<string>? warn = null)
{
    private bool _deadlineChecked;

    /// <summary>
    /// The shortest deadline this validator can keep: an entry is final after the confirmation depth, read at the next
    /// poll and named one block behind the newest final one; with less, honest leaders would be refused for entries
    /// they could not yet include.
    /// </summary>
    public static ulong ShortestDeadline(ulong confirmations) => confirmations + 3;

    public InboxContract Contract => inbox;

    public InboxLedger Ledger => ledger;

    /// <summary>Reads posts up to final block <paramref name="final"/>; throws <see cref="L1Exception"/> when the L1 fails or disagrees with what was read.</summary>
    public async Task ReadAsync(ulong final, CancellationToken cancel = default)
    {
        if (!_deadlineChecked)
        {
            var deadline = await inbox.DeadlineBlocksAsync().ConfigureAwait(false);
            _deadlineChecked = true;
            if (deadline < ShortestDeadline(confirmations))
            {
                warn?.Invoke(
                    $"the inbox's deadline of {deadline} L1 blocks is shorter than this validator can keep with {confirmations} confirmations "
                    + $"(at least {ShortestDeadline(confirmations)}): it will refuse honest proposals for entries not yet final here");
            }
        }

        var from = ledger.ReadThrough + 1;
        if (ledger.ReadThrough == 0)
        {
            var atFinal = new BlockParameter(new HexBigInteger(final));
            var latest = await inbox.LatestIndexAsync(atFinal).ConfigureAwait(false);
            if (latest <= ledger.IncludedIndex)
            {
                Add([], final);
                return;
            }

            from = (await inbox.EntryAsync(ledger.IncludedIndex + 1, atFinal).ConfigureAwait(false)).PostedBlock;
        }

        if (from > final)
        {
            return;
        }

        var to = Math.Min(final, from + L1Connection.EventBlocksPerQueryMax - 1);
        var posts = await inbox.PostsAsync(from, to, cancel).ConfigureAwait(false);
        var items = posts.Select(p => new InboxItem(p.Index, p.Namespace, p.Payload, p.PostedBlock, p.DeadlineBlock)).ToList();
        var room = ledger.Room;
        if (items.Count > room)
        {
            // Keep whole L1 blocks only: through the block before the first post that does not fit.
            var cut = items[room].PostedBlock;
            if (cut <= from)
            {
                return;
            }

            to = cut - 1;
            items = [.. items.Where(i => i.PostedBlock <= to)];
        }

        Add(items, to);
    }

    private void Add(IReadOnlyList<InboxItem> items, ulong through)
    {
        try
        {
            ledger.Add(items, through);
        }
        catch (InvalidDataException e)
        {
            ledger.Reset();
            throw new L1Exception($"inbox: {e.Message}; reading it again");
        }
    }
}

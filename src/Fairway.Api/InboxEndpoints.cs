using System.Globalization;
using Fairway.Core.Inbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Fairway.Api;

/// <summary>
/// Forced inclusion as a client follows it: <c>GET /v1/inbox</c> (how far the chain has included the L1 inbox) and
/// <c>GET /v1/inbox/{index}</c> (one entry's status by its inbox index: <c>final</c> once this validator read it from a
/// final L1 block, then <c>soft</c>, <c>firm</c> and <c>settled</c> as the transaction it is output as).
/// </summary>
public static class InboxEndpoints
{
    public static void Map(WebApplication app, IValidatorApi node)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/v1/inbox", () => node.Inbox is { } inbox
            ? Results.Json(new
            {
                contract = inbox.Contract,
                included_index = inbox.CommittedIndex,
                latest_index = inbox.LatestIndex,
                read_through_l1_block = inbox.ReadThroughBlock,
            })
            : NoInbox());
        app.MapGet("/v1/inbox/{index}", (string index) => GetEntry(node, index));
    }

    private static IResult NoInbox() => ApiError.NotFound("this chain has no L1 inbox (genesis names none), or this validator runs without an L1");

    private static IResult GetEntry(IValidatorApi node, string text)
    {
        if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index == 0)
        {
            return ApiError.BadRequest("bad_index", "an inbox index is a positive integer");
        }

        if (node.Inbox is not { } inbox)
        {
            return NoInbox();
        }

        if (FirmHeightOf(node, index) is { } height && node.Query.GetBlock(height) is { } committed && committed.Block.Inbox is { } section)
        {
            // Inbox entries come first in their namespace and a copy elsewhere in the block is not output again, so the
            // first place the transaction (as submitted, for an encrypted namespace) stands in the output is the entry's.
            var tx = section.Entries[(int)(index - section.FirstIndex)];
            var position = committed.Output.SubmittedTransactions().Select(t => t.Hash).ToList().IndexOf(tx.Hash);

            var level = node.Settlement is { } settlement && height <= settlement.SettledHeight ? "settled" : "firm";
            return Entry(index, level, tx.Namespace, tx.Hash, height, position, null);
        }

        if (index <= inbox.CommittedIndex)
        {
            var item = node.InboxEntry(index);
            return Entry(index, "soft", item?.Namespace, item?.AsTransaction().Hash, null, null, item);
        }

        if (node.InboxEntry(index) is { } pending)
        {
            return Entry(index, "final", pending.Namespace, pending.AsTransaction().Hash, null, null, pending);
        }

        return ApiError.Of(404, "inbox_entry_unknown",
            $"this validator has read no inbox entry {index} from a final L1 block (it has read up to entry {inbox.LatestIndex}, through L1 block {inbox.ReadThroughBlock})");
    }

    private static IResult Entry(ulong index, string status, ulong? ns, Core.Crypto.Hash? tx, ulong? height, int? position, InboxItem? item) =>
        Results.Json(new
        {
            index,
            status,
            @namespace = ns,
            transaction = tx?.ToHex(),
            height,
            position,
            posted_l1_block = item?.PostedBlock,
            deadline_l1_block = item?.DeadlineBlock,
        });

    /// <summary>
    /// The indexed height whose block includes inbox entry <paramref name="index"/>: blocks' inbox indices never go down,
    /// so a binary search over the firm heights reads about log2(height) blocks.
    /// </summary>
    private static ulong? FirmHeightOf(IValidatorApi node, ulong index)
    {
        ulong low = 1, high = node.Query.IndexedHeight;
        if (high == 0 || InboxIndexAt(node, high) < index)
        {
            return null;
        }

        while (low < high)
        {
            var mid = low + ((high - low) / 2);
            if (InboxIndexAt(node, mid) >= index)
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }

        return low;
    }

    private static ulong InboxIndexAt(IValidatorApi node, ulong height) => node.Query.GetBlock(height)?.Block.Inbox?.Index ?? 0;
}

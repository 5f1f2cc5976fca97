using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Inbox;

namespace Fairway.Node.Runtime;

/// <summary>
/// Forced inclusion (<see cref="InboxRules"/>): on a chain whose genesis names an inbox, this validator's L1 watcher
/// reads the inbox's final posts into <see cref="_inboxLedger"/>. Leading, it puts every entry posted by its block's L1
/// reference into the block; voting, it refuses a block whose entries are not the L1's or that leaves out an entry
/// past its deadline. A validator without an L1 section carries its parent's index when it leads and cannot check
/// entries when it votes, as with L1 references.
/// </summary>
public sealed partial class ValidatorNode
{
    private InboxLedger? _inboxLedger;

    private bool HasInbox => _identity.Genesis.Settlement?.Inbox is not null;

    /// <summary>The ledger this validator's watcher fills, primed with the committed chain's inbox index.</summary>
    private InboxLedger? CreateInboxLedger()
    {
        if (!HasInbox)
        {
            return null;
        }

        var ledger = new InboxLedger();
        if (_chain.CommittedHeight > 0 && _chain.GetCommitted(_chain.CommittedHeight)?.Block.Inbox is { } inbox)
        {
            ledger.Included(inbox.Index);
        }

        return ledger;
    }

    private ulong ParentInboxIndex(Hash parent) => _chain.TryGetBlock(parent, out var block) ? block.Inbox?.Index ?? 0 : 0;

    /// <summary>The inbox section of a proposal naming <paramref name="l1"/>, or null on a chain without an inbox or before an L1 reference.</summary>
    private InboxSection? InboxToPropose(L1Reference? l1)
    {
        if (!HasInbox || l1 is null)
        {
            return null;
        }

        var parentIndex = ParentInboxIndex(_proposalParent);
        if (_inboxLedger is not { } ledger || _settlement is null)
        {
            return new InboxSection(parentIndex, []);
        }

        var censored = _identity.Config.TestCensorNamespace;
        var delay = (ulong)_identity.Config.TestInboxDelayBlocks;
        var ownFinal = _settlement.Snapshot?.L1Block ?? 0;
        return InboxRules.Propose(parentIndex, ledger, l1.Number, item =>
            item.Namespace == censored || (delay > 0 && ownFinal < item.DeadlineBlock + delay));
    }

    /// <summary>
    /// Whether a proposal now would include inbox entries: work, as batches are. Entries read but posted after the L1
    /// block a proposal can name are not, or an idle leader would churn out empty blocks until that block is final.
    /// </summary>
    private bool InboxEntriesWaiting =>
        _inboxLedger is { } ledger && ledger.LatestIndex > ParentInboxIndex(_proposalParent) && InboxToPropose(L1ToPropose()) is { Entries.Count: > 0 };

    /// <summary>Why a proposal's inbox section is not voted for, or null when it is sound.</summary>
    private string? InboxRefusal(Block block)
    {
        if (!HasInbox)
        {
            return block.Inbox is null ? null : "carries an inbox section on a chain without an inbox";
        }

        if (block.L1 is null)
        {
            return block.Inbox is null ? null : "carries an inbox section without an L1 reference";
        }

        var parentIndex = ParentInboxIndex(block.ParentHash);
        if (_inboxLedger is not { } ledger || _settlement is null)
        {
            return block.Inbox is { } inbox && inbox.Index >= parentIndex ? null : "drops or lowers its parent's inbox index";
        }

        return InboxRules.Refusal(block, parentIndex, ledger, _settlement.Snapshot?.L1Block ?? 0);
    }

    private bool InboxSound(Block block)
    {
        var refusal = InboxRefusal(block);
        return VoteAllowed(block, refusal, () => Metrics.OnInboxRefused(block.Author));
    }

    /// <summary>The committed chain now includes the inbox up to this block's index.</summary>
    private void OnInboxCommitted(Block block)
    {
        if (_inboxLedger is { } ledger && block.Inbox is { } inbox)
        {
            ledger.Included(inbox.Index);
            Metrics.SetInbox(inbox.Index, ledger.LatestIndex);
        }
    }

    public Api.InboxState? Inbox =>
        _identity.Genesis.Settlement?.Inbox is { } contract && _inboxLedger is { } ledger && _settlement is not null
            ? new Api.InboxState(contract, ledger.IncludedIndex, ledger.LatestIndex, ledger.ReadThrough)
            : null;

    public InboxItem? InboxEntry(ulong index) => _inboxLedger?.Get(index);
}

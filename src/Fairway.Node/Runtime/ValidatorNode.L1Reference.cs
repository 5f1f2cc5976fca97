using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Microsoft.Extensions.Logging;

namespace Fairway.Node.Runtime;

/// <summary>
/// Blocks name an L1 block (<see cref="L1Reference"/>): the leader takes a final block of its own watcher, a little
/// behind its newest; a voter checks it never goes back from the parent's and, when it is new, that its own watcher
/// holds that block as final with that hash, and otherwise does not vote. So the committed chain agrees on how far the
/// L1 has got, which is what epochs are to be counted from. A validator without an L1 section carries its parent's
/// reference forward when it leads and cannot check new ones when it votes.
/// </summary>
public sealed partial class ValidatorNode
{
    /// <summary>How far behind its own final L1 block a leader names one: voters poll at other moments.</summary>
    private const ulong L1ReferenceSlackBlocks = 1;

    private Hash _proposalParent;

    private L1Reference? ParentL1(Hash parent) => _chain.TryGetBlock(parent, out var block) ? block.L1 : null;

    /// <summary>The reference for a proposal on <see cref="_proposalParent"/>: the parent's, or a newer final block of this validator's watcher.</summary>
    private L1Reference? L1ToPropose()
    {
        var parent = ParentL1(_proposalParent);
        if (_settlement?.ProposableL1(L1ReferenceSlackBlocks) is not { } own || own.Hash is not { Length: 66 } hex)
        {
            return parent;
        }

        var mine = _identity.Config.TestFalseL1Reference
            ? new L1Reference(own.Number + 1_000, Hash.Compute(System.Text.Encoding.UTF8.GetBytes($"no such L1 block {own.Number}")))
            : new L1Reference(own.Number, Hash.ParseHex(hex[2..]));
        return parent is null || mine.Number > parent.Number ? mine : parent;
    }

    /// <summary>Why a proposal's L1 reference is not voted for, or null when it is sound.</summary>
    private string? L1ReferenceRefusal(Block block) =>
        L1Reference.Refusal(block.L1, ParentL1(block.ParentHash), l1 => _settlement is null || _settlement.IsFinalL1(l1.Number, "0x" + l1.BlockHash.ToHex()));

    private bool L1ReferenceSound(Block block) => VoteAllowed(block, L1ReferenceRefusal(block), Metrics.OnL1ReferenceRefused);

    /// <summary>True without a <paramref name="refusal"/>; otherwise counts it, logs why and refuses the vote.</summary>
    private bool VoteAllowed(Block block, string? refusal, Action count)
    {
        if (refusal is null)
        {
            return true;
        }

        count();
        LogVoteRefused(_log, block.Round, refusal);
        return false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "no vote for the proposal of round {Round}: {Reason}")]
    private static partial void LogVoteRefused(ILogger logger, ulong round, string reason);
}

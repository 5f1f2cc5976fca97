using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Output;

namespace Fairway.Storage;

/// <summary>
/// The checks both chain stores make before appending a committed block, in one place so the SQLite store and its
/// in-memory twin cannot drift apart. They run before anything is written, so a refusal changes nothing.
/// </summary>
internal static class CommitRules
{
    /// <summary>The parent of height 1: the chain's genesis block.</summary>
    public static Hash GenesisParent(CommittedBlock committed) => Block.Genesis(committed.Block.ChainId).Hash;

    /// <summary>
    /// Checks a group of consecutive commits as one: each must extend the one before it, the first the current tip.
    /// Returns the height and tip the store will have once the whole group is written.
    /// </summary>
    public static (ulong Height, Hash? Tip) CheckGroup(IReadOnlyList<CommittedBlock> group, ulong committedHeight, Hash? tipHash)
    {
        ArgumentNullException.ThrowIfNull(group);
        foreach (var committed in group)
        {
            Check(committed, committedHeight, tipHash);
            committedHeight = committed.Height;
            tipHash = committed.Block.Hash;
        }

        return (committedHeight, tipHash);
    }

    /// <param name="tipHash">Hash of the block at <paramref name="committedHeight"/>, or null when only genesis is committed.</param>
    public static void Check(CommittedBlock committed, ulong committedHeight, Hash? tipHash)
    {
        ArgumentNullException.ThrowIfNull(committed);
        var block = committed.Block;
        if (block.Height != committedHeight + 1)
        {
            throw new InvalidOperationException(
                $"cannot commit {block} at height {block.Height}: the committed height is {committedHeight}, so the next must be {committedHeight + 1}");
        }

        var expectedParent = tipHash ?? GenesisParent(committed);
        if (block.ParentHash != expectedParent)
        {
            throw new InvalidOperationException(
                $"cannot commit {block}: its parent is {block.ParentHash.ToHex()[..8]}, the committed tip is {expectedParent.ToHex()[..8]}");
        }

        // The certificate must be the one for this block; a wrong one would be served to clients as proof.
        if (committed.Certificate.BlockHash != block.Hash)
        {
            throw new ArgumentException(
                $"certificate {committed.Certificate} does not certify {block}", nameof(committed));
        }

        var header = committed.Output.Header;
        if (header.BlockHash != block.Hash || header.Height != block.Height)
        {
            throw new ArgumentException($"the output {header} is not the output of {block}", nameof(committed));
        }
    }

    /// <summary>
    /// A certificate is kept for the next uncertified height only, and only for the output header stored there: the
    /// store's certified heights stay a prefix of its committed ones.
    /// </summary>
    public static void CheckCertificate(OutputCertificate certificate, ulong certifiedHeight, ulong committedHeight, OutputHeader? stored)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (certificate.Height != certifiedHeight + 1 || certificate.Height > committedHeight)
        {
            throw new InvalidOperationException(
                $"cannot certify height {certificate.Height}: certified up to {certifiedHeight}, committed up to {committedHeight}");
        }

        if (stored is null || stored.Hash != certificate.HeaderHash)
        {
            throw new ArgumentException($"the certificate for height {certificate.Height} is not for the stored output header", nameof(certificate));
        }
    }

    /// <summary>
    /// Refuses a group unless every batch its blocks order is already stored: a committed block keeps no transactions
    /// of its own, so without its batches it could not be read back.
    /// </summary>
    public static void CheckBatchesStored(IReadOnlyList<CommittedBlock> group, Func<Hash, bool> isStored)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (MissingBatches.Find(group.Select(c => (c, (IReadOnlyList<Batch>)[])), isStored) is [var first, ..])
        {
            throw new InvalidOperationException(
                $"cannot commit {group.First(c => c.Height == first.Height).Block}: its batch {first.Digest.ToHex()[..8]} is not stored; put the batches before the commit");
        }
    }
}

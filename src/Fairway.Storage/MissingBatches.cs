using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Storage;

/// <summary>A batch a commit names that the store does not hold, with the copy handed along with the commit (null if none was).</summary>
public readonly record struct MissingBatch(ulong Height, Hash Digest, Batch? Handed);

/// <summary>
/// The last look a writer takes before appending commits: which of the batches they name the store does not hold, asked
/// of the store itself by the rule its commit check applies. A writer that trusts its own memory of what it put, or
/// another connection's view, can pass a group the store then refuses (the fault campaign stopped validators on exactly
/// that); one that asks the store, and puts what is missing from the copies handed with each commit, cannot.
/// </summary>
public static class MissingBatches
{
    public static List<MissingBatch> Find(IEnumerable<(CommittedBlock Committed, IReadOnlyList<Batch> Handed)> commits, Func<Hash, bool> isStored)
    {
        ArgumentNullException.ThrowIfNull(commits);
        ArgumentNullException.ThrowIfNull(isStored);
        var missing = new List<MissingBatch>();
        var reported = new HashSet<Hash>();
        foreach (var (committed, handed) in commits)
        {
            foreach (var digest in committed.Block.AllBatchDigests)
            {
                if (reported.Contains(digest) || isStored(digest))
                {
                    continue;
                }

                reported.Add(digest);
                missing.Add(new MissingBatch(committed.Height, digest, handed.FirstOrDefault(b => b.Digest == digest)));
            }
        }

        return missing;
    }
}

using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Inbox;
using Fairway.Core.Output;
using Fairway.Ordering;
using Fairway.Ordering.Encrypted;
using Fairway.Ordering.Fair;
using Fairway.Ordering.Output;

namespace Fairway.Simulation;

/// <summary>
/// What a node holds in memory besides the consensus core, lost with the process: the pool leaders propose batches
/// from, the output certifier with the votes it collected, its own votes still waiting for a certificate, and the
/// decryption of committed ciphertexts (a restarted host opens the height it was decrypting again and asks for shares).
/// </summary>
internal sealed class NodeState(BatchPool pool, OutputCertifier certifier, OrderingStage ordering, FairLane? fair, DecryptionStage? decryption = null)
{
    /// <summary>Own votes re-sent per interval, lowest heights first: enough to catch up a window quickly, bounded per send.</summary>
    public const int VotesResentMax = 64;

    public BatchPool Pool { get; } = pool;

    public OutputCertifier Certifier { get; } = certifier;

    /// <summary>This host's ordering stage: its window of recent fair inclusions is rebuilt from its chain store on restart.</summary>
    public OrderingStage Ordering { get; } = ordering;

    /// <summary>The inclusion stage's state on a chain with fair namespaces; null otherwise.</summary>
    public FairLane? Fair { get; } = fair;

    /// <summary>A proposal waiting for its round's lists (or a batch they need): the round, the batches taken for it and its parent.</summary>
    public (ulong Round, List<Hash> Digests, ulong ParentTimestampMs, Hash Parent)? PendingPayload { get; set; }

    /// <summary>The L1 watcher's view of the inbox on a run with a simulated L1; null otherwise. Memory: refilled on restart.</summary>
    public InboxLedger? Inbox { get; init; }

    /// <summary>This host's vote for each height it ordered and has not certified; pruned with the certifier's window.</summary>
    public SortedDictionary<ulong, OutputVote> UncertifiedVotes { get; } = [];

    /// <summary>Certificates of heights above the stored certified height, waiting to be stored in height order.</summary>
    public SortedDictionary<ulong, OutputCertificate> CertifiedEarly { get; } = [];

    /// <summary>The decryption of committed ciphertexts on a chain with an encrypted lane; null otherwise.</summary>
    public DecryptionStage? Decryption { get; } = decryption;

    /// <summary>Test-only (<see cref="AuctionFaultForTesting.BidsHeldAnEpochAtFPlusOne"/>): the bids this host's auction has not been handed yet.</summary>
    public HeldBids HeldBidsForTesting { get; } = new();

    /// <summary>The committed height ordered and waiting for decryption; later heights wait behind it.</summary>
    public SealedHeight? Waiting { get; set; }

    /// <summary>This host's share message per height, to answer peers that ask again; as many heights as the stage keeps.</summary>
    public SortedDictionary<ulong, ShareMessage> OwnShares { get; } = [];

    public void KeepOwnShares(ShareMessage message)
    {
        OwnShares.TryAdd(message.Height, message);
        while (OwnShares.Count > DecryptionStage.HeightsKept)
        {
            OwnShares.Remove(OwnShares.Keys.First());
        }
    }

    private ulong _round;

    /// <summary>
    /// Offers stale proposals' batches again. A node does this every tick; what it releases depends only on the round,
    /// so once per round does the same at a fraction of the simulator's cost.
    /// </summary>
    public void OnRound(ulong round, ulong staleRounds)
    {
        if (round != _round)
        {
            _round = round;
            Pool.ReleaseStale(round, staleRounds);
        }
    }

    public void ForgetVotesBelowWindow()
    {
        while (UncertifiedVotes.Count > 0)
        {
            var lowest = UncertifiedVotes.Keys.First();
            if (lowest + OutputCertifier.HeightsBehindMax >= Certifier.LocalHeight)
            {
                return;
            }

            UncertifiedVotes.Remove(lowest);
        }
    }
}

/// <summary>Revealed bids held back from a host's auction, and the epoch of the last height it was handed.</summary>
internal sealed class HeldBids
{
    public ulong Epoch { get; set; } = ulong.MaxValue;

    public List<(Transaction Transaction, OutputSource Source)> Bids { get; } = [];
}

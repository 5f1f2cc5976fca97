using Fairway.Consensus.Engine;
using Fairway.Consensus.Messages;
using Fairway.Core.Chain;

namespace Fairway.Simulation;

internal sealed partial class SimulationRun
{
    /// <summary>
    /// One simulated host's side of the consensus core's outputs, called by the same <see cref="ConsensusDriver"/> the
    /// node runs: the fake disk, the faulty network, the host's batch pool and the run's invariant checks.
    /// </summary>
    private sealed class ConsensusHost(SimulationRun run, SimulatedHost host) : IConsensusHost
    {
        public void PersistSafety(SafetyState state)
        {
            // Blocks before the vote on them, as the node flushes its chain store before it writes its safety state.
            host.Chain.Flush();
            host.Safety.Save(state);
        }

        public void PersistBlock(Block block)
        {
            host.Chain.PutBlock(block);
            host.Node!.Pool.MarkProposed(block.BatchDigests, block.Round);
            host.Node.Fair?.OnBlock(block);
        }

        public void Commit(CommitBlock commit)
        {
            run.OnInboxCommit(host, commit.Block);
            if (!run.RecordCommit(host, commit))
            {
                // Committed again after a restart from an older tip: only ordering may still be owed.
                run.OrderCommitted(host);
                return;
            }

            host.Node!.Pool.MarkCommitted(commit.Block.BatchDigests, commit.Block.Height);
            run._checker.OnCommit(host, commit.Block, commit.Certificate, host.Core!.Certificates);
            run.CheckEpochChange(host, commit.Block);
            if (host.Honest)
            {
                run.OnHonestCommit(commit.Block);
            }

            run.CheckCommittedPayload(host, commit.Block);
            run.ObserveCommit(host, commit.Block);
            run.OrderCommitted(host);
        }

        public void Broadcast(ConsensusMessage message)
        {
            run._checker.OnSent(host, message);
            run.BroadcastFrom(host, message);
            run.BroadcastListOnTimeout(host, message);
        }

        public void Send(int to, ConsensusMessage message)
        {
            run._checker.OnSent(host, message);
            run.SendToValidator(host, to, message);
            run.SendListWithVote(host, to, message);
        }

        // A real host would fetch missing batches from peers; a withheld batch is held by no one, ever.
        public ConsensusInput? CheckAvailability(CheckAvailability check) =>
            check.BatchDigests.All(run._published.ContainsKey) && run.FairProposalSound(host, check) && run.EpochChangeSound(host, check.Block) && run.InboxSound(host, check.Block)
                ? new PayloadAvailable(check.BlockHash)
                : null;

        public ConsensusInput? RequestPayload(RequestPayload request) =>
            host.Node!.Fair is not null
                ? run.RequestFairPayload(host, request)
                : run.ProposalPayload(host, request);

        public void RequestBlocks(RequestBlocks request)
        {
            var peers = run._hostsByValidator[request.Peer];
            run.SendToHost(host, peers[run._networkRandom.Next(peers.Count)], new BlockRequestMessage(request.Tip, request.Count));
        }

        public void EpochEnded(EpochEnded ended) => host.PendingEpochEnd = ended;

        public void Evidence(Evidence evidence)
        {
            if (host.Honest)
            {
                run._checker.OnEvidence(evidence);
            }
        }
    }
}

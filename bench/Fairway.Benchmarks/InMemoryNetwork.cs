using Fairway.Consensus.Engine;
using Fairway.Consensus.Messages;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Benchmarks;

/// <summary>
/// A minimal lossless driver: every validator runs a <see cref="ConsensusCore"/>, messages are delivered in FIFO order
/// with no delay and no ticks (so no timeouts), and payloads are produced on request. It records the first proposal
/// seen for each round, so the benchmarks can replay a real certified chain into a fresh core.
/// </summary>
internal sealed class InMemoryNetwork
{
    private readonly ConsensusCore[] _cores;
    private readonly Queue<(int To, int From, ConsensusMessage Message)> _inbox = new();
    private readonly Dictionary<ulong, ProposalMessage> _proposals = [];

    public InMemoryNetwork(ConsensusConfig config, CertificateVerifier certificates, IReadOnlyList<ISigner> signers)
    {
        _cores = [.. signers.Select((s, i) => new ConsensusCore(config, certificates, i, s, new Random(100 + i)))];
    }

    public IReadOnlyDictionary<ulong, ProposalMessage> Proposals => _proposals;

    /// <summary>Runs until proposals for rounds 1..<paramref name="rounds"/> have been seen, and returns them in order.</summary>
    public ProposalMessage[] RunUntilRound(int rounds)
    {
        for (var i = 0; i < _cores.Length; i++)
        {
            Carry(i, _cores[i].Start());
        }

        while (_proposals.Count < rounds && _inbox.TryDequeue(out var delivery))
        {
            Carry(delivery.To, _cores[delivery.To].Step(new MessageReceived(delivery.From, delivery.Message)));
        }

        var chain = new ProposalMessage[rounds];
        for (var r = 1; r <= rounds; r++)
        {
            if (!_proposals.TryGetValue((ulong)r, out var proposal))
            {
                throw new InvalidOperationException($"the network stalled before round {r}");
            }

            if (proposal.Block.Justify.Round + 1 != proposal.Block.Round || proposal.Block.Timeout is not null)
            {
                throw new InvalidOperationException($"round {r} was not a happy-path round");
            }

            chain[r - 1] = proposal;
        }

        return chain;
    }

    private void Carry(int self, IReadOnlyList<ConsensusOutput> outputs)
    {
        foreach (var output in outputs)
        {
            switch (output)
            {
                case Broadcast b:
                    Record(b.Message);
                    for (var to = 0; to < _cores.Length; to++)
                    {
                        if (to != self)
                        {
                            _inbox.Enqueue((to, self, b.Message));
                        }
                    }

                    break;
                case SendTo s:
                    Record(s.Message);
                    _inbox.Enqueue((s.To, self, s.Message));
                    break;
                case RequestPayload r:
                    Hash[] digests = [Hash.Compute(BitConverter.GetBytes(r.Round))];
                    Carry(self, _cores[self].Step(new PayloadReady(r.Round, digests, r.Round * 100)));
                    break;
                case CheckAvailability c:
                    // Every digest here stands for a batch all validators hold.
                    Carry(self, _cores[self].Step(new PayloadAvailable(c.BlockHash)));
                    break;
                default:
                    // Persisting and committing have nothing to do here: nothing restarts and nobody reads the chain.
                    break;
            }
        }
    }

    private void Record(ConsensusMessage message)
    {
        if (message is ProposalMessage p)
        {
            _proposals.TryAdd(p.Block.Round, p);
        }
    }
}

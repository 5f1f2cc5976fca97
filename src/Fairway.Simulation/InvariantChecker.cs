using Fairway.Consensus.Engine;
using Fairway.Consensus.Messages;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Simulation;

/// <summary>
/// Watches a run from outside the nodes and records every broken invariant: agreement between honest nodes, no honest
/// double signature across crashes, a valid QC chain under every committed block, and no evidence against an honest node.
/// </summary>
internal sealed class InvariantChecker(CertificateVerifier certificates, Block genesis, ISet<int> honestValidators)
{
    private readonly Dictionary<(int Validator, ulong Round, MessageKind Kind), Hash> _signed = [];
    private readonly HashSet<(ulong Round, ushort Validator, EvidenceKind Kind)> _evidence = [];

    public List<string> Violations { get; } = [];

    public List<string> DoubleSigns { get; } = [];

    public int EvidenceDetected => _evidence.Count;

    public void OnSent(SimulatedHost host, ConsensusMessage message)
    {
        if (!host.Honest)
        {
            return;
        }

        (ulong round, Hash content)? statement = message switch
        {
            ProposalMessage p when p.Block.Author == host.Validator => (p.Block.Round, p.Block.Hash),
            VoteMessage v when v.Voter == host.Validator => (v.Round, v.BlockHash),
            _ => null,
        };
        if (statement is not { } s)
        {
            return;
        }

        var key = (host.Validator, s.round, message.Kind);
        if (_signed.TryGetValue(key, out var earlier))
        {
            if (earlier != s.content)
            {
                DoubleSigns.Add($"validator {host.Validator} signed two different {message.Kind}s in round {s.round}");
            }
        }
        else
        {
            _signed[key] = s.content;
        }
    }

    /// <param name="epochCertificates">The verifier of the epoch the block was committed in.</param>
    public void OnCommit(SimulatedHost host, Block block, QuorumCertificate certificate, CertificateVerifier epochCertificates)
    {
        if (!host.Honest)
        {
            return;
        }

        var committed = host.Commits;
        var previous = committed.Count >= 2 ? committed[^2].Block : genesis;
        if (block.ParentHash != previous.Hash || block.Height != previous.Height + 1)
        {
            Violations.Add($"host {host.Id} committed block at height {block.Height} that does not extend its previous commit");
        }

        if (certificate.BlockHash != block.Hash || certificate.Round != block.Round || !epochCertificates.Verify(certificate, out _))
        {
            Violations.Add($"host {host.Id} committed block at height {block.Height} without a valid QC");
        }
    }

    public void OnEvidence(Evidence evidence)
    {
        if (!evidence.Verify(certificates.ChainId, certificates.Validators, certificates.Signatures))
        {
            Violations.Add($"an honest node reported evidence that does not verify (validator {evidence.Validator}, round {evidence.Round})");
            return;
        }

        if (honestValidators.Contains(evidence.Validator))
        {
            Violations.Add($"valid evidence of equivocation against honest validator {evidence.Validator} in round {evidence.Round}");
        }

        _evidence.Add((evidence.Round, evidence.Validator, evidence.Kind));
    }

    /// <summary>Every honest node's committed chain must be a prefix of the longest one.</summary>
    public void CheckAgreement(IEnumerable<SimulatedHost> hosts)
    {
        var chains = hosts.Where(h => h.Honest).Select(h => (h.Id, Chain: h.Commits)).ToList();
        var longest = chains.OrderByDescending(c => c.Chain.Count).FirstOrDefault();
        foreach (var (id, chain) in chains)
        {
            for (var i = 0; i < chain.Count; i++)
            {
                if (chain[i].Block.Hash != longest.Chain[i].Block.Hash)
                {
                    Violations.Add($"agreement broken: host {id} and host {longest.Id} committed different blocks at height {i + 1}");
                    break;
                }
            }
        }
    }
}

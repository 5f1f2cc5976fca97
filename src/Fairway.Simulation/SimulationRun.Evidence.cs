using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Inclusion;
using Fairway.Ordering.Fair;

namespace Fairway.Simulation;

/// <summary>
/// Censorship evidence, measured. Every receipt a host gives a client is reported to every honest host's
/// <see cref="CensorshipWatch"/> (the worst case for false accusations: users reporting everything), and each honest host
/// checks every block it commits against them, as a node does. Evidence against a faulty validator is a detection;
/// against an honest one it is a false accusation, which must never happen, whatever the faults. Under
/// <c>--byzantine censor</c> clients also send the victim namespace's transactions to the censors, which receipt and
/// drop them (as a censoring node would), so the evidence has something to find.
/// </summary>
internal sealed partial class SimulationRun
{
    private readonly Dictionary<int, CensorshipWatch> _watches = [];
    private readonly HashSet<Hash> _censorshipEvidence = [];
    private readonly HashSet<Hash> _falseCensorshipEvidence = [];

    private ulong CensorshipGraceMs =>
        _options.CensorshipGraceMsForTesting ?? (ulong)_options.FairDelayMs + (ulong)(_options.Consensus.TimeoutBaseTicks * _options.TickMs);

    /// <summary><paramref name="host"/> took <paramref name="tx"/> from a client and signed a receipt, which the client reports to every honest host.</summary>
    private void OnClientReceipt(SimulatedHost host, Transaction tx)
    {
        if (!_registry.HasFair)
        {
            return;
        }

        var at = (ulong)NowMs(host);
        var receipt = new SignedReceipt(
            tx.Hash, (ushort)host.Validator, at, host.Signer.Sign(SigningDomain.ReceiptMessage(_chainId, tx.Hash, (ushort)host.Validator, at)));
        foreach (var honest in _hosts.Where(h => h.Honest))
        {
            if (!_watches.TryGetValue(honest.Id, out var watch))
            {
                _watches[honest.Id] = watch = new CensorshipWatch(_chainId, _validators, _verifier, CensorshipGraceMs);
            }

            watch.Watch(receipt);
        }
    }

    /// <summary>Under the censor adversary, the censors also get the victim's transactions from clients: a receipt, then nothing.</summary>
    private void SendVictimsToCensors(IEnumerable<Transaction> transactions)
    {
        if (_options.Byzantine != ByzantineKind.Censor)
        {
            return;
        }

        foreach (var censor in _hosts.Where(h => h.Behaviour == ByzantineKind.Censor && h.Alive))
        {
            foreach (var tx in transactions.Where(t => t.Namespace == VictimNamespace))
            {
                OnClientReceipt(censor, tx);
            }
        }
    }

    /// <summary>An honest host is about to output <paramref name="block"/>: its lists against the receipts reported to it.</summary>
    private void WatchForCensorship(SimulatedHost host, Block block)
    {
        if (!host.Honest || block.CandidateLists.Count == 0 || !_watches.TryGetValue(host.Id, out var watch))
        {
            return;
        }

        foreach (var evidence in watch.OnBlock(block.CandidateLists, host.Node!.Ordering.WasIncluded, (ulong)NowMs(host)))
        {
            var accusedHonest = _hostsByValidator[evidence.Validator].All(h => h.Honest);
            (accusedHonest ? _falseCensorshipEvidence : _censorshipEvidence).Add(evidence.Id);
        }
    }
}

using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Output;
using Fairway.Ordering.Output;

namespace Fairway.Simulation;

/// <summary>
/// The output invariants, watched from outside the hosts: an honest host's output holds only submitted transactions,
/// each once in its whole chain (not twice in one block, nor again at a later height); what it certifies is what it computed, under a certificate that verifies; honest hosts never certify
/// different headers for one height; output evidence never names an honest validator.
/// </summary>
/// <param name="certificatesAt">The output certificate verifier of the epoch a height belongs to.</param>
internal sealed class OutputChecker(Func<ulong, OutputCertificateVerifier> certificatesAt, ISet<int> honestValidators)
{
    private readonly HashSet<Hash> _submitted = [];
    private readonly Dictionary<ulong, (Hash Header, int Host)> _certified = [];
    private readonly HashSet<ulong> _mismatchedHeights = [];
    private readonly HashSet<(ulong Height, int Validator)> _evidence = [];
    private readonly Dictionary<int, List<BlockOutput>> _outputs = [];

    /// <summary>Per honest host, the height each transaction was output at: as large as the run's workload, which is bounded.</summary>
    private readonly Dictionary<int, Dictionary<Hash, ulong>> _outputAt = [];

    /// <summary>Each submitted bundle's legs, and each leg's bundle and place in it.</summary>
    private readonly Dictionary<Hash, Bundle> _bundles = [];
    private readonly Dictionary<Hash, (Hash Bundle, int Leg)> _legOf = [];
    private readonly HashSet<Hash> _bundlesOutput = [];

    /// <summary>Entries users posted to the simulated L1 inbox, as output: allowed in outputs, not counted as submitted.</summary>
    private readonly HashSet<Hash> _inboxEntries = [];

    public List<string> Violations { get; } = [];

    /// <summary>A transaction the ordering stage wrote itself (an auction's records): in outputs, submitted by nobody.</summary>
    public Func<Transaction, bool> IsChainRecord { get; init; } = _ => false;

    public int TransactionsSubmitted => _submitted.Count;

    /// <summary>Heights at which two honest hosts certified different output headers.</summary>
    public int OutputsMismatched => _mismatchedHeights.Count;

    /// <summary>Distinct (height, validator) pairs honest hosts caught signing an output header other than theirs.</summary>
    public int OutputEvidence => _evidence.Count;

    public bool WasSubmitted(Hash transaction) => _submitted.Contains(transaction);

    public int BundlesSubmitted => _bundles.Count;

    /// <summary>An entry posted to the simulated L1 inbox is output as this transaction.</summary>
    public void OnInboxPosted(Transaction entry) => _inboxEntries.Add(entry.Hash);

    public bool IsInboxEntry(Hash transaction) => _inboxEntries.Contains(transaction);

    /// <summary>Bundles some honest host output (whole, or a violation says otherwise).</summary>
    public int BundlesOutput => _bundlesOutput.Count;

    /// <summary>The bundle a leg belongs to, if it is one: the unit fair ordering ranked.</summary>
    public Hash? BundleOf(Hash transaction) => _legOf.TryGetValue(transaction, out var place) ? place.Bundle : null;

    /// <summary>What a submitted transaction stands for in outputs: a bundle's legs, or itself.</summary>
    public static IEnumerable<Transaction> AsOutput(Transaction transaction) =>
        Bundle.TryOpen(transaction) is { } bundle ? bundle.Legs : [transaction];

    /// <summary>Clients handed these to an honest host (which batched and published them); a bundle counts as its legs.</summary>
    public void OnSubmitted(IEnumerable<Transaction> transactions)
    {
        foreach (var tx in transactions)
        {
            if (Bundle.TryOpen(tx) is { } bundle)
            {
                _bundles.TryAdd(bundle.Hash, bundle);
                for (var k = 0; k < bundle.Legs.Count; k++)
                {
                    _legOf.TryAdd(bundle.Legs[k].Hash, (bundle.Hash, k));
                    _submitted.Add(bundle.Legs[k].Hash);
                }

                continue;
            }

            _submitted.Add(tx.Hash);
        }
    }

    /// <summary>
    /// The bundle invariant: every bundle with a leg in this output has all of them here, and in each namespace its legs
    /// sit next to each other in the bundle's order. A bundle split across heights fails at each of them.
    /// </summary>
    private void CheckBundles(SimulatedHost host, BlockOutput output)
    {
        if (_bundles.Count == 0)
        {
            return;
        }

        var placed = new Dictionary<Hash, SortedList<int, int>>();
        for (var i = 0; i < output.Transactions.Count; i++)
        {
            if (_legOf.TryGetValue(output.Transactions[i].Hash, out var place))
            {
                if (!placed.TryGetValue(place.Bundle, out var legs))
                {
                    placed[place.Bundle] = legs = [];
                }

                legs.TryAdd(place.Leg, i);
            }
        }

        foreach (var (hash, positions) in placed)
        {
            var bundle = _bundles[hash];
            if (positions.Count != bundle.Legs.Count)
            {
                Violations.Add($"split bundle: host {host.Id}'s output at height {output.Height} holds {positions.Count} of the {bundle.Legs.Count} legs of bundle {hash.ToHex()[..16]}");
                continue;
            }

            foreach (var group in Enumerable.Range(0, bundle.Legs.Count).GroupBy(k => bundle.Legs[k].Namespace))
            {
                var at = group.Select(k => positions[k]).ToList();
                if (at.Zip(at.Skip(1)).Any(p => p.Second != p.First + 1))
                {
                    Violations.Add($"split bundle: host {host.Id}'s output at height {output.Height} places bundle {hash.ToHex()[..16]}'s legs in namespace {group.Key} at {string.Join(",", at)}, not contiguous in order");
                }
            }

            _bundlesOutput.Add(hash);
        }
    }

    /// <summary>The output <paramref name="host"/> computed for <paramref name="height"/>, as it computed it; null if none yet.</summary>
    public BlockOutput? OutputOf(SimulatedHost host, ulong height) =>
        _outputs.TryGetValue(host.Id, out var outputs) && height >= 1 && height <= (ulong)outputs.Count ? outputs[(int)height - 1] : null;

    public void OnOutput(SimulatedHost host, BlockOutput output)
    {
        if (!_outputs.TryGetValue(host.Id, out var outputs))
        {
            _outputs[host.Id] = outputs = [];
        }

        // A host orders each height once: its chain store keeps commits across restarts.
        if (output.Height == (ulong)outputs.Count + 1)
        {
            outputs.Add(output);
        }

        if (!host.Honest)
        {
            return;
        }

        CheckBundles(host, output);

        // Across heights too: the fault campaign found a lagging leader re-proposing batches already committed, and the
        // chain outputting their transactions a second time, hundreds of heights later.
        if (!_outputAt.TryGetValue(host.Id, out var outputAt))
        {
            _outputAt[host.Id] = outputAt = [];
        }

        // As submitted: where the output reveals a plaintext, the ciphertext a client sent stands in its place. Each kind
        // of violation is reported once per output.
        var seen = new HashSet<Hash>();
        bool invented = false, twiceHere = false, twiceAcross = false;
        foreach (var tx in output.SubmittedTransactions())
        {
            if (!invented && !_submitted.Contains(tx.Hash) && !_inboxEntries.Contains(tx.Hash) && !IsChainRecord(tx))
            {
                invented = true;
                Violations.Add($"invented transaction: host {host.Id}'s output at height {output.Height} holds {tx.Hash.ToHex()[..16]}, which no client submitted or posted to the inbox");
            }

            if (!twiceHere && !seen.Add(tx.Hash))
            {
                twiceHere = true;
                Violations.Add($"duplicate transaction: host {host.Id}'s output at height {output.Height} holds {tx.Hash.ToHex()[..16]} twice");
            }

            if (!twiceAcross && !outputAt.TryAdd(tx.Hash, output.Height) && outputAt[tx.Hash] != output.Height)
            {
                twiceAcross = true;
                Violations.Add($"duplicate transaction: host {host.Id} output {tx.Hash.ToHex()[..16]} at height {outputAt[tx.Hash]} and again at height {output.Height}");
            }
        }
    }

    public void OnCertified(SimulatedHost host, OutputHeader header, OutputCertificate certificate)
    {
        if (!host.Honest)
        {
            return;
        }

        var height = header.Height;
        if (OutputOf(host, height) is not { } computed || computed.Header.Hash != header.Hash)
        {
            Violations.Add($"host {host.Id} certified an output header at height {height} that it did not compute");
        }

        if (!certificatesAt(header.Height).Verify(header, certificate, out var reason))
        {
            Violations.Add($"host {host.Id} certified height {height} with a certificate that does not verify: {reason}");
        }

        if (!_certified.TryGetValue(height, out var first))
        {
            _certified[height] = (header.Hash, host.Id);
        }
        else if (first.Header != header.Hash && _mismatchedHeights.Add(height))
        {
            Violations.Add($"outputs mismatched: hosts {first.Host} and {host.Id} certified different output headers at height {height}");
        }
    }

    public void OnMismatch(SimulatedHost host, OutputMismatch mismatch)
    {
        if (!host.Honest)
        {
            return;
        }

        if (honestValidators.Contains(mismatch.Validator))
        {
            Violations.Add($"output evidence against honest validator {mismatch.Validator} at height {mismatch.Height} (reported by host {host.Id})");
        }

        _evidence.Add((mismatch.Height, mismatch.Validator));
    }
}

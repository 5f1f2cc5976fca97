using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Output;
using Fairway.Ordering.Output;

namespace Fairway.Simulation;

/// <summary>
/// The output invariants, watched from outside the hosts: an honest host's output holds only submitted transactions,
/// each once; what it certifies is what it computed, under a certificate that verifies; honest hosts never certify
/// different headers for one height; output evidence never names an honest validator.
/// </summary>
internal sealed class OutputChecker(OutputCertificateVerifier certificates, ISet<int> honestValidators)
{
    private readonly HashSet<Hash> _submitted = [];
    private readonly Dictionary<ulong, (Hash Header, int Host)> _certified = [];
    private readonly HashSet<ulong> _mismatchedHeights = [];
    private readonly HashSet<(ulong Height, int Validator)> _evidence = [];
    private readonly Dictionary<int, List<BlockOutput>> _outputs = [];

    public List<string> Violations { get; } = [];

    public int TransactionsSubmitted => _submitted.Count;

    /// <summary>Heights at which two honest hosts certified different output headers.</summary>
    public int OutputsMismatched => _mismatchedHeights.Count;

    /// <summary>Distinct (height, validator) pairs honest hosts caught signing an output header other than theirs.</summary>
    public int OutputEvidence => _evidence.Count;

    public bool WasSubmitted(Hash transaction) => _submitted.Contains(transaction);

    /// <summary>Clients handed these to an honest host (which batched and published them).</summary>
    public void OnSubmitted(IEnumerable<Transaction> transactions)
    {
        foreach (var tx in transactions)
        {
            _submitted.Add(tx.Hash);
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

        // As submitted: where the output reveals a plaintext, the ciphertext a client sent stands in its place.
        var seen = new HashSet<Hash>();
        foreach (var tx in output.SubmittedTransactions())
        {
            if (!_submitted.Contains(tx.Hash))
            {
                Violations.Add($"invented transaction: host {host.Id}'s output at height {output.Height} holds {tx.Hash.ToHex()[..16]}, which no client submitted");
                break;
            }

            if (!seen.Add(tx.Hash))
            {
                Violations.Add($"duplicate transaction: host {host.Id}'s output at height {output.Height} holds {tx.Hash.ToHex()[..16]} twice");
                break;
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

        if (!certificates.Verify(header, certificate, out var reason))
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

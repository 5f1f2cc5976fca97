using System.Text;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Output;
using Fairway.Crypto.Dkg;
using Fairway.Crypto.Group;
using Fairway.Crypto.Threshold;
using Fairway.Ordering.Encrypted;

namespace Fairway.Simulation;

/// <summary>
/// The encrypted lane on simulated hosts, through the same <see cref="DecryptionStage"/> and <see cref="SealedOutput"/> a
/// node runs: a committed height whose sealed output holds ciphertexts waits, at each host, until the host has a
/// threshold of valid shares for each of them; its shares cross the faulty network, are re-sent while the host waits, and
/// answer peers that ask. The key is made by an in-process DKG at setup and exists from height 1: the simulator skips the
/// on-chain key generation (the node's tests cover it). Watched from outside: that every client ciphertext is revealed
/// as what the client encrypted, and when the faulty validators' pooled shares could first have opened each one.
/// </summary>
internal sealed partial class SimulationRun
{
    private ThresholdKeySet? _keySet;
    private Scalar[] _secretShares = [];
    private ulong _encryptions;

    /// <summary>Every ciphertext a client submitted, by the hash of the transaction carrying it.</summary>
    private readonly Dictionary<Hash, ClientCiphertext> _clientCiphertexts = [];

    /// <summary>The transaction carrying each client ciphertext, by ciphertext id (what shares name).</summary>
    private readonly Dictionary<Hash, Hash> _transactionOfCiphertext = [];

    /// <summary>When an honest host first committed a block carrying each client ciphertext (by transaction hash).</summary>
    private readonly Dictionary<Hash, long> _firstHonestCommitTick = [];

    /// <summary>Validators pooling their shares: the faulty ones, and the test-only early colluders.</summary>
    private readonly HashSet<int> _coalition = [];

    /// <summary>
    /// Per client ciphertext id, the share indices (validator + 1) the coalition holds: a member's own from the moment one
    /// of its hosts sees the ciphertext (it can make it whenever it likes), an outsider's from the moment a member's host
    /// receives it (with the share itself, to open the ciphertext with).
    /// </summary>
    private readonly Dictionary<Hash, Dictionary<int, DecryptionShare?>> _coalitionShares = [];

    /// <summary>When the coalition first held a threshold of shares of each client ciphertext (by ciphertext id).</summary>
    private readonly Dictionary<Hash, long> _coalitionOpenedAtTick = [];

    /// <summary>Distinct bad shares honest hosts caught: (sender, height, ciphertext).</summary>
    private readonly HashSet<(int Validator, ulong Height, Hash Ciphertext)> _badShareEvidence = [];

    private sealed record ClientCiphertext(ThresholdCiphertext Ciphertext, ulong Namespace, byte[] Plaintext)
    {
        public Hash Id => Ciphertext.Id;
    }

    /// <summary>
    /// The validators' threshold key: a Pedersen/Feldman DKG run in-process, every dealer honest, every polynomial and
    /// transport key derived from the run's seed so the run replays. Threshold f+1.
    /// </summary>
    private void GenerateKey()
    {
        var n = _options.Nodes;
        var keys = Enumerable.Range(0, n).Select(v => DkgTransportKey.FromSeed(SeedBytes($"transport key {v}"))).ToArray();
        var parameters = new DkgParameters("fairway-sim/dkg"u8, (int)_validators.ValidityStake, [.. keys.Select(k => k.PublicKey)]);
        var dealings = Enumerable.Range(0, n).Select(j => Dealing.Create(
            parameters,
            (ushort)j,
            [.. Enumerable.Range(0, parameters.Threshold).Select(k => SeededScalar($"dealer {j} coefficient {k}"))],
            SeededScalar($"dealer {j} ephemeral"))).ToList();
        var transcript = DkgTranscript.Finish(parameters, dealings, []);
        _keySet = ThresholdKeySet.From(transcript.Result);
        _secretShares = [.. Enumerable.Range(0, n).Select(v => transcript.SecretShare((ushort)v, keys[v]))];
    }

    private byte[] SeedBytes(string label) =>
        Hash.Compute([.. BitConverter.GetBytes(_options.Seed), .. Encoding.UTF8.GetBytes("fairway-sim/" + label)]).ToArray();

    private Scalar SeededScalar(string label) => Scalar.Hash("fairway-sim/scalar", SeedBytes(label));

    /// <summary>As a client of an encrypted namespace does: the plaintext sealed to the key under the namespace's label.</summary>
    private Transaction Seal(ulong ns, byte[] plaintext)
    {
        var n = ++_encryptions;
        var ciphertext = ThresholdEncryption.Encrypt(
            _keySet!, EncryptionLabel.Of(ns), plaintext, SeededScalar($"encryption {n} exponent"), SeededScalar($"encryption {n} nonce"));
        var tx = new Transaction(ns, Canonical.Encode(ciphertext));
        _clientCiphertexts[tx.Hash] = new ClientCiphertext(ciphertext, ns, plaintext);
        _transactionOfCiphertext[ciphertext.Id] = tx.Hash;
        return tx;
    }

    /// <summary>
    /// The output of a height the host ordered, with its ciphertexts revealed; null while it waits for shares. The first
    /// call for a height opens it: the host makes its shares and sends them to all, asking for theirs.
    /// </summary>
    private BlockOutput? Reveal(SimulatedHost host, BlockOutput sealedOutput)
    {
        var node = host.Node!;
        var height = sealedOutput.Height;
        int[] positions;
        if (node.Waiting is { } waiting && waiting.Output.Height == height)
        {
            positions = waiting.Positions;
        }
        else
        {
            positions = SealedOutput.Positions(sealedOutput, _registry);
            if (positions.Length == 0)
            {
                return sealedOutput;
            }

            var mine = node.Decryption!.Open(height, SealedOutput.Ciphertexts(sealedOutput, positions));
            CoalitionMakes(host, mine.Select(s => s.Ciphertext));
            node.Waiting = new SealedHeight(sealedOutput, positions);
            if (OwnShareMessage(host, height, mine) is { } message)
            {
                node.KeepOwnShares(message);
            }

            SendShares(host, height);
        }

        ReportBadShares(host);
        if (node.Decryption!.Results(height) is not { } results)
        {
            return null;
        }

        node.Waiting = null;
        var revealed = SealedOutput.Reveal(sealedOutput, positions, results);
        CheckRevealed(host, sealedOutput, revealed, positions);
        return revealed;
    }

    /// <summary>
    /// What the host sends for a height: its shares, signed. The bad-shares adversary alternates by height between shares
    /// whose value is off (their proofs no longer verify) and sending nothing at all.
    /// </summary>
    private ShareMessage? OwnShareMessage(SimulatedHost host, ulong height, IReadOnlyList<DecryptionShare> mine)
    {
        if (host.Behaviour == ByzantineKind.BadShares)
        {
            if (height % 2 == 0)
            {
                return null;
            }

            mine = [.. mine.Select(s => s with { Value = s.Value + GroupElement.Generator })];
        }

        return ShareMessage.Sign(_chainId, (ushort)host.Validator, height, request: false, mine, host.Signer);
    }

    /// <summary>Sends the host's shares for a height to all, asking peers that have finished it to answer with theirs.</summary>
    private void SendShares(SimulatedHost host, ulong height)
    {
        if (host.Node!.OwnShares.TryGetValue(height, out var mine))
        {
            BroadcastFrom(host, new DecryptionSharesEnvelope(mine with { Request = true }));
        }
    }

    /// <summary>Shares can be lost and peers restart: a host still waiting sends its shares again, as a node does every second.</summary>
    private void ResendShares()
    {
        foreach (var host in _hosts.Where(h => h.Alive && h.Node!.Waiting is not null))
        {
            SendShares(host, host.Node!.Waiting!.Output.Height);
        }
    }

    private void OnShareMessage(SimulatedHost host, int fromValidator, int fromHost, ShareMessage message)
    {
        var node = host.Node!;

        // The transport authenticates the sender; the signature makes a bad share evidence anyone can check.
        if (node.Decryption is not { } stage || message.Validator != fromValidator || message.Check(_chainId, _validators, _verifier) is not null)
        {
            return;
        }

        if (message.Request && (node.OwnShares.GetValueOrDefault(message.Height) ?? RemakeShares(host, message.Height)) is { } mine)
        {
            SendToHost(host, _hosts[fromHost], new DecryptionSharesEnvelope(mine));
        }

        CoalitionReceives(host, fromValidator, message.Shares);
        if (stage.OnShares(fromValidator, message.Height, message.Shares) is null && node.Waiting?.Output.Height == message.Height)
        {
            OrderCommitted(host);
        }

        ReportBadShares(host);
    }

    /// <summary>
    /// Shares for a height this host finished longer ago than it keeps its own: made again from the sealed transactions
    /// its chain store keeps beside the plaintexts, as the node does. A share of a committed height gives nothing away
    /// that the output does not, and without it a host partitioned or down for more than the kept heights could never
    /// decrypt them.
    /// </summary>
    private ShareMessage? RemakeShares(SimulatedHost host, ulong height)
    {
        if (height > host.Chain.CommittedHeight || host.Chain.GetCommitted(height)?.Output is not { Revealed.Count: > 0 } output)
        {
            return null;
        }

        return OwnShareMessage(host, height, host.Node!.Decryption!.SharesFor(SealedOutput.CiphertextsOf(output)));
    }

    /// <summary>Shares the host's stage found wrong: evidence, which must never name an honest validator.</summary>
    private void ReportBadShares(SimulatedHost host)
    {
        foreach (var bad in host.Node!.Decryption!.DrainBadShares())
        {
            if (!host.Honest)
            {
                continue;
            }

            if (_hostsByValidator[bad.From].All(h => h.Honest))
            {
                _outputChecker.Violations.Add($"bad-decryption-share evidence against honest validator {bad.From} at height {bad.Height} (reported by host {host.Id})");
            }

            _badShareEvidence.Add((bad.From, bad.Height, bad.Share.Ciphertext));
        }
    }

    /// <summary>An honest host's revealed output: the sealed one with each client's plaintext exactly where its ciphertext was.</summary>
    private void CheckRevealed(SimulatedHost host, BlockOutput sealedOutput, BlockOutput revealed, int[] positions)
    {
        if (!host.Honest)
        {
            return;
        }

        var encrypted = positions.ToHashSet();
        for (var i = 0; i < sealedOutput.Transactions.Count; i++)
        {
            var sealedTx = sealedOutput.Transactions[i];
            var shown = revealed.Transactions[i];
            if (!encrypted.Contains(i))
            {
                if (shown.Hash != sealedTx.Hash)
                {
                    _outputChecker.Violations.Add($"host {host.Id}'s revealed output at height {revealed.Height} changed the plain transaction at position {i}");
                }

                continue;
            }

            if (_clientCiphertexts.TryGetValue(sealedTx.Hash, out var client)
                && !UndecryptableEntry.Is(shown.Payload.Span)
                && (shown.Namespace != client.Namespace || !shown.Payload.Span.SequenceEqual(client.Plaintext)))
            {
                _outputChecker.Violations.Add($"wrong plaintext: host {host.Id} revealed position {i} of height {revealed.Height} as other than what the client encrypted");
            }
        }
    }

    /// <summary>An honest host committed <paramref name="block"/>: from now on its ciphertexts may be opened.</summary>
    private void OnHonestCommit(Block block)
    {
        if (_keySet is null)
        {
            return;
        }

        foreach (var digest in block.AllBatchDigests)
        {
            if (_published.TryGetValue(digest, out var batch))
            {
                foreach (var tx in batch.Transactions.Where(t => _clientCiphertexts.ContainsKey(t.Hash)))
                {
                    _firstHonestCommitTick.TryAdd(tx.Hash, _tick);
                }
            }
        }
    }

    /// <summary>The coalition member's host saw these ciphertexts in a batch: the member can make its share of each.</summary>
    private void CoalitionSees(SimulatedHost host, Batch batch)
    {
        if (_coalition.Contains(host.Validator))
        {
            CoalitionMakes(host, batch.Transactions.Where(t => _clientCiphertexts.ContainsKey(t.Hash)).Select(t => _clientCiphertexts[t.Hash].Id));
        }
    }

    private void CoalitionMakes(SimulatedHost host, IEnumerable<Hash> ciphertexts)
    {
        if (!_coalition.Contains(host.Validator))
        {
            return;
        }

        foreach (var id in ciphertexts)
        {
            CoalitionHolds(id, host.Validator + 1, null);
        }
    }

    /// <summary>
    /// A coalition member's host received shares from <paramref name="fromValidator"/>. Only an outsider's add anything
    /// (a member's own count already); outsiders are honest and send only valid shares, which their proofs show.
    /// </summary>
    private void CoalitionReceives(SimulatedHost host, int fromValidator, IReadOnlyList<DecryptionShare> shares)
    {
        if (!_coalition.Contains(host.Validator) || _coalition.Contains(fromValidator))
        {
            return;
        }

        foreach (var share in shares.Where(s => s.Index == fromValidator + 1 && _transactionOfCiphertext.ContainsKey(s.Ciphertext)))
        {
            CoalitionHolds(share.Ciphertext, share.Index, share);
        }
    }

    private void CoalitionHolds(Hash ciphertext, int index, DecryptionShare? share)
    {
        if (!_coalitionShares.TryGetValue(ciphertext, out var held))
        {
            _coalitionShares[ciphertext] = held = [];
        }

        if (!held.TryAdd(index, share) || held.Count < _keySet!.Threshold || !_coalitionOpenedAtTick.TryAdd(ciphertext, _tick))
        {
            return;
        }

        var tx = _transactionOfCiphertext[ciphertext];
        if (!_firstHonestCommitTick.ContainsKey(tx))
        {
            OpenEarly(ciphertext, tx, held);
        }
    }

    /// <summary>
    /// The coalition holds a threshold of shares of a ciphertext no honest host has committed: it really opens it, so the
    /// count below is a plaintext read, not a tally. Only when something is wrong (or in the negative control).
    /// </summary>
    private void OpenEarly(Hash ciphertextId, Hash tx, Dictionary<int, DecryptionShare?> held)
    {
        var client = _clientCiphertexts[tx];
        var ciphertext = client.Ciphertext;
        var label = EncryptionLabel.Of(client.Namespace);
        var shares = held.Select(p => p.Value ?? ThresholdEncryption.CreateShare(_keySet!, p.Key, _secretShares[p.Key - 1], ciphertext, label));
        if (ThresholdEncryption.Combine(_keySet!, ciphertext, shares).Plaintext is not { } plaintext || !plaintext.AsSpan().SequenceEqual(client.Plaintext))
        {
            _outputChecker.Violations.Add($"the coalition's threshold of shares of ciphertext {ciphertextId.ToHex()[..16]} did not open it");
        }
    }

    /// <summary>
    /// After the liveness phase: hosts still decrypting a height get time to finish (new commits of the drain phase carry
    /// no new client transactions), so a height committed in the run's last ticks is not miscounted as never revealed.
    /// </summary>
    private void DrainDecryption()
    {
        var deadline = _tick + _options.LivenessTicksMax;
        while (_keySet is not null && _tick < deadline && RunningHonest.Any(h => h.Alive && h.Node!.Waiting is not null))
        {
            AdvanceOneTick();
        }
    }

    /// <summary>
    /// The encrypted lane's figures at the end: client ciphertexts some running honest host committed that came out
    /// undecryptable or were never revealed there; those the coalition could open before any honest host committed them;
    /// and those the measured host revealed as their plaintext.
    /// </summary>
    private (int Undecrypted, int SeenBeforeCommit, int Decrypted) MeasureDecryption()
    {
        if (_keySet is null)
        {
            return (0, 0, 0);
        }

        var undecrypted = new HashSet<Hash>();
        var decrypted = new HashSet<Hash>();
        foreach (var host in RunningHonest)
        {
            for (var height = 1; height <= host.Commits.Count; height++)
            {
                if ((ulong)height <= host.Chain.CommittedHeight && _outputChecker.OutputOf(host, (ulong)height) is { } output)
                {
                    foreach (var entry in output.Revealed.Where(e => _clientCiphertexts.ContainsKey(e.Sealed.Hash)))
                    {
                        var undecryptable = UndecryptableEntry.Is(output.Transactions[entry.Position].Payload.Span);
                        if (undecryptable)
                        {
                            undecrypted.Add(entry.Sealed.Hash);
                        }
                        else if (host == _measured)
                        {
                            decrypted.Add(entry.Sealed.Hash);
                        }
                    }

                    continue;
                }

                // Committed, never revealed here (its shares never came, or its batch never could be fetched).
                foreach (var digest in host.Commits[height - 1].Block.AllBatchDigests.Where(_published.ContainsKey))
                {
                    undecrypted.UnionWith(_published[digest].Transactions.Select(t => t.Hash).Where(_clientCiphertexts.ContainsKey));
                }
            }
        }

        var seenEarly = _coalitionOpenedAtTick.Count(p =>
            !_firstHonestCommitTick.TryGetValue(_transactionOfCiphertext[p.Key], out var committed) || p.Value < committed);
        return (undecrypted.Count, seenEarly, decrypted.Count);
    }

    /// <summary>The decryption invariants: everything committed is decrypted while at most f are faulty, and nothing is read before its commit.</summary>
    private IEnumerable<string> DecryptionViolations((int Undecrypted, int SeenBeforeCommit, int Decrypted) measured)
    {
        var f = (int)(_validators.ValidityStake - 1);
        if (measured.Undecrypted > 0 && _options.Faulty <= f)
        {
            yield return $"{measured.Undecrypted} committed client ciphertexts were not decrypted at some honest host by the end, with {_options.Faulty} faulty (f = {f})";
        }

        if (measured.SeenBeforeCommit > 0)
        {
            yield return $"{measured.SeenBeforeCommit} client ciphertexts were opened by the pooled shares of validators {string.Join(",", _coalition.Order())} before any honest host committed them";
        }
    }
}

/// <summary>A committed height the host ordered and is decrypting: its sealed output and the encrypted positions in it.</summary>
internal sealed record SealedHeight(BlockOutput Output, int[] Positions);

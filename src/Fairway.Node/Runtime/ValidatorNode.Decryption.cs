using Fairway.Api;
using Fairway.Core.Encoding;
using Fairway.Crypto.Threshold;
using Fairway.Node.Wire;
using Fairway.Ordering.Encrypted;
using Fairway.Storage;
using Microsoft.Extensions.Logging;

namespace Fairway.Node.Runtime;

/// <summary>
/// The encrypted lane after commit, on the validator's loop: a committed block whose output holds ciphertexts waits here
/// until every one is decided. This validator sends its shares for the height to all; peers' shares are checked as they
/// arrive; once each ciphertext has a threshold of valid shares the output is revealed (plaintexts at the positions the
/// sealed output fixed) and goes on to the disk and certification. Nothing is decrypted before its block commits,
/// because no validator makes a share before then.
/// </summary>
public sealed partial class ValidatorNode
{
    /// <summary>Own share messages kept to answer peers that ask again (a restart mid-decryption): as many heights as the stage keeps.</summary>
    private const int OwnSharesKept = DecryptionStage.HeightsKept;

    /// <summary>A height still waiting re-sends its shares, asking peers for theirs, this often: frames can be lost, peers restart.</summary>
    private const long ShareResendMs = 1_000;

    private DecryptionStage? _decryption;
    private readonly Dictionary<ulong, ShareMessage> _ownShares = [];
    private readonly Queue<ulong> _ownSharesOrder = new();

    /// <summary>The committed block ordered but not yet revealed, and when its shares were last sent.</summary>
    private (CommittedBlock Sealed, int[] Positions, CommittedCiphertext[] Ciphertexts, long SentAtMs, long OpenedAtMs)? _sealed;

    /// <summary>
    /// Ordered once per height: a block already ordered while it waits for decryption is not ordered again (ordering
    /// advances the fair lane's window of inclusions).
    /// </summary>
    private CommittedBlock OrderOnce(Core.Chain.Block block, Core.Chain.QuorumCertificate certificate, List<Core.Chain.Batch> batches)
    {
        if (_sealed is { } waiting && waiting.Sealed.Height == block.Height)
        {
            return waiting.Sealed;
        }

        WatchForCensorship(block);
        OnEvidenceCommitted(block);
        var committed = _outputs!.Order(block, certificate, batches);
        OnFairOutput(committed.Output);
        OnDkgOutput(block.Height, committed.Output);
        var positions = SealedOutput.Positions(committed.Output, _identity.Namespaces);
        if (positions.Length > 0)
        {
            // Decoded once: the wait below runs on every event of the loop until the shares are in.
            _sealed = (committed, positions, SealedOutput.Ciphertexts(committed.Output, positions), 0, NowMs);
        }

        return committed;
    }

    /// <summary>
    /// The block's output with its ciphertexts decided, or null while shares are missing. Before the key generation has
    /// finished (at a height every validator knows), every ciphertext is undecryptable: there is no key to open it.
    /// </summary>
    private CommittedBlock? Reveal(CommittedBlock committed)
    {
        if (_sealed is not { } waiting || waiting.Sealed.Height != committed.Height)
        {
            return committed;
        }

        var height = committed.Height;
        var ciphertexts = waiting.Ciphertexts;
        IReadOnlyList<DecryptionResult>? results;
        IReadOnlyList<IReadOnlyList<DecryptionShare>>? openings = null;
        if (!KeyReadyAt(height))
        {
            results = [.. ciphertexts.Select(_ => DecryptionResult.Undecryptable)];
        }
        else if (_identity.Config.TestWithholdShares)
        {
            return null;
        }
        else
        {
            var now = NowMs;
            if (waiting.SentAtMs == 0)
            {
                var mine = _decryption!.Open(height, ciphertexts);
                if (_identity.Config.TestCorruptShares)
                {
                    // The test-only liar: shares that do not verify (its own decryption used the right ones).
                    mine = [.. mine.Select(s => s with { Value = s.Value + Crypto.Group.GroupElement.Generator })];
                }

                KeepOwnShares(ShareMessage.Sign(_identity.ChainId, (ushort)_identity.Index, height, request: false, mine, _identity.Signer));
            }

            results = _decryption!.Results(height);
            if (waiting.SentAtMs == 0 || (results is null && now - waiting.SentAtMs >= ShareResendMs))
            {
                // The first send and each resend ask peers that have finished the height to answer with their shares.
                BroadcastFrame(WireFrame.Encode(new DecryptionSharesFrame(_ownShares[height] with { Request = true })));
                _sealed = waiting with { SentAtMs = Math.Max(now, 1) };
            }

            ReportBadShares();
            if (results is null)
            {
                return null;
            }

            openings = _decryption.Openings(height);
        }

        _sealed = null;
        Metrics.OnDecrypted(ciphertexts.Length, results.Count(r => !r.Decrypted), (NowMs - waiting.OpenedAtMs) / 1000.0);
        return committed with { Output = SealedOutput.Reveal(committed.Output, waiting.Positions, results, openings) };
    }

    /// <summary>Ciphertexts of height <paramref name="height"/> can be opened: the key existed before the height committed.</summary>
    private bool KeyReadyAt(ulong height)
    {
        if (_dkg is null || _dkg.Status.State != DkgState.Ready || height <= _dkg.CompletesAtHeight)
        {
            return false;
        }

        _decryption ??= new DecryptionStage(_dkg.Status.KeySet!, _identity.Index, _dkg.SecretShare!.Value);
        return true;
    }

    /// <summary>Heights whose shares are remade from the chain store per tick: a peer far behind catches up, without costing this validator its loop.</summary>
    private const int RebuildsPerTickMax = 2;

    private int _rebuildsThisTick;

    /// <summary>
    /// This validator's shares for a committed height older than those it keeps, remade from the stored output's
    /// ciphertexts, for a peer that fell that far behind (without them it could never finish the height). Null when the
    /// height is not committed here, had no key, or this tick's rebuilds are spent (the peer asks again).
    /// </summary>
    private ShareMessage? RebuildOwnShares(ulong height)
    {
        if (height > _committedHeight || _rebuildsThisTick >= RebuildsPerTickMax || !KeyReadyAt(height) || _identity.Config.TestWithholdShares
            || _chain.GetCommitted(height) is not { } committed || committed.Output.Revealed.Count == 0)
        {
            return null;
        }

        _rebuildsThisTick++;
        var shares = _decryption!.SharesFor(SealedOutput.CiphertextsOf(committed.Output));
        var message = ShareMessage.Sign(_identity.ChainId, (ushort)_identity.Index, height, request: false, shares, _identity.Signer);
        KeepOwnShares(message);
        return message;
    }

    private void KeepOwnShares(ShareMessage message)
    {
        if (_ownShares.TryAdd(message.Height, message))
        {
            _ownSharesOrder.Enqueue(message.Height);
        }

        while (_ownSharesOrder.Count > OwnSharesKept)
        {
            _ownShares.Remove(_ownSharesOrder.Dequeue());
        }
    }

    private void OnDecryptionShares(int peer, ShareMessage message)
    {
        if (message.Validator != peer || _decryption is null)
        {
            // The key is not ready here yet: the peer is asked again once this validator opens the height.
            return;
        }

        if (message.Check(_identity.ChainId, _identity.Validators, Crypto.Ed25519Verifier.Instance) is { } why)
        {
            Metrics.OnShareRefused(why);
            return;
        }

        if (message.Request && (_ownShares.GetValueOrDefault(message.Height) ?? RebuildOwnShares(message.Height)) is { } mine)
        {
            SendFrame(peer, WireFrame.Encode(new DecryptionSharesFrame(mine)));
        }

        if (_shareMessages.Remove((peer, message.Height), out var replaced))
        {
            _sharesQuoted -= replaced.Shares.Count;
        }

        _shareMessages[(peer, message.Height)] = message;
        _sharesQuoted += message.Shares.Count;
        if (_decryption.OnShares(peer, message.Height, message.Shares) is { } refused)
        {
            Metrics.OnShareRefused(refused);
            return;
        }

        ReportBadShares();
        if (_sealed is { } waiting && waiting.Sealed.Height == message.Height)
        {
            // The height the commit pipeline waits on may be decided now: apply it without waiting for the next tick.
            DrainCommits();
        }
    }

    /// <summary>The last share message from each peer for each height, to quote as evidence; pruned with the heights.</summary>
    private readonly Dictionary<(int Peer, ulong Height), ShareMessage> _shareMessages = [];

    /// <summary>Shares held in <see cref="_shareMessages"/>, and the most kept: a peer's message can hold 65,536 shares.</summary>
    private long _sharesQuoted;

    private const long SharesQuotedMax = 262_144;

    private void ReportBadShares()
    {
        foreach (var bad in _decryption?.DrainBadShares() ?? [])
        {
            Metrics.OnEvidence();
            var quoted = _shareMessages.GetValueOrDefault((bad.From, bad.Height));
            _evidence.Add(new EvidenceRecord(
                "bad-decryption-share",
                bad.From,
                null,
                bad.Height,
                NowMs,
                quoted is null ? "" : Convert.ToHexStringLower(Canonical.Encode(quoted)),
                Convert.ToHexStringLower(Canonical.Encode(bad.Share))));
            LogBadShare(_log, bad.From, bad.Height, bad.Share.Ciphertext.ToHex()[..16]);
        }

        while (_shareMessages.Count > 0 && (_shareMessages.Count > OwnSharesKept * _identity.Validators.Count || _sharesQuoted > SharesQuotedMax))
        {
            var oldest = _shareMessages.Keys.Min(k => k.Height);
            foreach (var key in _shareMessages.Keys.Where(k => k.Height == oldest).ToList())
            {
                _sharesQuoted -= _shareMessages[key].Shares.Count;
                _shareMessages.Remove(key);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "validator {Peer} sent a decryption share that does not verify for height {Height} (ciphertext {Ciphertext}): kept as evidence")]
    private static partial void LogBadShare(ILogger logger, int peer, ulong height, string ciphertext);
}

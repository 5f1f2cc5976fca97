using Fairway.Consensus.Engine;
using Fairway.Consensus.Messages;
using Fairway.Core.Chain;
using Fairway.Core.Validators;
using Fairway.Node.Wire;
using Fairway.Settlement;
using Microsoft.Extensions.Logging;

namespace Fairway.Node.Runtime;

/// <summary>
/// Epochs: the validator set of a network with an L1 follows the stake table. The roster (who may take part, with
/// stable indices) is genesis's; each epoch gives its members stakes, zero for those without weight in the stake table.
/// A leader whose L1 reference enters a later stake-table epoch whose stakes differ from the current ones puts the
/// change in its block; voters check it against their own watcher. The first committed block carrying a change ends
/// the epoch: the node records it, and consensus restarts on top of it with the new stakes and a signing domain naming
/// the new epoch (see <see cref="EpochCatchUp"/> for validators left behind).
/// </summary>
public sealed partial class ValidatorNode
{
    /// <summary>Frames of the next epoch held until this validator gets there (it is usually a few messages behind).</summary>
    private const int FutureEpochFramesMax = 512;

    private EpochLog? _epochs;
    private EpochEnded? _pendingEpochEnd;
    private readonly List<(int Peer, ConsensusFrame Frame)> _futureEpochFrames = [];
    private PeerRateLimit? _catchUpLimit;
    private ValidatorSet? _currentSet;

    /// <summary>The epoch consensus runs in now: 0 until the first change, then the stake-table epoch it took its stakes from.</summary>
    public ulong Epoch => _core?.Epoch ?? 0;

    /// <summary>The roster with the current epoch's stakes.</summary>
    public ValidatorSet CurrentValidators => Volatile.Read(ref _currentSet) ?? _identity.Validators;

    public IReadOnlyList<Api.EpochView> EpochHistory => _epochs?.Recent.Select(s => new Api.EpochView(s.Epoch, s.Previous, s.LastBlock.Height, s.Change.Stakes)).ToList() ?? [];

    /// <summary>The first height of the current epoch (1 in epoch 0).</summary>
    public ulong EpochStartHeight => (_epochs?.Latest?.LastBlock.Height ?? 0) + 1;

    /// <summary>Opens the epoch log and the verifier of the epoch this validator is in, and fits what recovery found to it.</summary>
    private (CertificateVerifier Certificates, RecoveredState? Recovered) ResumeEpoch(RecoveredState? recovered)
    {
        _epochs = new EpochLog(Path.Combine(_identity.Config.DataDir, "epochs.log"), _identity.ChainId);
        _catchUpLimit = new PeerRateLimit(_identity.Validators.Count, perSecond: 5, burst: 5, NowMs);
        if (_epochs.Latest is not { } start)
        {
            return (new CertificateVerifier(_identity.ChainId, _identity.Validators, Crypto.Ed25519Verifier.Instance), recovered);
        }

        var certificates = CertificateVerifier.After(start.LastBlock, _identity.Validators, Crypto.Ed25519Verifier.Instance);
        Volatile.Write(ref _currentSet, certificates.Validators);
        Metrics.OnEpoch(certificates.Epoch);
        return (certificates, RecoveredState.ForEpoch(recovered, certificates));
    }

    /// <summary>
    /// After a crash between recording an epoch's end and its last blocks reaching the chain store: commits them again
    /// from the block store (they were flushed before the record was written), so the new epoch starts on a full chain.
    /// </summary>
    private void RecommitToEpochStart()
    {
        if (_epochs?.Latest is not { } start || _chain.CommittedHeight >= start.LastBlock.Height)
        {
            return;
        }

        var path = new List<Block> { start.LastBlock };
        while (path[^1].Height > _chain.CommittedHeight + 1 && _chain.TryGetBlock(path[^1].ParentHash, out var parent))
        {
            path.Add(parent);
        }

        if (path[^1].Height != _chain.CommittedHeight + 1)
        {
            throw new InvalidDataException($"epoch {start.Epoch} starts after height {start.LastBlock.Height}, but the blocks from {_chain.CommittedHeight + 1} are not stored");
        }

        path.Reverse();
        for (var i = 0; i < path.Count; i++)
        {
            _batches.MarkOrdered(path[i].BatchDigests, path[i].Height);
            _commits.Add(new CommitBlock(path[i], i + 1 < path.Count ? path[i + 1].Justify : start.Certificate));
        }

        DrainCommits();
    }

    /// <summary>The last block of the epoch is being committed: recorded durably before its commit is queued.</summary>
    private void RecordEpochEnd(CommitBlock commit)
    {
        _chain.Flush();
        _epochs!.AppendEnd(new EpochStart(commit.Block.NextEpoch!.Epoch, _core!.Epoch, commit.Block, commit.Certificate, null));
    }

    /// <summary>Called where no consensus step is under way: starts the next epoch's core if the current one ended.</summary>
    private void SwitchEpochIfEnded()
    {
        while (_pendingEpochEnd is { } ended)
        {
            _pendingEpochEnd = null;
            var previous = _core!.Epoch;
            _epochs!.AppendClosing(previous, ended.ClosingCertificate);
            var certificates = CertificateVerifier.After(ended.LastBlock, _identity.Validators, Crypto.Ed25519Verifier.Instance);
            var set = certificates.Validators;
            _core = new ConsensusCore(
                _core.Config, certificates, _identity.Index, _identity.Signer, new Random(Environment.TickCount), RecoveredState.ForEpoch(null, certificates));
            _driver = new ConsensusDriver(_core, new ConsensusHost(this));
            Volatile.Write(ref _currentSet, set);
            _fair?.ChangeValidators(set);
            _outputs!.ChangeValidators(ended.LastBlock.Height + 1, set);
            Metrics.OnEpoch(certificates.Epoch);
            LogEpochStarted(_log, certificates.Epoch, previous, ended.LastBlock.Height, string.Join(", ", set.Validators.Select(v => $"{v.Name}={v.Stake}")));
            _driver.Start();

            var held = _futureEpochFrames.Where(f => f.Frame.Epoch == certificates.Epoch).ToList();
            _futureEpochFrames.Clear();
            foreach (var (peer, frame) in held)
            {
                _driver.Step(new MessageReceived(peer, frame.Message));
            }
        }
    }

    /// <summary>A consensus message from a peer, routed by the epoch it was sent in.</summary>
    private void OnConsensusFrame(int peer, ConsensusFrame frame)
    {
        var core = _core!;
        if (frame.Epoch == core.Epoch)
        {
            _driver!.Step(new MessageReceived(peer, frame.Message));
        }
        else if (frame.Epoch < core.Epoch)
        {
            // The peer is behind: answer with what ended its epoch, in its epoch's domain (rate-limited per peer).
            if (_epochs!.After(frame.Epoch) is { Closing: { } closing } start
                && EpochCatchUp.ShouldAnswer(frame.Message, new EpochEnded(start.LastBlock, closing))
                && _catchUpLimit!.TryTake(peer, NowMs))
            {
                SendFrame(peer, WireFrame.Encode(new ConsensusFrame(new SyncInfoMessage(closing, null), frame.Epoch)));
            }
        }
        else
        {
            if (_futureEpochFrames.Count < FutureEpochFramesMax)
            {
                _futureEpochFrames.Add((peer, frame));
            }

            if (frame.Message is not (SyncInfoMessage or BlockResponseMessage) && _catchUpLimit!.TryTake(peer, NowMs))
            {
                SendFrame(peer, WireFrame.Encode(new ConsensusFrame(EpochCatchUp.Ask(core), core.Epoch)));
            }
        }
    }

    /// <summary>
    /// The epoch change a proposal naming <paramref name="l1"/> carries: the stake-table epoch of that L1 block, when it
    /// is later than the current one, this validator has read its stakes, and they differ from the current ones.
    /// </summary>
    private EpochChange? EpochChangeToPropose(L1Reference? l1)
    {
        if (l1 is null || _settlement?.StakeEpochAt(l1.Number) is not { Snapshot: { } snapshot } at || at.Epoch <= _core!.Epoch)
        {
            return null;
        }

        return RosterStakes.From(snapshot, _identity.Validators, out _) is { } stakes && !SameStakes(stakes)
            ? new EpochChange(at.Epoch, stakes)
            : null;
    }

    /// <summary>What a proposal names of the L1: the reference, and the epoch change it brings, if any.</summary>
    private (L1Reference? L1, EpochChange? Change) L1AndEpochChangeToPropose()
    {
        var l1 = L1ToPropose();
        return (l1, EpochChangeToPropose(l1));
    }

    private bool SameStakes(IReadOnlyList<ulong> stakes) => Enumerable.Range(0, stakes.Count).All(i => CurrentValidators.StakeOf(i) == stakes[i]);

    /// <summary>Why a proposal's epoch change is not voted for, or null when it has none or it is what this validator's L1 says.</summary>
    private string? EpochChangeRefusal(Block block)
    {
        if (block.NextEpoch is not { } change)
        {
            return null;
        }

        if (_settlement is null)
        {
            return "an epoch change on a chain this validator follows without an L1";
        }

        if (_settlement.StakeEpochAt(block.L1!.Number) is not { } at)
        {
            return "the stake table's epoch schedule is not read yet";
        }

        if (change.Epoch != at.Epoch || change.Epoch <= _core!.Epoch)
        {
            return $"epoch change to {change.Epoch}, but L1 block {block.L1.Number} is in stake-table epoch {at.Epoch} and this is epoch {_core!.Epoch}";
        }

        if (at.Snapshot is not { } snapshot)
        {
            return $"no snapshot of stake-table epoch {at.Epoch} here";
        }

        if (RosterStakes.From(snapshot, _identity.Validators, out var why) is not { } stakes)
        {
            return why;
        }

        if (!stakes.SequenceEqual(change.Stakes))
        {
            return $"stakes [{string.Join(",", change.Stakes)}] are not the stake table's [{string.Join(",", stakes)}] for epoch {at.Epoch}";
        }

        return SameStakes(stakes) ? "an epoch change that changes no stake" : null;
    }

    private bool EpochChangeSound(Block block) => VoteAllowed(block, EpochChangeRefusal(block), Metrics.OnEpochChangeRefused);

    [LoggerMessage(Level = LogLevel.Information, Message = "epoch {Epoch} started (after epoch {Previous}, whose last block is height {Height}); stakes {Stakes}")]
    private static partial void LogEpochStarted(ILogger logger, ulong epoch, ulong previous, ulong height, string stakes);
}

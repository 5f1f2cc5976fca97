using Fairway.Api;
using Fairway.Core.Chain;
using Fairway.Core.Encoding;
using Fairway.Core.Output;
using Fairway.Node.Config;
using Fairway.Ordering.Encrypted;

namespace Fairway.Node.Runtime;

/// <summary>The key generation at genesis, on the validator's loop: deal once, read committed dealings and complaints, complain, finish.</summary>
public sealed partial class ValidatorNode
{
    private DkgSession? _dkg;
    private Transaction? _dkgUnsent;
    private readonly List<Transaction> _dkgComplaintsUnsent = [];
    private volatile EncryptionKeyView _encryptionKey = EncryptionKeyView.Disabled;

    /// <summary>The session status the view was last made from: a status changes only when the generation ends.</summary>
    private DkgStatus? _dkgPublished;

    public EncryptionKeyView EncryptionKey => _encryptionKey;

    /// <summary>After a restart as at a first start: the session replays what the chain committed up to its last height.</summary>
    private void RestoreDkg()
    {
        if (_identity.Genesis.Encryption is not { } encryption || _identity.TransportKey is not { } key)
        {
            return;
        }

        var transportKeys = _identity.Genesis.Validators
            .Select((v, i) => DkgKeys.TryParse(v.DkgKey, out var k) ? k : throw new ConfigException($"validators[{i}].dkg_key is not a transport key"))
            .ToList();
        if (transportKeys[_identity.Index] != key.PublicKey)
        {
            throw new ConfigException($"the genesis file's dkg_key for \"{_identity.Config.Validator}\" is not the one derived from {_identity.Config.KeyFile}");
        }

        _dkg = new DkgSession(
            _identity.ChainId, _identity.Validators, Crypto.Ed25519Verifier.Instance, _identity.Index, _identity.Signer, key, transportKeys,
            encryption.DealingHeights, encryption.ComplaintHeights);
        var last = Math.Min(_chain.CommittedHeight, _dkg.CompletesAtHeight);
        for (var height = 1UL; height <= last; height++)
        {
            // A complaint this validator found before it stopped may not have been committed: sent again (a repeat is harmless).
            _dkgComplaintsUnsent.AddRange(_dkg.OnCommitted(height, _chain.GetCommitted(height)!.Output.Transactions));
        }

        PublishDkgStatus();
    }

    private void OnDkgOutput(ulong height, BlockOutput output)
    {
        if (_dkg is null)
        {
            return;
        }

        _dkgComplaintsUnsent.AddRange(_dkg.OnCommitted(height, output.Transactions));
        PublishDkgStatus();
    }

    /// <summary>On every tick: this validator's own dealing and complaints go into its mempool until accepted.</summary>
    private void SubmitDkgMessages()
    {
        if (_dkg is null)
        {
            return;
        }

        _dkgUnsent ??= _dkg.OwnDealing(_committedHeight);
        if (_dkgUnsent is { } dealing && Accept(dealing) != SubmitStatus.Busy)
        {
            _dkgUnsent = null;
        }

        if (_committedHeight >= _dkg.CompletesAtHeight)
        {
            // Complaints no longer count.
            _dkgComplaintsUnsent.Clear();
            return;
        }

        _dkgComplaintsUnsent.RemoveAll(complaint => Accept(complaint) != SubmitStatus.Busy);
    }

    /// <summary>Makes the API's view when the status changed (not on every committed block: the view hex-encodes the whole key set).</summary>
    private void PublishDkgStatus()
    {
        var status = _dkg!.Status;
        if (ReferenceEquals(status, _dkgPublished))
        {
            return;
        }

        _dkgPublished = status;
        var keySet = status.KeySet;
        _encryptionKey = new EncryptionKeyView(
            status.State.ToString().ToLowerInvariant(),
            status.CompletesAtHeight,
            keySet?.Id.ToHex(),
            keySet?.Threshold ?? 0,
            keySet?.PublicKey.ToHex(),
            keySet is null ? [] : [.. keySet.VerificationKeys.Select(k => k.ToHex())],
            [.. status.Qualified.Select(q => (int)q)],
            keySet is null ? null : Convert.ToBase64String(Canonical.Encode(keySet)),
            status.Failure,
            status.State == DkgState.Ready ? keySet : null);
        if (status.State != DkgState.Pending)
        {
            LogDkg(_log, _encryptionKey.State, string.Join(",", status.Qualified), keySet?.Id.ToHex()[..16] ?? "-", status.Failure ?? "", string.Join(", ", _dkg.Refused.Select(p => $"{p.Key}={p.Value}")));
        }
    }

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Information, Message =
        "encryption key generation {State}: qualified dealers [{Qualified}], key set {KeySet} {Failure} (messages refused: {Refused})")]
    private static partial void LogDkg(Microsoft.Extensions.Logging.ILogger logger, string state, string qualified, string keySet, string failure, string refused);
}

using Fairway.Core.Crypto;
using Fairway.Core.Inclusion;
using Fairway.Core.Validators;

namespace Fairway.Ordering.Fair;

/// <summary>
/// Receipts users reported (a validator signed that it received a transaction), held until the transaction is output or
/// the receipt's signer proves to have censored it: every committed block's lists are checked against them, and a list
/// from the signer that leaves the transaction out while listing something received after it, at least the grace after
/// the receipt, becomes <see cref="FairEvidence"/>. Pure: the node feeds it reports and committed blocks.
/// </summary>
public sealed class CensorshipWatch
{
    /// <summary>Receipts watched at most: the oldest are dropped beyond it, since reports come from outside.</summary>
    public const int ReceiptsMax = 10_000;

    /// <summary>How long a receipt is watched, by its own time: ten minutes, as long as receive times are kept.</summary>
    public const ulong WatchedMs = 600_000;

    private readonly Hash _chainId;
    private readonly ValidatorSet _validators;
    private readonly ISignatureVerifier _verifier;
    private readonly ulong _graceMs;
    private readonly Dictionary<(Hash Transaction, ushort Validator), SignedReceipt> _watched = [];
    private readonly Queue<(Hash Transaction, ushort Validator)> _order = new();

    /// <param name="graceMs">How long after its receipt a validator may still leave a transaction out: the fair delay and a round.</param>
    public CensorshipWatch(Hash chainId, ValidatorSet validators, ISignatureVerifier verifier, ulong graceMs)
    {
        _chainId = chainId;
        _validators = validators ?? throw new ArgumentNullException(nameof(validators));
        _verifier = verifier ?? throw new ArgumentNullException(nameof(verifier));
        _graceMs = graceMs;
    }

    public int Count => _watched.Count;

    /// <summary>Null when <paramref name="evidence"/>'s signed statements show the misbehaviour on this chain; otherwise why not.</summary>
    public string? Check(FairEvidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        return evidence.Check(_chainId, _validators, _verifier, _graceMs);
    }

    /// <summary>Starts watching <paramref name="receipt"/>; null when watched, otherwise why it was refused.</summary>
    public string? Watch(SignedReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        if (!receipt.Verify(_chainId, _validators, _verifier))
        {
            return "the receipt's signature does not verify";
        }

        var key = (receipt.Transaction, receipt.Validator);
        if (!_watched.TryAdd(key, receipt))
        {
            return null;
        }

        _order.Enqueue(key);
        if (_order.Count > 2 * ReceiptsMax)
        {
            // Keys removed since they were queued linger behind a live one: rebuilt, oldest receipt first.
            var live = _watched.OrderBy(p => p.Value.ReceivedAtMs).Select(p => p.Key).ToList();
            _order.Clear();
            live.ForEach(_order.Enqueue);
        }

        while (_watched.Count > ReceiptsMax && _order.TryDequeue(out var oldest))
        {
            _watched.Remove(oldest);
        }

        return null;
    }

    /// <summary>
    /// A block is about to be output: <paramref name="wasOutput"/> answers for everything output before it. Returns the
    /// evidence its lists give; a transaction already output stops being watched, as does a receipt that gave evidence.
    /// </summary>
    public IReadOnlyList<FairEvidence> OnBlock(IReadOnlyList<CandidateList> lists, Func<Hash, bool> wasOutput, ulong nowMs)
    {
        ArgumentNullException.ThrowIfNull(lists);
        ArgumentNullException.ThrowIfNull(wasOutput);
        if (_watched.Count == 0)
        {
            return [];
        }

        var found = new List<FairEvidence>();
        var byValidator = lists.GroupBy(l => l.Validator).ToDictionary(g => g.Key, g => g.First());
        foreach (var (key, receipt) in _watched.ToList())
        {
            if (wasOutput(key.Transaction) || receipt.ReceivedAtMs + WatchedMs < nowMs)
            {
                _watched.Remove(key);
                continue;
            }

            if (byValidator.TryGetValue(key.Validator, out var list))
            {
                var evidence = FairEvidence.Censorship(receipt, list);
                if (Check(evidence) is null)
                {
                    found.Add(evidence);
                    _watched.Remove(key);
                }
            }
        }

        return found;
    }
}

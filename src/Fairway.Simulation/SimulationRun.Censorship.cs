using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Simulation;

/// <summary>
/// Censorship, measured: the victim is the rollup of namespace 1 (in every run, so runs without a censor are measured
/// the same way). A victim transaction is censored when honest validators holding more than the faulty stake have held
/// it for the fair delay, and <see cref="CensorshipRounds"/> rounds that produced a block have passed since without it
/// in the measured host's output. Rounds that produce no block are not counted: they delay every transaction alike
/// (a liveness matter, which the block rate and timeouts measure), while censorship is one rollup's transactions being
/// passed over while others get in. The first two heights after that moment are not counted either: a block commits
/// two heights after it is proposed, so those were proposed before the transaction could be listed.
/// </summary>
internal sealed partial class SimulationRun
{
    /// <summary>The victim's namespace under <c>--byzantine censor</c>.</summary>
    public const ulong VictimNamespace = 1;

    /// <summary>Rounds with a block a victim's transaction may take to be included once f+1 honest validators could list it.</summary>
    public const ulong CensorshipRounds = 4;

    /// <summary>Victim transactions by the simulated time f+1 honest validators have held them for the fair delay.</summary>
    private readonly Queue<(long AtMs, Hash Transaction)> _victimsListable = new();

    /// <summary>Every transaction of the victim namespace submitted so far.</summary>
    private readonly HashSet<Hash> _victimTransactions = [];

    /// <summary>The highest height an honest host had committed when f+1 honest validators could first list each victim transaction.</summary>
    private readonly Dictionary<Hash, ulong> _victimListableHeight = [];

    /// <summary>Heights committed when a transaction became listable that were proposed before it could be listed.</summary>
    private const ulong HeightsInFlight = 2;

    /// <summary>Called when one more honest host holds <paramref name="tx"/>: at f+1 of them, its listing clock starts.</summary>
    private void OnHonestReceipt(Transaction tx, int honestHolders, long nowMs)
    {
        if (tx.Namespace == VictimNamespace)
        {
            _victimTransactions.Add(tx.Hash);
        }

        if (tx.Namespace == VictimNamespace && honestHolders == (int)_validators.ValidityStake)
        {
            _victimsListable.Enqueue((nowMs + _options.FairDelayMs, tx.Hash));
        }
    }

    /// <summary>Each tick: victims whose fair delay has passed at f+1 honest hosts get the height the chain had reached then.</summary>
    private void StampListableVictims()
    {
        var now = _tick * _options.TickMs;
        while (_victimsListable.TryPeek(out var head) && head.AtMs <= now)
        {
            _victimsListable.Dequeue();
            _victimListableHeight.TryAdd(head.Transaction, (ulong)_hosts.Where(h => h.Honest).Select(h => h.Commits.Count).DefaultIfEmpty(0).Max());
        }
    }

    /// <summary>Victim transactions the measured host's certified output left out for more than the allowed rounds.</summary>
    private int MeasureCensorship(SimulatedHost host)
    {
        var includedRound = new Dictionary<Hash, ulong>();
        for (var height = 1UL; height <= host.Chain.CertifiedHeight; height++)
        {
            foreach (var tx in _outputChecker.OutputOf(host, height)!.SubmittedTransactions())
            {
                includedRound.TryAdd(tx.Hash, height);
            }
        }

        var lastHeight = host.Chain.CertifiedHeight;
        return _victimListableHeight.Count(p => includedRound.TryGetValue(p.Key, out var height)
            ? height > p.Value + HeightsInFlight + CensorshipRounds
            : lastHeight > p.Value + HeightsInFlight + CensorshipRounds);
    }
}

using System.Diagnostics;

namespace Fairway.Cli.Bench;

/// <summary>
/// <c>--kill-leader-every S</c>: during a measurement window, every S seconds asks a live validator who leads the
/// current round, SIGKILLs that validator and starts it again at once. The restarted validator counts as down until
/// its API answers; a kill falling due before then is skipped, so at most one validator is ever down and the rest keep
/// a quorum. The load sender and firm watcher avoid a down validator (see <see cref="LiveValidators"/>).
/// </summary>
internal sealed class LeaderKiller : IDisposable
{
    private static readonly TimeSpan ComeBackMax = TimeSpan.FromSeconds(60);

    private readonly LocalNetwork _network;
    private readonly LiveValidators _live;
    private readonly TimeSpan _every;
    private readonly int[] _kills;
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(2) };
    private Task _comingBack = Task.CompletedTask;
    private int? _lastKilled;

    public LeaderKiller(LocalNetwork network, LiveValidators live, int everySeconds)
    {
        _network = network;
        _live = live;
        _every = TimeSpan.FromSeconds(everySeconds);
        _kills = new int[live.Count];
    }

    public int EverySeconds => (int)_every.TotalSeconds;

    /// <summary>Kills of validator <paramref name="index"/> so far: a validator whose count moved was restarted, and its counters reset.</summary>
    public int KillsOf(int index) => Volatile.Read(ref _kills[index]);

    /// <summary>Kills leaders from <paramref name="startTimestamp"/> + S every S until <paramref name="endTimestamp"/>; returns how many it killed.</summary>
    public async Task<int> RunAsync(long startTimestamp, long endTimestamp, CancellationToken ct)
    {
        var kills = 0;
        var everyTicks = (long)(_every.TotalSeconds * Stopwatch.Frequency);
        for (var due = startTimestamp + everyTicks; due < endTimestamp; due += everyTicks)
        {
            var wait = TimeSpan.FromSeconds((due - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, ct).ConfigureAwait(false);
            }

            if (_lastKilled is { } last && !_live.IsUp(last))
            {
                Console.Error.WriteLine("fairway bench: leader kill skipped: the last killed validator is not back yet");
                continue;
            }

            var leader = await CurrentLeaderAsync(ct).ConfigureAwait(false);
            if (leader is not { } index)
            {
                Console.Error.WriteLine("fairway bench: leader kill skipped: no live validator named a leader");
                continue;
            }

            if (!_live.IsUp(index))
            {
                // A validator crashed for the whole run (--crashed) may still be drawn until reputation passes it over.
                Console.Error.WriteLine($"fairway bench: leader kill skipped: leader {index} is already down");
                continue;
            }

            _lastKilled = index;
            _live.SetDown(index, true);
            _network.Kill(index);
            Interlocked.Increment(ref _kills[index]);
            _network.Restart(index);
            kills++;
            Console.Error.WriteLine($"fairway bench: killed leader {index} and restarted it");
            _comingBack = MarkUpWhenAnsweringAsync(index, ct);
        }

        return kills;
    }

    /// <summary>Waits (bounded) for the last restarted validator to answer, so the next rate starts with all of them up.</summary>
    public async Task WaitAllBackAsync() => await _comingBack.ConfigureAwait(false);

    private async Task<int?> CurrentLeaderAsync(CancellationToken ct)
    {
        foreach (var i in _live.UpIndices())
        {
            if (await ValidatorMetrics.ReadAsync(_client, _live.All[i], ct).ConfigureAwait(false) is { } m
                && m.Leader >= 0 && m.Leader < _live.Count)
            {
                return m.Leader;
            }
        }

        return null;
    }

    private async Task MarkUpWhenAnsweringAsync(int index, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(ComeBackMax.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline && !ct.IsCancellationRequested)
        {
            if (await ValidatorMetrics.ReadAsync(_client, _live.All[index], ct).ConfigureAwait(false) is not null)
            {
                _live.SetDown(index, false);
                return;
            }

            try
            {
                await Task.Delay(100, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        Console.Error.WriteLine($"fairway bench: validator {index} did not answer within {ComeBackMax.TotalSeconds:0} s of its restart");
    }

    public void Dispose() => _client.Dispose();
}

using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Fairway.Chaos;
using Fairway.Chaos.History;
using Fairway.Client;
using Fairway.Core.Crypto;

namespace Fairway.Cli.Chaos;

/// <summary>
/// The campaign's clients: transactions submitted through the SDK at a steady rate, the validators taken in turn, and
/// every receipted one followed until a validator reports it <c>firm</c>. Every operation is recorded with what its
/// client saw: refused (a clear answer), failed (no answer: it may or may not have been taken), received (a verified
/// receipt), firm (with the height). A validator with too many requests hanging (paused, partitioned from its clients
/// by a dead socket) is passed over for the next, as a real client would.
/// </summary>
internal sealed class ChaosWorkload : IDisposable
{
    private const int InFlightPerValidator = 16;
    private const int StatusChecksInFlight = 16;
    private const int StatusChecksPerTick = 256;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    private readonly IReadOnlyList<FairwayClient> _clients;
    private readonly List<HttpClient> _http = [];
    private readonly ChaosClock _clock;
    private readonly ulong _namespace;
    private readonly int _rate;
    private readonly int _seed;
    private readonly int[] _inFlight;
    private readonly ConcurrentDictionary<long, Op> _ops = new();
    private readonly ConcurrentDictionary<long, Op> _pending = new();
    private long _skipped;

    public ChaosWorkload(IReadOnlyList<Uri> apis, TrustedChain trust, ChaosClock clock, ulong @namespace, int rate, int seed)
    {
        _clock = clock;
        _namespace = @namespace;
        _rate = rate;
        _seed = seed;
        _inFlight = new int[apis.Count];
        var clients = new List<FairwayClient>();
        foreach (var api in apis)
        {
            var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = InFlightPerValidator + StatusChecksInFlight, ConnectTimeout = TimeSpan.FromSeconds(2) }) { Timeout = RequestTimeout };
            _http.Add(http);
            clients.Add(new FairwayClient(api, trust, http));
        }

        _clients = clients;
    }

    /// <summary>Submissions skipped because every validator had <see cref="InFlightPerValidator"/> requests hanging.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    public int PendingCount => _pending.Count;

    /// <summary>Submits at the rate until <paramref name="stopSubmitting"/>; follows statuses until <paramref name="stopAll"/>.</summary>
    public async Task RunAsync(CancellationToken stopSubmitting, CancellationToken stopAll)
    {
        var follow = FollowStatusesAsync(stopAll);
        await SubmitAsync(stopSubmitting, stopAll).ConfigureAwait(false);
        await follow.ConfigureAwait(false);
    }

    public IReadOnlyList<ClientOp> Snapshot() => _ops.Values.OrderBy(o => o.Id).Select(o => o.ToRecord()).ToList();

    private async Task SubmitAsync(CancellationToken stop, CancellationToken stopAll)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        var started = _clock.NowMs;
        long next = 0;
        var submissions = new List<Task>();
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                var due = (_clock.NowMs - started) * _rate / 1000;
                for (; next < due; next++)
                {
                    if (PickValidator(next) is not { } validator)
                    {
                        Interlocked.Increment(ref _skipped);
                        continue;
                    }

                    submissions.Add(SubmitOneAsync(next, validator, stopAll));
                }

                submissions.RemoveAll(t => t.IsCompleted);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        await Task.WhenAll(submissions).ConfigureAwait(false);
    }

    private int? PickValidator(long id)
    {
        for (var step = 0; step < _clients.Count; step++)
        {
            var v = (int)((id + step) % _clients.Count);
            if (Volatile.Read(ref _inFlight[v]) < InFlightPerValidator)
            {
                return v;
            }
        }

        return null;
    }

    private async Task SubmitOneAsync(long id, int validator, CancellationToken ct)
    {
        // Unique and reproducible in its prefix: the seed and the operation's number, then random bytes so two
        // campaigns on one chain never collide.
        var payload = Encoding.UTF8.GetBytes($"chaos {_seed} {id} {Convert.ToHexString(RandomNumberGenerator.GetBytes(8))}");
        var tx = new Core.Chain.Transaction(_namespace, payload).Hash;
        var op = new Op(id, tx, _namespace, validator, _clock.NowMs);
        _ops[id] = op;
        Interlocked.Increment(ref _inFlight[validator]);
        try
        {
            var receipt = await _clients[validator].SubmitAsync(_namespace, payload, ct).ConfigureAwait(false);
            op.ReceivedAtMs = _clock.NowMs;
            op.Outcome = OpOutcome.Received;
            op.NextCheckMs = op.ReceivedAtMs.Value + 250;
            _ = receipt;
            _pending[id] = op;
        }
        catch (HttpRequestException e) when (e.StatusCode is { } status && ((int)status is >= 400 and < 500 || status == HttpStatusCode.ServiceUnavailable))
        {
            op.Outcome = OpOutcome.Refused;
            op.Error = Short(e.Message);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or VerificationException && !ct.IsCancellationRequested)
        {
            op.Outcome = OpOutcome.Failed;
            op.Error = Short(e.Message);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            op.Outcome = OpOutcome.Failed;
            op.Error = "the campaign ended first";
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight[validator]);
        }
    }

    private async Task FollowStatusesAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        using var gate = new SemaphoreSlim(StatusChecksInFlight);
        var checks = new List<Task>();
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                var now = _clock.NowMs;
                foreach (var op in _pending.Values.Where(o => o.NextCheckMs <= now && !o.Checking).OrderBy(o => o.NextCheckMs).Take(StatusChecksPerTick))
                {
                    op.Checking = true;
                    checks.Add(CheckAsync(op, gate, stop));
                }

                checks.RemoveAll(t => t.IsCompleted);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        await Task.WhenAll(checks).ConfigureAwait(false);
    }

    private async Task CheckAsync(Op op, SemaphoreSlim gate, CancellationToken ct)
    {
        try
        {
            await gate.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            op.Checking = false;
            return;
        }

        try
        {
            // Ask the validator that took it first; any other validator's answer is as good (statuses are of one chain).
            for (var step = 0; step < _clients.Count && !ct.IsCancellationRequested; step++)
            {
                var v = (op.Validator + step + op.Checks) % _clients.Count;
                try
                {
                    var status = await _clients[v].GetStatusAsync(op.Tx, ct).ConfigureAwait(false);
                    if (status is { Level: >= Commitment.Firm, Height: { } height })
                    {
                        op.FirmAtMs = _clock.NowMs;
                        op.FirmHeight = height;
                        op.Outcome = OpOutcome.Firm;
                        _pending.TryRemove(op.Id, out _);
                    }

                    break;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or VerificationException or System.Text.Json.JsonException && !ct.IsCancellationRequested)
                {
                    // That validator could not answer; the next one may.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            op.Checks++;
            op.NextCheckMs = _clock.NowMs + Math.Min(2_000, 250L << Math.Min(op.Checks, 3));
            op.Checking = false;
            gate.Release();
        }
    }

    private static string Short(string message) => message.Length <= 200 ? message : message[..200];

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        foreach (var http in _http)
        {
            http.Dispose();
        }
    }

    private sealed class Op(long id, Hash tx, ulong @namespace, int validator, long submittedAtMs)
    {
        public long Id { get; } = id;
        public Hash Tx { get; } = tx;
        public int Validator { get; } = validator;
        public volatile bool Checking;
        public OpOutcome Outcome { get; set; } = OpOutcome.Failed;
        public long? ReceivedAtMs { get; set; }
        public long? FirmAtMs { get; set; }
        public ulong? FirmHeight { get; set; }
        public string? Error { get; set; } = "no answer yet";
        public long NextCheckMs { get; set; }
        public int Checks { get; set; }

        public ClientOp ToRecord() => new(Id, Tx.ToHex(), @namespace, Validator, submittedAtMs, Outcome, ReceivedAtMs, FirmAtMs, FirmHeight, null, Outcome is OpOutcome.Received or OpOutcome.Firm ? null : Error);
    }
}

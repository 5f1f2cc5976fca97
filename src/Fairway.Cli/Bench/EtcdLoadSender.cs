using System.Diagnostics;
using System.Globalization;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;

namespace Fairway.Cli.Bench;

/// <summary>
/// One client of the open-loop load against etcd, the counterpart of <see cref="LoadSender"/>: sender <c>k</c> of
/// <c>S</c> owns transactions <c>k, k+S, ...</c> of the schedule, and every few milliseconds starts one gRPC
/// <c>Put</c> per due transaction, the members taken in turn. Calls do not wait for each other (up to
/// <see cref="InFlightMax"/> at once); past that bound the sends fall behind, and the delay shows in the latencies,
/// which count from the schedule. A put that returns OK is committed, so it is marked received and firm at once.
/// </summary>
internal sealed class EtcdLoadSender : IDisposable
{
    public const int InFlightMax = 256;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(3);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private readonly List<GrpcChannel> _channels;
    private readonly List<CallInvoker> _members;
    private readonly int _senderIndex;
    private readonly int _senderCount;
    private readonly BenchPayload _payload;
    private int _nextMember;

    public EtcdLoadSender(IReadOnlyList<Uri> members, int senderIndex, int senderCount, BenchPayload payload)
    {
        _senderIndex = senderIndex;
        _senderCount = senderCount;
        _payload = payload;
        _nextMember = senderIndex % members.Count;
        // A channel of its own per member and sender: the load is spread over several HTTP/2 connections, as the
        // validators' load is over several HTTP connection pools.
        _channels = members.Select(m => GrpcChannel.ForAddress(m, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                PooledConnectionLifetime = TimeSpan.FromMinutes(30),
            },
            DisposeHttpClient = true,
            ThrowOperationCanceledOnCancellation = true,
        })).ToList();
        _members = _channels.Select(c => c.CreateCallInvoker()).ToList();
    }

    /// <summary>The key of transaction <paramref name="counter"/>: unique within the run, so every put writes a new key.</summary>
    public static byte[] Key(ulong counter) => Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"fairway-bench/{counter:x16}"));

    public async Task RunAsync(RateRun run, CancellationToken ct)
    {
        var schedule = run.Schedule;
        using var inFlight = new SemaphoreSlim(InFlightMax);
        var next = _senderIndex;
        try
        {
            using var timer = new PeriodicTimer(Tick);
            while (next < schedule.Count)
            {
                var due = schedule.DueCount(Stopwatch.GetTimestamp());
                for (; next < due; next += _senderCount)
                {
                    await inFlight.WaitAsync(ct).ConfigureAwait(false);
                    var member = _nextMember;
                    _nextMember = (member + 1) % _members.Count;
                    _ = PutAsync(run, next, member, inFlight, ct);
                }

                if (next >= schedule.Count)
                {
                    break;
                }

                await timer.WaitForNextTickAsync(ct).ConfigureAwait(false);
            }
        }
        finally
        {
            // Every call holds a slot until it ends, and ends by its deadline at the latest: once all slots are held
            // again, none is left running and the semaphore can go (also after Ctrl-C).
            for (var i = 0; i < InFlightMax; i++)
            {
                await inFlight.WaitAsync(CallTimeout + TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private async Task PutAsync(RateRun run, int index, int member, SemaphoreSlim inFlight, CancellationToken ct)
    {
        try
        {
            var counter = run.CounterBase + (ulong)index;
            var request = EtcdPut.Encode(Key(counter), _payload.TxBytes, out var valueOffset);
            _payload.Write(counter, request.AsSpan(valueOffset));
            try
            {
                using var call = _members[member].AsyncUnaryCall(EtcdPut.Method, null, new CallOptions(deadline: DateTime.UtcNow + CallTimeout, cancellationToken: ct), request);
                await call.ResponseAsync.ConfigureAwait(false);
                var done = Stopwatch.GetTimestamp();
                run.MarkReceived(index, done, accepted: true);
                run.MarkFirm(counter, done);
            }
            catch (RpcException e) when (!ct.IsCancellationRequested)
            {
                Failed(run, index, $"{e.StatusCode} from etcd member {member}: {e.Status.Detail}");
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // The channel reports a call past its deadline as cancelled.
                Failed(run, index, $"no answer from etcd member {member} within {CallTimeout.TotalSeconds:0} s");
            }
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException && ct.IsCancellationRequested)
        {
        }
        finally
        {
            inFlight.Release();
        }
    }

    private static void Failed(RateRun run, int index, string error)
    {
        run.LastError = error;
        run.MarkReceived(index, Stopwatch.GetTimestamp(), accepted: false);
    }

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }
}

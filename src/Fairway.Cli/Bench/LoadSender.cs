using System.Buffers;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Fairway.Cli.Bench;

/// <summary>
/// One client connection pool of the open-loop load. Sender <c>k</c> of <c>S</c> owns transactions
/// <c>k, k+S, k+2S, ...</c> of the schedule; every few milliseconds it posts all of its due transactions as
/// <c>POST /v1/submit/batch</c> requests (at most 1,000 each), the validators taken in turn. Requests do not wait for
/// each other (up to <see cref="InFlightMax"/> at once), so a slow response does not hold back the schedule; when even
/// that bound is reached the sends fall behind, and the delay shows in the latencies, which count from the schedule.
/// </summary>
internal sealed class LoadSender : IDisposable
{
    public const int BatchMax = 1_000;
    private const int InFlightMax = 64;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(3);
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _client;
    private readonly IReadOnlyList<Uri> _validators;
    private readonly int _senderIndex;
    private readonly int _senderCount;
    private readonly BenchPayload _payload;
    private readonly SoftSampler _soft;
    private int _nextValidator;

    public LoadSender(IReadOnlyList<Uri> validators, int senderIndex, int senderCount, BenchPayload payload, SoftSampler soft)
    {
        _validators = validators;
        _senderIndex = senderIndex;
        _senderCount = senderCount;
        _payload = payload;
        _soft = soft;
        _nextValidator = senderIndex % validators.Count;
        _client = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(30),
            MaxConnectionsPerServer = InFlightMax,
        })
        { Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task RunAsync(RateRun run, long softDeadline, CancellationToken ct)
    {
        var schedule = run.Schedule;
        using var inFlight = new SemaphoreSlim(InFlightMax);
        var requests = new List<Task>();
        var next = _senderIndex;
        using var timer = new PeriodicTimer(Tick);
        while (next < schedule.Count)
        {
            var due = schedule.DueCount(Stopwatch.GetTimestamp());
            while (next < due)
            {
                var indices = new List<int>(Math.Min(BatchMax, (due - next + _senderCount - 1) / _senderCount));
                for (; next < due && indices.Count < BatchMax; next += _senderCount)
                {
                    indices.Add(next);
                }

                await inFlight.WaitAsync(ct).ConfigureAwait(false);
                var validator = _validators[_nextValidator];
                _nextValidator = (_nextValidator + 1) % _validators.Count;
                requests.Add(SendAsync(run, indices, validator, inFlight, softDeadline, ct));
            }

            if (next >= schedule.Count)
            {
                break;
            }

            await timer.WaitForNextTickAsync(ct).ConfigureAwait(false);
        }

        await Task.WhenAll(requests).ConfigureAwait(false);
    }

    private async Task SendAsync(RateRun run, List<int> indices, Uri validator, SemaphoreSlim inFlight, long softDeadline, CancellationToken ct)
    {
        try
        {
            using var content = new ByteArrayContent(BuildBody(run, indices));
            content.Headers.ContentType = Json;
            byte[] body;
            long received;
            try
            {
                using var response = await _client.PostAsync(new Uri(validator, "/v1/submit/batch"), content, ct).ConfigureAwait(false);
                body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
                received = Stopwatch.GetTimestamp();
                if (!response.IsSuccessStatusCode)
                {
                    run.LastError = $"HTTP {(int)response.StatusCode} from {validator}";
                    MarkAll(run, indices, received, accepted: false);
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                run.LastError = $"{e.GetType().Name} from {validator}: {e.Message}";
                MarkAll(run, indices, Stopwatch.GetTimestamp(), accepted: false);
                return;
            }

            using var json = JsonDocument.Parse(body);
            var position = 0;
            foreach (var result in json.RootElement.EnumerateArray())
            {
                if (position >= indices.Count)
                {
                    break;
                }

                var index = indices[position++];
                var accepted = result.TryGetProperty("hash", out var hash);
                if (!accepted && result.TryGetProperty("error", out var error) && error.TryGetProperty("code", out var code))
                {
                    run.LastError = $"{code.GetString()} from {validator}";
                }

                run.MarkReceived(index, received, accepted);
                if (accepted && (run.CounterBase + (ulong)index) % SoftSampler.SampleEvery == 0)
                {
                    _soft.Track(run, index, validator, hash.GetString()!, softDeadline, ct);
                }
            }

            for (; position < indices.Count; position++)
            {
                run.MarkReceived(indices[position], received, accepted: false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            inFlight.Release();
        }
    }

    private static void MarkAll(RateRun run, List<int> indices, long timestamp, bool accepted)
    {
        foreach (var index in indices)
        {
            run.MarkReceived(index, timestamp, accepted);
        }
    }

    private byte[] BuildBody(RateRun run, List<int> indices)
    {
        var buffer = new ArrayBufferWriter<byte>(indices.Count * (_payload.TxBytes * 4 / 3 + 48) + 16);
        var raw = ArrayPool<byte>.Shared.Rent(_payload.TxBytes);
        try
        {
            using var writer = new Utf8JsonWriter(buffer);
            writer.WriteStartArray();
            foreach (var index in indices)
            {
                var payload = raw.AsSpan(0, _payload.TxBytes);
                _payload.Write(run.CounterBase + (ulong)index, payload);
                writer.WriteStartObject();
                writer.WriteNumber("namespace", BenchPayload.Namespace);
                writer.WriteBase64String("payload", payload);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public void Dispose() => _client.Dispose();
}

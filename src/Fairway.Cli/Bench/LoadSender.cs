using System.Buffers;
using System.Diagnostics;
using System.Net.Http.Headers;
using Fairway.Core.Encoding;

namespace Fairway.Cli.Bench;

/// <summary>
/// One client connection pool of the open-loop load. Sender <c>k</c> of <c>S</c> owns transactions
/// <c>k, k+S, k+2S, ...</c> of the schedule; every few milliseconds it posts all of its due transactions as
/// <c>POST /v1/submit/batch</c> requests in the binary form (at most 1,000 transactions and about 1 MiB each), the
/// live validators taken in turn (a crashed or killed one is skipped until it answers again). Requests do not wait for each other (up to <see cref="InFlightMax"/> at once), so a slow
/// response does not hold back the schedule; when even that bound is reached the sends fall behind, and the delay shows
/// in the latencies, which count from the schedule.
/// </summary>
internal sealed class LoadSender : IDisposable
{
    public const int BatchMax = 1_000;

    /// <summary>Bytes per request: well under a node's default request limit (8 MiB), so large payloads still fit.</summary>
    private const int RequestBytesBudget = 1024 * 1024;
    private const int InFlightMax = 64;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(3);
    private static readonly MediaTypeHeaderValue BatchType = new(SubmitBatchFormat.RequestContentType);

    private readonly HttpClient _client;
    private readonly LiveValidators _validators;
    private readonly int _senderIndex;
    private readonly int _senderCount;
    private readonly BenchPayload _payload;
    private readonly SoftSampler _soft;
    private readonly int _recordBytes;
    private readonly int _recordsPerRequest;
    private int _nextValidator;

    public LoadSender(LiveValidators validators, int senderIndex, int senderCount, BenchPayload payload, SoftSampler soft)
    {
        _validators = validators;
        _senderIndex = senderIndex;
        _senderCount = senderCount;
        _payload = payload;
        _soft = soft;
        _recordBytes = SubmitBatchFormat.RecordBytes(payload.SubmittedBytes);
        _recordsPerRequest = Math.Clamp(RequestBytesBudget / _recordBytes, 1, BatchMax);
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
                var indices = new List<int>(Math.Min(_recordsPerRequest, (due - next + _senderCount - 1) / _senderCount));
                for (; next < due && indices.Count < _recordsPerRequest; next += _senderCount)
                {
                    indices.Add(next);
                }

                await inFlight.WaitAsync(ct).ConfigureAwait(false);
                var target = _validators.NextUp(_nextValidator);
                var validator = _validators.All[target];
                _nextValidator = (target + 1) % _validators.Count;
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
        var body = ArrayPool<byte>.Shared.Rent(indices.Count * _recordBytes);
        try
        {
            var length = BuildBody(run, indices, body);
            byte[] answer;
            long received;
            try
            {
                using var content = new ByteArrayContent(body, 0, length);
                content.Headers.ContentType = BatchType;
                using var response = await _client.PostAsync(new Uri(validator, "/v1/submit/batch"), content, ct).ConfigureAwait(false);
                answer = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
                received = Stopwatch.GetTimestamp();
                if (!response.IsSuccessStatusCode)
                {
                    run.LastError = $"HTTP {(int)response.StatusCode} from {validator}";
                    MarkAll(run, indices, received, accepted: false);
                    return;
                }

                if (!string.Equals(response.Content.Headers.ContentType?.MediaType, SubmitBatchFormat.ResultContentType, StringComparison.OrdinalIgnoreCase))
                {
                    run.LastError = $"{validator} answered with {response.Content.Headers.ContentType?.MediaType ?? "no content type"}, not {SubmitBatchFormat.ResultContentType}";
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

            MarkResults(run, indices, validator, answer, received, softDeadline, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
            inFlight.Release();
        }
    }

    /// <summary>One 33-byte record per transaction, in order; transactions the answer does not cover count as not accepted.</summary>
    private void MarkResults(RateRun run, List<int> indices, Uri validator, byte[] answer, long received, long softDeadline, CancellationToken ct)
    {
        if (answer.Length != indices.Count * SubmitBatchFormat.ResultRecordBytes)
        {
            run.LastError = $"{validator} answered {answer.Length} bytes for {indices.Count} transactions";
        }

        var position = 0;
        try
        {
            for (; position < indices.Count && (position + 1) * SubmitBatchFormat.ResultRecordBytes <= answer.Length; position++)
            {
                var (status, hash) = SubmitBatchFormat.ReadResult(answer.AsSpan(position * SubmitBatchFormat.ResultRecordBytes));
                var index = indices[position];
                var accepted = status != SubmitBatchStatus.Busy;
                if (!accepted)
                {
                    run.LastError = $"busy from {validator}";
                }

                run.MarkReceived(index, received, accepted);
                if (accepted && (run.CounterBase + (ulong)index) % SoftSampler.SampleEvery == 0)
                {
                    _soft.Track(run, index, validator, hash.ToHex(), softDeadline, ct);
                }
            }
        }
        catch (EncodingException e)
        {
            run.LastError = $"{validator}: {e.Message}";
        }

        for (; position < indices.Count; position++)
        {
            run.MarkReceived(indices[position], received, accepted: false);
        }
    }

    private static void MarkAll(RateRun run, List<int> indices, long timestamp, bool accepted)
    {
        foreach (var index in indices)
        {
            run.MarkReceived(index, timestamp, accepted);
        }
    }

    /// <summary>Writes the binary records straight into <paramref name="body"/>, payloads generated in place; returns the length.</summary>
    private int BuildBody(RateRun run, List<int> indices, byte[] body)
    {
        var position = 0;
        foreach (var index in indices)
        {
            var record = body.AsSpan(position, _recordBytes);
            SubmitBatchFormat.WriteRecordHeader(record, BenchPayload.Namespace, _payload.SubmittedBytes);
            _payload.WriteSubmitted(run.CounterBase + (ulong)index, record[SubmitBatchFormat.RecordHeaderBytes..]);
            position += _recordBytes;
        }

        return position;
    }

    public void Dispose() => _client.Dispose();
}

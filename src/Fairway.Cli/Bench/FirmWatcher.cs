using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;

namespace Fairway.Cli.Bench;

/// <summary>
/// Follows <c>/v1/stream/transactions/{from}/namespace/{ns}</c> on one validator and records, for every bench payload
/// in each committed block, the time its block arrived: the send -> firm latency. If the stream drops it reconnects from
/// the next height, to the next live validator, so a killed validator does not stall the measurement.
/// </summary>
internal sealed class FirmWatcher
{
    private readonly LiveValidators _validators;
    private int _current;
    private readonly BenchPayload _payload;
    private readonly Lock _gate = new();
    private readonly List<RateRun> _runs = [];
    private ulong _nextHeight;
    private long _blocks;

    public FirmWatcher(LiveValidators validators, BenchPayload payload, ulong fromHeight)
    {
        _validators = validators;
        _payload = payload;
        _nextHeight = Math.Max(1, fromHeight);
    }

    public long Blocks => Interlocked.Read(ref _blocks);

    public string? LastError { get; private set; }

    public void Add(RateRun run)
    {
        lock (_gate)
        {
            _runs.Add(run);
        }
    }

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            _current = _validators.NextUp(_current);
            try
            {
                await FollowAsync(_validators.All[_current], ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or JsonException or IOException or HttpRequestException)
            {
                LastError = e.Message;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }

            _current = (_current + 1) % _validators.Count;
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct).ConfigureAwait(false);
        }
    }

    private async Task FollowAsync(Uri validator, CancellationToken ct)
    {
        var ws = new UriBuilder(validator) { Scheme = validator.Scheme == "https" ? "wss" : "ws" };
        ws.Path = $"/v1/stream/transactions/{_nextHeight.ToString(CultureInfo.InvariantCulture)}/namespace/{BenchPayload.Namespace.ToString(CultureInfo.InvariantCulture)}";
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(ws.Uri, ct).ConfigureAwait(false);
        var buffer = new byte[1 << 20];
        while (socket.State == WebSocketState.Open)
        {
            var length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                if (length == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                result = await socket.ReceiveAsync(buffer.AsMemory(length), ct).ConfigureAwait(false);
                length += result.Count;
            }
            while (!result.EndOfMessage);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            Handle(buffer.AsMemory(0, length), Stopwatch.GetTimestamp());
        }
    }

    private void Handle(ReadOnlyMemory<byte> message, long arrived)
    {
        using var json = JsonDocument.Parse(message);
        var root = json.RootElement;
        _nextHeight = root.GetProperty("height").GetUInt64() + 1;
        Interlocked.Increment(ref _blocks);
        if (!root.TryGetProperty("transactions", out var transactions))
        {
            return;
        }

        RateRun[] runs;
        lock (_gate)
        {
            runs = [.. _runs];
        }

        foreach (var tx in transactions.EnumerateArray())
        {
            if (!tx.TryGetProperty("payload", out var payload) || !_payload.TryReadCounter(payload.GetString(), out var counter))
            {
                continue;
            }

            for (var i = runs.Length - 1; i >= 0; i--)
            {
                if (runs[i].Owns(counter))
                {
                    runs[i].MarkFirm(counter, arrived);
                    break;
                }
            }
        }
    }
}

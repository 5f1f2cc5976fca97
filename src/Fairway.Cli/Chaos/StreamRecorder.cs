using System.Collections.Concurrent;
using Fairway.Chaos;
using Fairway.Chaos.History;
using Fairway.Client;

namespace Fairway.Cli.Chaos;

/// <summary>
/// Follows one namespace's stream from every validator, as a rollup would, and records each height delivered. The SDK
/// verifies every height and reconnects by itself; when it gives up (an error it cannot retry) the recorder notes a
/// reconnect and resumes after the last height it recorded. An answer that fails verification is kept as a finding.
/// </summary>
internal sealed class StreamRecorder
{
    private readonly IReadOnlyList<Uri> _apis;
    private readonly TrustedChain _trust;
    private readonly ChaosClock _clock;
    private readonly ulong _namespace;
    private readonly ConcurrentQueue<StreamDelivery> _deliveries = new();
    private readonly ConcurrentQueue<StreamReconnect> _reconnects = new();
    private readonly ConcurrentQueue<Finding> _findings = new();
    private readonly long[] _last;

    public StreamRecorder(IReadOnlyList<Uri> apis, TrustedChain trust, ChaosClock clock, ulong @namespace)
    {
        _apis = apis;
        _trust = trust;
        _clock = clock;
        _namespace = @namespace;
        _last = new long[apis.Count];
    }

    public IReadOnlyList<StreamDelivery> Deliveries => [.. _deliveries];

    public IReadOnlyList<StreamReconnect> Reconnects => [.. _reconnects];

    public IReadOnlyList<Finding> Findings => [.. _findings];

    /// <summary>The last height node <paramref name="node"/>'s stream delivered (0 before the first).</summary>
    public ulong LastHeight(int node) => (ulong)Interlocked.Read(ref _last[node]);

    public Task RunAsync(CancellationToken stop) => Task.WhenAll(Enumerable.Range(0, _apis.Count).Select(i => FollowAsync(i, stop)));

    private async Task FollowAsync(int node, CancellationToken stop)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var client = new FairwayClient(_apis[node], _trust, http);
        var from = 1UL;

        // The first subscription is recorded like every later one: it fixes the height this stream must start at.
        _reconnects.Enqueue(new StreamReconnect(node, _namespace, from, _clock.NowMs));
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await foreach (var block in client.StreamNamespaceAsync(from, _namespace, stop).ConfigureAwait(false))
                {
                    _deliveries.Enqueue(new StreamDelivery(node, _namespace, block.Height, block.OutputHash.ToHex(), block.Transactions.Select(t => t.Hash.ToHex()).ToList(), _clock.NowMs));
                    Interlocked.Exchange(ref _last[node], (long)block.Height);
                    from = block.Height + 1;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (VerificationException e)
            {
                _findings.Enqueue(new Finding("stream_unverifiable", $"validator {node}'s stream at height {from}: {e.Message}"));
            }
            catch (Exception e) when (e is HttpRequestException or IOException or System.Net.WebSockets.WebSocketException or System.Text.Json.JsonException or TaskCanceledException)
            {
                // Down or restarting: resume below.
            }

            _reconnects.Enqueue(new StreamReconnect(node, _namespace, from, _clock.NowMs));
            try
            {
                await Task.Delay(1_000, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

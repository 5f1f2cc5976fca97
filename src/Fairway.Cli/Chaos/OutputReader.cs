using System.Collections.Concurrent;
using System.Globalization;
using Fairway.Chaos.History;
using Fairway.Client;

namespace Fairway.Cli.Chaos;

/// <summary>
/// Reads, at the end of a campaign, each validator's whole output for the campaign's namespace: every height from 1 to
/// the height it has indexed, each verified by the SDK against the chain's validator set. A node that cannot be read
/// to its tip is marked incomplete and compared only where it answered.
/// </summary>
internal static class OutputReader
{
    private const int ReadsInFlight = 8;

    public static async Task<IReadOnlyList<NodeOutputs>> ReadAllAsync(IReadOnlyList<Uri> apis, TrustedChain trust, ulong @namespace, ConcurrentQueue<Finding> findings, CancellationToken ct)
    {
        var outputs = new List<NodeOutputs>();
        for (var node = 0; node < apis.Count; node++)
        {
            outputs.Add(await ReadAsync(node, apis[node], trust, @namespace, findings, ct).ConfigureAwait(false));
        }

        return outputs;
    }

    private static async Task<NodeOutputs> ReadAsync(int node, Uri api, TrustedChain trust, ulong @namespace, ConcurrentQueue<Finding> findings, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var client = new FairwayClient(api, trust, http);
        ulong tip;
        try
        {
            tip = ulong.Parse(await http.GetStringAsync(new Uri(api, "/v1/node/block-height"), ct).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or FormatException && !ct.IsCancellationRequested)
        {
            return new NodeOutputs(node, @namespace, new Dictionary<ulong, HeightOutput>(), Complete: false);
        }

        var heights = new ConcurrentDictionary<ulong, HeightOutput>();
        var complete = true;
        using var gate = new SemaphoreSlim(ReadsInFlight);
        var reads = new List<Task>();
        for (var h = 1UL; h <= tip; h++)
        {
            await gate.WaitAsync(ct).ConfigureAwait(false);
            var height = h;
            reads.Add(Task.Run(
                async () =>
                {
                    try
                    {
                        for (var attempt = 0; attempt < 3; attempt++)
                        {
                            try
                            {
                                var block = await client.GetNamespaceAsync(height, @namespace, ct).ConfigureAwait(false);
                                heights[height] = new HeightOutput(block.OutputHash.ToHex(), block.Transactions.Select(t => t.Hash.ToHex()).ToList());
                                return;
                            }
                            catch (VerificationException e)
                            {
                                findings.Enqueue(new Finding("output_unverifiable", $"validator {node} at height {height}: {e.Message}"));
                                break;
                            }
                            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or System.Text.Json.JsonException && !ct.IsCancellationRequested)
                            {
                                await Task.Delay(200, ct).ConfigureAwait(false);
                            }
                        }

                        complete = false;
                    }
                    finally
                    {
                        gate.Release();
                    }
                },
                ct));
        }

        await Task.WhenAll(reads).ConfigureAwait(false);
        return new NodeOutputs(node, @namespace, new Dictionary<ulong, HeightOutput>(heights), complete);
    }
}

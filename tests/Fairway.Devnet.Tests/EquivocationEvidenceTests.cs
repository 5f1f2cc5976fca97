using System.Text.Json;
using Fairway.Consensus.Messages;
using Xunit.Abstractions;

namespace Fairway.Devnet.Tests;

/// <summary>
/// Consensus evidence gossip on real validator processes. Validator 3 runs the test-only vote equivocation: its real vote
/// goes to everyone, a second vote for the same round on a made-up block to validator 0 alone. Only validator 0 can
/// see the two votes; validators 1 and 2 must hold the evidence all the same, from the gossip, while the chain goes on.
/// </summary>
[Collection("processes")]
public class EquivocationEvidenceTests(ITestOutputHelper output)
{
    private const int Equivocator = 3;
    private const int Witness = 0;
    private static readonly int[] All = [0, 1, 2, 3];

    [Fact]
    public async Task Vote_equivocation_one_validator_saw_reaches_every_honest_validator_and_the_chain_goes_on()
    {
        await using var cluster = new TestCluster();
        cluster.SetConfig(Equivocator, "test_equivocate_votes", true);
        cluster.AllowTestSettings = true;
        cluster.StartAll();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await cluster.WaitForHeightAsync(All, 3);

        foreach (var node in new[] { 0, 1, 2 })
        {
            JsonElement? found = null;
            await TestCluster.WaitUntilAsync(async () =>
            {
                found = await VoteEvidenceAsync(http, cluster, node);
                return found is not null;
            }, $"conflicting_votes against validator {Equivocator} at validator {node}");
            var record = found!.Value;

            // The record holds the two signed votes themselves: same voter, same round, two blocks.
            var first = Assert.IsType<VoteMessage>(MessageCodec.Decode(Convert.FromHexString(record.GetProperty("first").GetString()!)));
            var second = Assert.IsType<VoteMessage>(MessageCodec.Decode(Convert.FromHexString(record.GetProperty("second").GetString()!)));
            var round = record.GetProperty("round").GetUInt64();
            Assert.Equal((Equivocator, Equivocator), (first.Voter, second.Voter));
            Assert.Equal((round, round), (first.Round, second.Round));
            Assert.NotEqual(first.BlockHash, second.BlockHash);
            output.WriteLine($"validator {node}: conflicting votes by {Equivocator} in round {round}");

            // Validator 0 found it; the others never received the second vote, so theirs came from a peer.
            await cluster.WaitForLogAsync(node, $"ConflictingVotes by validator {Equivocator} in round");
            await cluster.WaitForLogAsync(node, node == Witness ? "(found here)" : "(from validator");
            if (node != Witness)
            {
                Assert.DoesNotContain("(found here)", cluster.NodeLog(node), StringComparison.Ordinal);
            }
        }

        // Every validator, the equivocator too, keeps committing the same chain.
        var height = await cluster.MinHeightAsync(All);
        await cluster.WaitForHeightAsync(All, height + 5);
        await cluster.AssertSameChainAsync(All, height + 5);
        Assert.True(await cluster.MetricAsync(1, "fairway_evidence_total") >= 1);

        // What honest validators send on is real evidence: none of it may fail to verify anywhere.
        foreach (var node in All)
        {
            var metrics = await cluster.MetricsAsync(node) ?? "";
            foreach (var line in metrics.Split('\n').Where(l => l.StartsWith("fairway_evidence", StringComparison.Ordinal)))
            {
                output.WriteLine($"validator {node}: {line}");
            }

            Assert.DoesNotContain("fairway_evidence_refused_total{reason=\"does not verify\"}", metrics, StringComparison.Ordinal);
        }
    }

    private static async Task<JsonElement?> VoteEvidenceAsync(HttpClient http, TestCluster cluster, int node)
    {
        try
        {
            using var page = JsonDocument.Parse(await http.GetStringAsync(new Uri($"{cluster.Nodes[node].ApiUrl}/v1/evidence")));
            return page.RootElement.GetProperty("evidence").EnumerateArray()
                .Where(e => e.GetProperty("kind").GetString() == "conflicting_votes" && e.GetProperty("validator").GetInt32() == Equivocator)
                .Select(e => (JsonElement?)e.Clone())
                .FirstOrDefault();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}

using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Fairway.Api;

/// <summary>
/// <c>GET /v1/availability/block/{height}/fair</c>: the candidate lists a firm block carries and, for each transaction of
/// its <c>fair</c> namespaces, which lists named it and when each signer received it: the inclusion stage's inputs, in
/// JSON, so the explorer (or anyone) can show why a transaction was included without decoding the block's fair section.
/// The lists themselves are in the block (<c>header</c>), which the QC certifies; this is a reading of them, not a proof.
/// </summary>
internal static class FairBlockEndpoint
{
    /// <summary>Transactions described per answer at most; the rest are counted (a block may hold many thousands).</summary>
    public const int TransactionsMax = 1_000;

    public static void Map(WebApplication app, IValidatorApi node) =>
        app.MapGet("/v1/availability/block/{height}/fair", (string height) => Get(node, height));

    private static IResult Get(IValidatorApi node, string heightText)
    {
        if (!ApiEndpoints.TryParseHeight(heightText, out var height))
        {
            return ApiError.BadRequest("bad_height", "a height is a positive integer");
        }

        if (node.Query.GetBlock(height) is not { } committed)
        {
            return ApiError.NotFound($"no committed block at height {height} (committed height is {node.Query.IndexedHeight})");
        }

        var block = committed.Block;
        var lists = block.CandidateLists;
        var described = new JsonArray();
        var fairCount = 0;
        var output = committed.Transactions;
        for (var index = 0; index < output.Count; index++)
        {
            var tx = output[index];
            if (node.Namespaces.PolicyOf(tx.Namespace).Name != "fair")
            {
                continue;
            }

            fairCount++;
            if (described.Count >= TransactionsMax)
            {
                continue;
            }

            var listedBy = new JsonArray();
            ulong listedStake = 0;
            foreach (var list in lists)
            {
                if (list.TryGetReceivedAt(tx.Hash, out var receivedAt))
                {
                    listedBy.Add(new JsonObject { ["validator"] = list.Validator, ["received_at_ms"] = receivedAt });
                    listedStake += list.Validator < node.Validators.Count ? node.Validators.StakeOf(list.Validator) : 0;
                }
            }

            described.Add(new JsonObject
            {
                ["hash"] = tx.Hash.ToHex(),
                ["namespace"] = tx.Namespace,
                ["index"] = index,
                ["listed_by"] = listedBy,
                ["listed_stake"] = listedStake,
            });
        }

        return Results.Json(new JsonObject
        {
            ["height"] = height,
            // A transaction is included once lists holding more than the faulty stake name it.
            ["inclusion_stake"] = node.Validators.FaultyStakeMax + 1,
            ["lists"] = new JsonArray(lists.Select(l => (JsonNode)new JsonObject
            {
                ["validator"] = l.Validator,
                ["round"] = l.Round,
                ["clock_ms"] = l.ClockMs,
                ["entries"] = l.Entries.Count,
                ["digest"] = l.Digest.ToHex(),
            }).ToArray()),
            ["fair_transactions"] = fairCount,
            ["transactions"] = described,
        });
    }
}

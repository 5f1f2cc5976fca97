using System.Net;
using System.Net.Http.Json;
using System.Text;
using Fairway.Client;
using Fairway.Core.Chain;

namespace Fairway.Api.Tests;

/// <summary>
/// Atomic bundles through <c>POST /v1/submit/bundle</c> and the SDK on a real one-validator node: a bundle across fcfs
/// and fair namespaces lands whole in one height with each namespace's legs contiguous and in order, legs that repeat
/// pending single transactions do not break it, and every bad request gets its code with nothing kept.
/// </summary>
public sealed class BundleSubmitTests(SqliteNodeFixture node) : IClassFixture<SqliteNodeFixture>
{
    private static readonly TimeSpan FirmWithin = TimeSpan.FromSeconds(60);

    private static byte[] Payload(string text) => Encoding.UTF8.GetBytes($"{text}/{Guid.NewGuid()}");

    [Fact]
    public async Task A_bundle_across_fcfs_and_fair_namespaces_lands_whole_in_one_height_contiguous_and_in_order_with_proofs()
    {
        using var client = node.Client();
        (ulong, ReadOnlyMemory<byte>)[] legs = [(11, Payload("first")), (2, Payload("fair")), (12, Payload("other")), (11, Payload("second"))];

        var result = await client.SubmitBundleAsync(legs);

        Assert.Equal(Bundle.Create([.. legs.Select(l => new Transaction(l.Item1, l.Item2))]).Hash, result.Hash);
        Assert.False(result.Receipt.Duplicate);
        await AssertLandsWholeAsync(client, result, legs);
    }

    [Fact]
    public async Task A_bundle_whose_legs_repeat_pending_single_transactions_still_lands_whole()
    {
        using var client = node.Client();
        var (shared1, shared2) = (Payload("shared one"), Payload("shared two"));
        (ulong, ReadOnlyMemory<byte>)[] legs = [(21, shared1), (22, Payload("own")), (21, shared2)];

        // The singles go in first and are still pending when the bundle arrives; each keeps its own fate.
        var singles = await client.SubmitBatchAsync([(21, shared1), (21, shared2)]);
        Assert.All(singles, s => Assert.NotNull(s.Accepted));
        var result = await client.SubmitBundleAsync(legs);

        Assert.False(result.Receipt.Duplicate);
        await AssertLandsWholeAsync(client, result, legs);
        foreach (var single in singles)
        {
            await client.WaitForAsync(single.Accepted!.Value, Commitment.Firm, FirmWithin);
        }
    }

    private static async Task AssertLandsWholeAsync(FairwayClient client, BundleSubmitResult result, (ulong Namespace, ReadOnlyMemory<byte> Payload)[] legs)
    {
        // The leg found only in this bundle says where the bundle landed; every leg must be there, nowhere split off.
        var own = result.Legs[1];
        var firm = await client.WaitForAsync(own, Commitment.Firm, FirmWithin);
        var height = firm.Height!.Value;
        var verified = await client.GetTransactionAsync(own);
        Assert.Equal(height, verified.Height);
        foreach (var ns in legs.Select(l => l.Namespace).Distinct())
        {
            var expected = result.Legs.Where((_, k) => legs[k].Namespace == ns).ToList();
            var block = await client.GetNamespaceAsync(height, ns);
            var hashes = block.Transactions.Select(t => t.Hash).ToList();
            var start = hashes.IndexOf(expected[0]);
            Assert.True(start >= 0, $"namespace {ns} at height {height} lacks the bundle's first leg there");
            Assert.Equal(expected, hashes.Skip(start).Take(expected.Count));
        }

        foreach (var leg in result.Legs)
        {
            var status = await client.WaitForAsync(leg, Commitment.Firm, FirmWithin);
            Assert.NotNull(status.Height);
        }
    }

    [Fact]
    public async Task Bad_bundles_are_refused_with_their_code_and_nothing_is_kept()
    {
        using var client = node.Client();
        string Leg(ulong ns, byte[] payload) => $"{{\"namespace\": {ns}, \"payload\": \"{Convert.ToBase64String(payload)}\"}}";
        var half = new byte[(Limits.TransactionPayloadBytesMax / 2) + 100];
        var cases = new (string What, string Body, HttpStatusCode Status, string Code, Transaction[] Legs)[]
        {
            ("no legs", "{\"legs\": []}", HttpStatusCode.BadRequest, "empty_bundle", []),
            ("too many legs", $"{{\"legs\": [{string.Join(", ", Enumerable.Range(0, Bundle.LegsMax + 1).Select(i => Leg(1, [(byte)i])))}]}}", HttpStatusCode.BadRequest, "too_many_legs", []),
            ("a leg twice", $"{{\"legs\": [{Leg(1, "a"u8.ToArray())}, {Leg(2, "b"u8.ToArray())}, {Leg(1, "a"u8.ToArray())}]}}", HttpStatusCode.BadRequest, "duplicate_leg", [new(2, "b"u8.ToArray())]),
            ("an encrypted leg", $"{{\"legs\": [{Leg(1, "c"u8.ToArray())}, {Leg(3, "d"u8.ToArray())}]}}", HttpStatusCode.BadRequest, "encrypted_namespace_in_bundle", [new(1, "c"u8.ToArray())]),
            ("a reserved namespace", $"{{\"legs\": [{Leg(1, "e"u8.ToArray())}, {Leg(SystemNamespaces.Bundle, "f"u8.ToArray())}]}}", HttpStatusCode.BadRequest, "reserved_namespace", [new(1, "e"u8.ToArray())]),
            ("bad base64", $"{{\"legs\": [{Leg(1, "g"u8.ToArray())}, {{\"namespace\": 1, \"payload\": \"!!\"}}]}}", HttpStatusCode.BadRequest, "bad_base64", [new(1, "g"u8.ToArray())]),
            ("legs not an array", "{\"legs\": {}}", HttpStatusCode.BadRequest, "not_an_array", []),
            ("no legs field", "{\"leg\": []}", HttpStatusCode.BadRequest, "unknown_field", []),
            ("not an object", "[]", HttpStatusCode.BadRequest, "not_an_object", []),
            ("too large together", $"{{\"legs\": [{Leg(1, half)}, {Leg(2, half)}]}}", HttpStatusCode.RequestEntityTooLarge, "bundle_too_large", [new(1, half), new(2, half)]),
            ("a leg too large", $"{{\"legs\": [{Leg(1, new byte[Limits.TransactionPayloadBytesMax + 1])}]}}", HttpStatusCode.RequestEntityTooLarge, "payload_too_large", []),
        };

        foreach (var (what, body, status, code, legs) in cases)
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await node.Http.PostAsync(new Uri(node.BaseUrl, "/v1/submit/bundle"), content);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode, $"{what}: {(int)response.StatusCode} {text}");
            Assert.True(text.Contains($"\"{code}\"", StringComparison.Ordinal), $"{what}: {text}");
            foreach (var leg in legs)
            {
                Assert.Null(await client.GetStatusAsync(leg.Hash));
            }
        }

        // The SDK refuses such legs before sending anything.
        Assert.Throws<ArgumentException>(() => client.SubmitBundleAsync([]).GetAwaiter().GetResult());
        using var wrongType = await node.Http.PostAsync(new Uri(node.BaseUrl, "/v1/submit/bundle"), new StringContent("{}", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
    }
}

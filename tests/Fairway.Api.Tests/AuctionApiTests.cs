using System.Net;
using System.Net.Http.Json;
using Fairway.Client;
using Fairway.Core.Auction;
using Fairway.Core.Chain;
using Fairway.Core.Encoding;
using Fairway.Crypto;
using Fairway.Crypto.Threshold;

namespace Fairway.Api.Tests;

/// <summary>
/// The auction endpoints on a real one-validator node, on the demo auction namespace (4, one-minute epochs, nobody
/// bidding): a sealed bid for the next epoch is taken; bids, bundles and transfers that cannot count are refused with a
/// clear 4xx naming why; the lane and the decided auction are served.
/// </summary>
public sealed class AuctionApiTests(SqliteNodeFixture node) : IClassFixture<SqliteNodeFixture>
{
    private const ulong AuctionNamespace = 4;
    private static readonly Ed25519Signer Bidder = Ed25519Signer.FromSeedPhrase("api-bidder");

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string path, object body)
    {
        using var response = await node.Http.PostAsJsonAsync(new Uri(node.BaseUrl, path), body);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string path)
    {
        using var response = await node.Http.GetAsync(new Uri(node.BaseUrl, path));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_sealed_bid_for_the_next_epoch_is_taken_and_what_cannot_count_is_refused_naming_why()
    {
        Assert.Equal("auction", node.Trust.PolicyOf(AuctionNamespace));
        using var client = node.Client();
        var keySet = await EncryptedSubmitTests.WaitForKeyAsync(client);
        var lane = await FreshLaneAsync(client);
        Assert.Equal((60_000UL, lane.Epoch + 1), (lane.EpochMs, lane.BiddingEpoch));

        var bid = await client.BidAsync(AuctionNamespace, lane.BiddingEpoch, 5, Bidder);
        Assert.True(bid.Included, string.Join("; ", bid.Failures.Values));

        var sealedBid = Convert.ToBase64String(Canonical.Encode(ThresholdEncryption.Encrypt(
            keySet, EncryptionLabel.Of(SystemNamespaces.AuctionBids), AuctionBid.Sign(node.Trust.ChainId, AuctionNamespace, lane.BiddingEpoch, 7, Bidder).Encode())));
        var wrongLabel = Convert.ToBase64String(Canonical.Encode(ThresholdEncryption.Encrypt(keySet, EncryptionLabel.Of(AuctionNamespace), "bid"u8)));
        var cases = new (string What, object Body, HttpStatusCode Status, string Code)[]
        {
            ("a namespace without an auction", new { @namespace = 1UL, epoch = lane.BiddingEpoch, ciphertext = sealedBid }, HttpStatusCode.BadRequest, "not_auction_namespace"),
            ("the current epoch", new { @namespace = AuctionNamespace, epoch = lane.Epoch, ciphertext = sealedBid }, HttpStatusCode.Conflict, "bid_after_close"),
            ("two epochs ahead", new { @namespace = AuctionNamespace, epoch = lane.Epoch + 2, ciphertext = sealedBid }, HttpStatusCode.BadRequest, "wrong_epoch"),
            ("a plaintext bid", new { @namespace = AuctionNamespace, epoch = lane.BiddingEpoch, ciphertext = Convert.ToBase64String(AuctionBid.Sign(node.Trust.ChainId, AuctionNamespace, lane.BiddingEpoch, 7, Bidder).Encode()) },
                HttpStatusCode.BadRequest, "malformed_ciphertext"),
            ("sealed for the wrong namespace", new { @namespace = AuctionNamespace, epoch = lane.BiddingEpoch, ciphertext = wrongLabel }, HttpStatusCode.BadRequest, "wrong_label"),
            ("not base64", new { @namespace = AuctionNamespace, epoch = lane.BiddingEpoch, ciphertext = "%%%" }, HttpStatusCode.BadRequest, "bad_ciphertext"),
            ("an unknown field", new { @namespace = AuctionNamespace, epoch = lane.BiddingEpoch, ciphertext = sealedBid, amount = 7 }, HttpStatusCode.BadRequest, "unknown_field"),
        };
        foreach (var (what, body, status, code) in cases)
        {
            var (got, text) = await PostAsync("/v1/auction/bid", body);
            Assert.True(status == got && text.Contains(code, StringComparison.Ordinal), $"{what}: {(int)got} {text}");
        }
    }

    [Fact]
    public async Task Bundles_and_transfers_that_cannot_count_are_refused_and_the_lane_and_results_are_served()
    {
        using var client = node.Client();
        await EncryptedSubmitTests.WaitForKeyAsync(client);
        var lane = await FreshLaneAsync(client);
        var chain = node.Trust.ChainId;

        // The epoch in progress has been decided at its first height (nobody bid): no controller.
        AuctionOutcome? outcome = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while ((outcome = await client.GetAuctionAsync(AuctionNamespace, (await client.GetExpressLaneAsync(AuctionNamespace)).Epoch)) is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.NotNull(outcome);
        Assert.Null(outcome!.Winner);
        lane = await FreshLaneAsync(client);
        var (resultStatus, resultBody) = await GetAsync($"/v1/auction/{AuctionNamespace}/{lane.Epoch}");
        Assert.True(resultStatus == HttpStatusCode.OK && resultBody.Contains("\"bids_counted\"", StringComparison.Ordinal), resultBody);

        var bundle = PriorityBundle.Sign(chain, AuctionNamespace, lane.Epoch, 0, [new Transaction(AuctionNamespace, "first"u8.ToArray())], Bidder);
        var tampered = bundle.Encode();
        tampered[^1] ^= 1;
        var forged = PriorityBundle.Sign(chain, AuctionNamespace, lane.Epoch, 0, [new Transaction(AuctionNamespace, AuctionRecord.Result(AuctionNamespace, lane.Epoch, Bidder.PublicKey, 1, 1, 1).Encode())], Bidder);
        var future = PriorityBundle.Sign(chain, AuctionNamespace, lane.Epoch + 3, 0, [new Transaction(AuctionNamespace, "later"u8.ToArray())], Bidder);
        var elsewhere = PriorityBundle.Sign(chain, 1, lane.Epoch, 0, [new Transaction(1, "fcfs"u8.ToArray())], Bidder);
        var cases = new (string What, string Path, object Body, HttpStatusCode Status, string Code)[]
        {
            ("nobody won this epoch", "/v1/express/bundle", new { bundle = Convert.ToBase64String(bundle.Encode()) }, HttpStatusCode.Forbidden, "not_controller"),
            ("a bad signature", "/v1/express/bundle", new { bundle = Convert.ToBase64String(tampered) }, HttpStatusCode.BadRequest, "bad_signature"),
            ("a forged record inside", "/v1/express/bundle", new { bundle = Convert.ToBase64String(forged.Encode()) }, HttpStatusCode.BadRequest, "bad_bundle"),
            ("a later epoch", "/v1/express/bundle", new { bundle = Convert.ToBase64String(future.Encode()) }, HttpStatusCode.Conflict, "wrong_epoch"),
            ("a namespace without an auction", "/v1/express/bundle", new { bundle = Convert.ToBase64String(elsewhere.Encode()) }, HttpStatusCode.BadRequest, "not_auction_namespace"),
            ("not a bundle", "/v1/express/bundle", new { bundle = Convert.ToBase64String("nothing"u8.ToArray()) }, HttpStatusCode.BadRequest, "bad_bundle"),
            ("a transfer by nobody's controller", "/v1/express/transfer",
                new { transfer = Convert.ToBase64String(ControllerTransfer.Sign(chain, AuctionNamespace, lane.Epoch, Bidder.PublicKey, Bidder).Encode()) }, HttpStatusCode.Forbidden, "not_controller"),
        };
        foreach (var (what, path, body, status, code) in cases)
        {
            var (got, text) = await PostAsync(path, body);
            Assert.True(status == got && text.Contains(code, StringComparison.Ordinal), $"{what}: {(int)got} {text}");
        }

        Assert.Null(await client.GetStatusAsync(bundle.ToTransaction().Hash));
        var (laneStatus, laneBody) = await GetAsync($"/v1/auction/{AuctionNamespace}");
        Assert.True(laneStatus == HttpStatusCode.OK && laneBody.Contains("\"reserve_price\":0", StringComparison.Ordinal), laneBody);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync($"/v1/auction/{AuctionNamespace}/{lane.Epoch + 5}")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync("/v1/auction/1/0")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync("/v1/auction/four")).Status);
    }

    /// <summary>The lane once at least 15 seconds of its epoch remain, so the cases below do not straddle a new epoch.</summary>
    private static async Task<ExpressLaneInfo> FreshLaneAsync(FairwayClient client)
    {
        var lane = await client.GetExpressLaneAsync(AuctionNamespace);
        var left = (long)lane.BiddingClosesMs - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (left >= 15_000)
        {
            return lane;
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline && (await client.GetExpressLaneAsync(AuctionNamespace)).Epoch == lane.Epoch)
        {
            await Task.Delay(100);
        }

        return await client.GetExpressLaneAsync(AuctionNamespace);
    }
}

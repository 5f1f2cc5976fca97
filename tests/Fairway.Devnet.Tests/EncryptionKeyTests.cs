using System.Net.Http.Json;
using System.Text.Json;
using Fairway.Core.Encoding;
using Fairway.Crypto.Threshold;

namespace Fairway.Devnet.Tests;

/// <summary>
/// The key generation at genesis on real processes: dealings and complaints travel as committed transactions, every
/// validator finishes the same key set and serves it, and a validator killed and restarted after it finished serves the
/// same key again (it recomputes its share from the chain, it does not deal again).
/// </summary>
[Collection("processes")]
public class EncryptionKeyTests
{
    private static readonly int[] All = [0, 1, 2, 3];

    [Fact]
    public async Task Validators_generate_one_key_at_genesis_and_keep_it_across_a_restart()
    {
        await using var cluster = new TestCluster();
        cluster.StartAll();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

        await TestCluster.WaitUntilAsync(async () => (await Task.WhenAll(All.Select(i => StateAsync(http, cluster, i)))).All(s => s == "ready"), "every validator's key ready");
        var views = await Task.WhenAll(All.Select(i => ViewAsync(http, cluster, i)));
        var keySetId = views[0]!.Value.GetProperty("key_set_id").GetString();
        Assert.All(views, v => Assert.Equal(keySetId, v!.Value.GetProperty("key_set_id").GetString()));
        Assert.Equal(2, views[0]!.Value.GetProperty("threshold").GetInt32());
        Assert.Equal(4, views[0]!.Value.GetProperty("qualified").GetArrayLength());

        // A client can encrypt to what the API serves.
        var keySet = Canonical.Decode(Convert.FromBase64String(views[0]!.Value.GetProperty("key_set").GetString()!), ThresholdKeySet.Decode, "key set");
        Assert.Equal(keySetId, keySet.Id.ToHex());
        var ciphertext = ThresholdEncryption.Encrypt(keySet, "fairway/ns/1"u8, "sealed"u8);
        Assert.Null(ThresholdEncryption.Check(keySet, ciphertext, "fairway/ns/1"u8));

        // Clients cannot write into the key generation's namespace.
        using var reserved = await http.PostAsJsonAsync(
            new Uri(cluster.Nodes[0].ApiUrl + "/v1/submit"), new { @namespace = Core.Chain.SystemNamespaces.Dkg, payload = Convert.ToBase64String([1]) });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, reserved.StatusCode);
        Assert.Contains("reserved_namespace", await reserved.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        cluster.Kill(1);
        var height = await cluster.MinHeightAsync([0, 2, 3]);
        await cluster.WaitForHeightAsync([0, 2, 3], height + 3);
        cluster.Start(1);
        await TestCluster.WaitUntilAsync(async () => await StateAsync(http, cluster, 1) == "ready", "the restarted validator's key ready");
        var after = await ViewAsync(http, cluster, 1);
        Assert.Equal(keySetId, after!.Value.GetProperty("key_set_id").GetString());
        await cluster.WaitForLogAsync(1, "encryption key generation ready");
    }

    private static async Task<string?> StateAsync(HttpClient http, TestCluster cluster, int i) =>
        (await ViewAsync(http, cluster, i))?.GetProperty("state").GetString();

    private static async Task<JsonElement?> ViewAsync(HttpClient http, TestCluster cluster, int i)
    {
        try
        {
            return await http.GetFromJsonAsync<JsonElement>(new Uri(cluster.Nodes[i].ApiUrl + "/v1/node/encryption-key"));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fairway.Api;
using Fairway.Cli.Commands;
using Fairway.Node.Hosting;
using Fairway.Node.Keys;
using Fairway.Node.Setup;
using Fairway.Settlement;
using Microsoft.AspNetCore.Builder;

namespace Fairway.Cli.Tests;

/// <summary>
/// <c>POST /v1/evidence/attest</c> and <c>evidence_hash</c> on real validators: two in this process settling on a real
/// anvil (set up as <c>fairway devnet</c> does), the second signing two settlement statements per height
/// (<c>test_double_attest</c>), so the first records conflicting_settlement evidence against it.
/// </summary>
public sealed class EvidenceSubmitNodeTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_validator_without_an_L1_answers_attest_with_404()
    {
        await using var node = await LocalValidator.StartAsync(validators: 1);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        using var response = await http.PostAsJsonAsync(new Uri(node.ApiUrl, "/v1/evidence/attest"), new { evidence_hash = new string('a', 64) });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("without an L1", json.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        using var openapi = JsonDocument.Parse(await http.GetStringAsync(new Uri(node.ApiUrl, "/v1/openapi.json")));
        var responses = openapi.RootElement.GetProperty("paths").GetProperty("/v1/evidence/attest").GetProperty("post").GetProperty("responses");
        Assert.True(responses.TryGetProperty("409", out _));
        var evidence = openapi.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("Evidence");
        Assert.Contains("evidence_hash", evidence.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_validator_attests_the_conflicting_settlement_it_recorded_and_the_cli_submits_that_evidence()
    {
        Environment.SetEnvironmentVariable("FAIRWAY_ALLOW_TEST_SETTINGS", "1");
        var dir = Directory.CreateTempSubdirectory("fairway-attest-").FullName;
        var basePort = FreePorts.BaseFor(2);
        var (_, nodes) = NetworkGenerator.Generate(dir, 2, basePort);
        var (anvil, addresses) = await DevnetL1.SetUpAsync(dir, nodes, basePort, TextWriter.Null, CancellationToken.None);
        var config = JsonNode.Parse(await File.ReadAllTextAsync(nodes[1].ConfigPath))!.AsObject();
        config["test_double_attest"] = true;
        await File.WriteAllTextAsync(nodes[1].ConfigPath, config.ToJsonString());
        var honestKey = SettlementKeyFile.Read(Path.Combine(Path.GetDirectoryName(nodes[0].ConfigPath)!, "settlement-key.json"));
        var offenderKey = SettlementKeyFile.Read(Path.Combine(Path.GetDirectoryName(nodes[1].ConfigPath)!, "settlement-key.json"));
        var apps = new List<WebApplication>();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            foreach (var node in nodes)
            {
                var app = NodeHost.Build(node.ConfigPath);
                await app.StartAsync();
                apps.Add(app);
            }

            var api = new Uri(nodes[0].ApiUrl);
            var record = await WaitForConflictAsync(http, api);
            var hash = record.GetProperty("evidence_hash").GetString()!;
            Assert.Equal(
                EvidenceHash.Hex(new EvidenceRecord("conflicting_settlement", 1, null, null, 0, record.GetProperty("first").GetString()!, record.GetProperty("second").GetString()!)),
                hash);

            using var attested = await http.PostAsJsonAsync(new Uri(api, "/v1/evidence/attest"), new { evidence_hash = hash });
            var body = await attested.Content.ReadAsStringAsync();
            Assert.True(attested.StatusCode == HttpStatusCode.OK, body);
            using var answer = JsonDocument.Parse(body);
            var root = answer.RootElement;
            Assert.Equal(offenderKey.Address, root.GetProperty("validator_account").GetString(), ignoreCase: true);
            Assert.Equal(hash, root.GetProperty("evidence_hash").GetString());
            Assert.Equal(honestKey.Address, root.GetProperty("settlement_key").GetString(), ignoreCase: true);
            var digest = SettlementDigests.SlashReport(AnvilChainId, addresses.LightClient, offenderKey.Address, Convert.FromHexString(hash[2..]));
            Assert.Equal(honestKey.Address, SettlementKey.Recover(digest, Convert.FromHexString(root.GetProperty("signature").GetString()![2..])));

            using var unknown = await http.PostAsJsonAsync(new Uri(api, "/v1/evidence/attest"), new { evidence_hash = new string('0', 64) });
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Contains("unknown_evidence", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            using var malformed = await http.PostAsJsonAsync(new Uri(api, "/v1/evidence/attest"), new { evidence_hash = "12" });
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);

            // The honest validator's agent reports the conflict itself too: whichever comes first, the CLI slashes or finds it used.
            var reporterPath = Path.Combine(dir, "reporter.json");
            var reporter = SettlementKeyFile.Generate(reporterPath);
            var owner = await L1Connection.ConnectAsync(anvil.Url, SettlementKey.FromPrivateKeyHex(Fairway.Settlement.Dev.AnvilProcess.DevAccountKey));
            await owner.SetBalanceAsync(reporter.Address, L1TestChain.Ether(10));
            var (exit, stdout, stderr) = FairwayProcess.Run(
                "evidence", "submit", "--l1", anvil.Url, "--light-client", addresses.LightClient, "--key", reporterPath, "--url", api.ToString());
            Assert.True(exit == 0, stderr + stdout);
            Assert.Matches("slashed in transaction 0x|EvidenceAlreadyUsed", stdout);
            // Anvil mines every second here: a report the L1 found already used may still be pending in the latest block.
            var isJailed = owner.Web3.Eth.GetContract(ContractArtifact.Load(ContractArtifact.StakeTable).Abi, addresses.StakeTable).GetFunction("isJailed");
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (!await isJailed.CallAsync<bool>(offenderKey.Address) && DateTime.UtcNow < until)
            {
                await Task.Delay(200);
            }

            Assert.True(await isJailed.CallAsync<bool>(offenderKey.Address));
        }
        finally
        {
            foreach (var app in apps)
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }

            await anvil.DisposeAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    private const int AnvilChainId = Fairway.Settlement.Dev.AnvilProcess.ChainId;

    /// <summary>The first conflicting_settlement record against validator 1 in the validator's evidence, within <see cref="Deadline"/>.</summary>
    private static async Task<JsonElement> WaitForConflictAsync(HttpClient http, Uri api)
    {
        var until = DateTime.UtcNow + Deadline;
        while (DateTime.UtcNow < until)
        {
            using var page = JsonDocument.Parse(await http.GetStringAsync(new Uri(api, "/v1/evidence?limit=1000")));
            foreach (var item in page.RootElement.GetProperty("evidence").EnumerateArray())
            {
                if (item.GetProperty("kind").GetString() == "conflicting_settlement" && item.GetProperty("validator").GetInt32() == 1)
                {
                    return item.Clone();
                }
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"no conflicting_settlement evidence against validator 1 at {api} within {Deadline}");
    }
}

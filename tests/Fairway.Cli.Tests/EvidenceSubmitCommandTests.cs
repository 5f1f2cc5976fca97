using System.Text;
using System.Text.Json;
using Fairway.Api;
using Fairway.Settlement;

namespace Fairway.Cli.Tests;

/// <summary><c>fairway evidence submit</c>, both forms, against a real anvil and stand-in validator APIs.</summary>
public sealed class EvidenceSubmitCommandTests
{
    [Fact]
    public void The_evidence_hash_is_keccak_of_kind_and_the_two_statements_in_ordinal_order()
    {
        var expected = SettlementDigests.Keccak(Encoding.UTF8.GetBytes("conflicting_votes\nAB\nab"));

        Assert.Equal(expected, EvidenceHash.Of("conflicting_votes", "ab", "AB"));
        Assert.Equal(expected, EvidenceHash.Of("conflicting_votes", "AB", "ab"));
        Assert.NotEqual(expected, EvidenceHash.Of("conflicting_proposals", "AB", "ab"));
        Assert.Equal("0x" + Convert.ToHexStringLower(expected), EvidenceHash.Hex(new EvidenceRecord("conflicting_votes", 1, 2, null, 0, "ab", "AB")));
    }

    [Fact]
    public async Task Conflicting_settlement_evidence_from_a_node_slashes_its_signer_once()
    {
        await using var chain = await L1TestChain.StartAsync();
        var validators = await RegisterAsync(chain, 2);
        var (reporter, reporterPath) = await chain.FundedKeyAsync("reporter");
        var domain = new SettlementDomain(chain.Owner.ChainId, chain.LightClient, 1);
        var offender = validators[0];
        var first = Statement(domain, offender, 5, "output a");
        var second = Statement(domain, offender, 5, "output b");
        // One record per page, whatever the limit asked: the command has to follow next.
        var records = new object[]
        {
            new { kind = "conflicting_votes", validator = 1, round = 3, height = (ulong?)null, detected_at_ms = 1, first = "aa", second = "bb" },
            new { kind = EvidenceSubmitConflictsKind, validator = 0, round = (ulong?)null, height = 5, detected_at_ms = 2, first, second },
        };
        using var api = StubApi.Start((method, path, _) => method == "GET" && path.StartsWith("/v1/evidence?", StringComparison.Ordinal)
            ? (200, Page(records, path))
            : (404, "{}"));

        var (exit, stdout, stderr) = FairwayProcess.Run(
            "evidence", "submit", "--l1", chain.Url, "--light-client", chain.LightClient, "--key", reporterPath, "--url", api.Url);

        Assert.True(exit == 0, stderr + stdout);
        Assert.Contains("evidence 1 (validator 0), height 5: slashed in transaction 0x", stdout, StringComparison.Ordinal);
        Assert.Single(stdout.Trim().Split('\n'));
        Assert.True((await chain.EntryAsync(offender.Address))!.Jailed);
        Assert.False((await chain.EntryAsync(validators[1].Address))!.Jailed);
        Assert.DoesNotContain(reporter.PrivateKeyHex, stdout + stderr, StringComparison.OrdinalIgnoreCase);

        var again = FairwayProcess.Run(
            "evidence", "submit", "--l1", chain.Url, "--light-client", chain.LightClient, "--key", reporterPath, "--url", api.Url);
        Assert.True(again.ExitCode == 0, again.Stderr + again.Stdout);
        Assert.Contains("refused", again.Stdout, StringComparison.Ordinal);
        Assert.Contains("EvidenceAlreadyUsed", again.Stdout, StringComparison.Ordinal);

        // Statements by two different keys are no evidence: the contract's reason, exit 1.
        var mixed = new object[] { new { kind = EvidenceSubmitConflictsKind, validator = 1, height = 7, first = Statement(domain, validators[1], 7, "x"), second = Statement(domain, offender, 7, "y") } };
        using var mixedApi = StubApi.Start((_, path, _) => (200, Page(mixed, path)));
        var refused = FairwayProcess.Run(
            "evidence", "submit", "--l1", chain.Url, "--light-client", chain.LightClient, "--key", reporterPath, "--url", mixedApi.Url);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("DifferentSigners", refused.Stdout, StringComparison.Ordinal);

        // A node that is not there: exit 1, one line.
        var down = FairwayProcess.Run(
            "evidence", "submit", "--l1", chain.Url, "--light-client", chain.LightClient, "--key", reporterPath, "--url", "http://127.0.0.1:1");
        Assert.Equal(1, down.ExitCode);
        Assert.Single(down.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Attested_evidence_slashes_with_more_than_two_thirds_and_is_refused_with_less()
    {
        await using var chain = await L1TestChain.StartAsync();
        var validators = await RegisterAsync(chain, 4);
        var (_, reporterPath) = await chain.FundedKeyAsync("reporter");
        var offender = validators[0].Address;
        var evidenceHash = EvidenceHash.Of("conflicting_votes", "aa", "bb");
        var hashHex = Convert.ToHexStringLower(evidenceHash);
        var apis = validators.Skip(1).Select(v => StubApi.Start((method, path, body) => Attest(chain, v, offender, evidenceHash, method, path, body))).ToList();
        try
        {
            string[] common = ["evidence", "submit", "--attested", "--l1", chain.Url, "--light-client", chain.LightClient, "--key", reporterPath, "--evidence-hash", hashHex];

            // Two of four equal stakes, one of them asked twice: counted once, so not more than 2/3.
            var (exit, stdout, stderr) = FairwayProcess.Run([.. common, "--urls", $"{apis[0].Url},{apis[0].Url},{apis[1].Url}"]);
            Assert.True(exit == 1, stderr + stdout);
            Assert.Contains("NotEnoughStake", stdout, StringComparison.Ordinal);
            Assert.Contains("2 attestations", stdout, StringComparison.Ordinal);
            Assert.False((await chain.EntryAsync(offender))!.Jailed);

            // Three of four, given out of signer order and with one API down: slashed.
            var slashed = FairwayProcess.Run([.. common, "--urls", $"{apis[2].Url},http://127.0.0.1:1,{apis[0].Url},{apis[1].Url}"]);
            Assert.True(slashed.ExitCode == 0, slashed.Stderr + slashed.Stdout);
            Assert.Contains($"slashed {offender} on the attestation of 3 validators", slashed.Stdout, StringComparison.Ordinal);
            Assert.True((await chain.EntryAsync(offender))!.Jailed);
            Assert.All(apis, a => Assert.True(a.Requests > 0));

            var usage = new[]
            {
                (new[] { "evidence", "submit", "--attested", "--l1", chain.Url, "--light-client", chain.LightClient, "--key", reporterPath, "--urls", apis[0].Url }, "--evidence-hash"),
                ([.. common, "--urls", apis[0].Url, "--url", apis[0].Url], "give either --url"),
                (["evidence", "submit", "--attested", "--l1", chain.Url, "--light-client", chain.LightClient, "--key", reporterPath, "--urls", apis[0].Url, "--evidence-hash", "12"], "64 hex"),
                (["evidence", "submit", "--l1", chain.Url, "--light-client", "0x12", "--key", reporterPath, "--url", apis[0].Url], "--light-client must be an L1 address"),
            };
            foreach (var (args, message) in usage)
            {
                var run = FairwayProcess.Run(args);
                Assert.True(run.ExitCode == 2, $"{string.Join(' ', args)}: exit {run.ExitCode}, {run.Stderr}");
                Assert.Contains(message, run.Stderr, StringComparison.Ordinal);
            }
        }
        finally
        {
            foreach (var api in apis)
            {
                api.Dispose();
            }
        }
    }

    private const string EvidenceSubmitConflictsKind = "conflicting_settlement";

    private static async Task<List<SettlementKey>> RegisterAsync(L1TestChain chain, int count)
    {
        var keys = new List<SettlementKey>();
        for (var i = 0; i < count; i++)
        {
            var (key, _) = await chain.FundedKeyAsync($"v{i}");
            await chain.RegisterAsync(key, $"v{i}", L1TestChain.Ether(10));
            keys.Add(key);
        }

        await chain.MineEpochAsync();
        return keys;
    }

    /// <summary>A settlement statement as the node records it in evidence: height:parent:output:signature.</summary>
    private static string Statement(SettlementDomain domain, SettlementKey key, ulong height, string output)
    {
        var statement = SettlementStatement.Create(domain, height, new byte[32], SettlementDigests.Keccak(Encoding.UTF8.GetBytes(output)));
        return $"{height}:{Convert.ToHexStringLower(statement.Parent)}:{Convert.ToHexStringLower(statement.OutputHash)}:{Convert.ToHexStringLower(key.Sign(statement.Digest))}";
    }

    private static string Page(object[] records, string path)
    {
        var query = System.Web.HttpUtility.ParseQueryString(new Uri("http://x" + path).Query);
        var from = int.Parse(query["from"] ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        var page = records.Skip(from).Take(1).ToArray();
        return JsonSerializer.Serialize(new { evidence = page, next = from + page.Length });
    }

    private static (int, string) Attest(L1TestChain chain, SettlementKey signer, string offender, byte[] evidenceHash, string method, string path, string body)
    {
        using var request = JsonDocument.Parse(body is { Length: > 0 } ? body : "{}");
        if (method != "POST" || path != "/v1/evidence/attest"
            || !request.RootElement.TryGetProperty("evidence_hash", out var asked)
            || !string.Equals(asked.GetString()?.Replace("0x", "", StringComparison.Ordinal), Convert.ToHexStringLower(evidenceHash), StringComparison.OrdinalIgnoreCase))
        {
            return (404, """{"error":{"code":"unknown_evidence","message":"no such evidence"}}""");
        }

        var signature = signer.Sign(SettlementDigests.SlashReport(chain.Owner.ChainId, chain.LightClient, offender, evidenceHash));
        return (200, JsonSerializer.Serialize(new
        {
            validator_account = offender,
            evidence_hash = "0x" + Convert.ToHexStringLower(evidenceHash),
            settlement_key = signer.Address,
            signature = "0x" + Convert.ToHexStringLower(signature),
        }));
    }
}

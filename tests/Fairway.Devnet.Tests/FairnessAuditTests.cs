using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fairway.Client;
using Fairway.Core.Crypto;
using Fairway.Crypto;
using Fairway.Rollups.Accounts;
using Fairway.Rollups.Amm;
using Xunit.Abstractions;

namespace Fairway.Devnet.Tests;

/// <summary>
/// <c>fairway audit</c> against real validators, one of them the test-only front-runner (<c>test_front_run_hold_ms</c>:
/// it holds what clients send it and batches it newest first). A colluding attacker sends it a back-run, then (after a
/// victim's swap reached it) a front-run, so that the reversal makes a sandwich. Under <c>fcfs</c> the output follows the
/// front-runner's batch and contradicts its own receipts; under <c>fair</c> the victim sends as the SDK does, to more than
/// the faulty stake, the honest validators' lists see the victim first, and the reversal does not survive.
/// </summary>
[Collection("processes")]
public class FairnessAuditTests(ITestOutputHelper output)
{
    private const int FrontRunner = 3;
    private const ulong Fcfs = 1;
    private const ulong Fair = 2;
    /// <summary>
    /// The front-runner holds the back-run from the first tick that sees it; the victim and the front-run must reach it
    /// within the hold: two submissions and two paces, with room for a loaded machine.
    /// </summary>
    private const int HoldMs = 4_000;
    private static readonly int[] All = [0, 1, 2, 3];
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(250);

    [Fact]
    public async Task The_auditor_finds_the_front_runs_under_fcfs_and_none_under_fair()
    {
        await using var cluster = new TestCluster();
        cluster.SetConfig(FrontRunner, "test_front_run_hold_ms", HoldMs);
        cluster.AllowTestSettings = true;
        // Until the key generation is done, the validators' own dealings pass through their mempools: one reaching the
        // front-runner before a round's back-run starts its hold early, and the round's front-run misses the batch.
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) })
        {
            await EncryptedLaneTests.StartWithKeyAsync(cluster, http);
        }

        await cluster.WaitForHeightAsync(All, 3);
        Assert.Contains("TEST ONLY ADVERSARY", cluster.NodeLog(FrontRunner), StringComparison.Ordinal);

        var genesis = Path.Combine(cluster.Directory, "genesis.json");
        var trust = TrustedChain.FromGenesisFile(genesis);
        var clients = cluster.Nodes.Select(n => new FairwayClient(new Uri(n.ApiUrl), trust)).ToArray();
        try
        {
            var from = (await cluster.HeightAsync(0))!.Value + 1;
            var receipts = new List<string>();
            var frontRuns = new List<Hash>();
            var attacker = Ed25519Signer.FromSeedPhrase("audit-devnet-attacker");
            ulong nonce = 0;
            for (var round = 0; round < 3; round++)
            {
                foreach (var ns in new[] { Fcfs, Fair })
                {
                    var victim = Ed25519Signer.FromSeedPhrase($"audit-devnet-victim-{ns}-{round}");
                    var backRun = Swap(ns, attacker, nonce + 1, sellA: false);
                    var victimSwap = Swap(ns, victim, 0, sellA: true);
                    var frontRun = Swap(ns, attacker, nonce, sellA: true);
                    nonce += 2;
                    var sent = new List<Hash>
                    {
                        await SubmitAsync(clients, [FrontRunner], ns, backRun, receipts),
                        await SubmitAsync(clients, [round % 3], ns, Encoding.UTF8.GetBytes($"honest {ns} {round} a {Guid.NewGuid():N}"), receipts),
                    };
                    await Task.Delay(Pace);
                    // The victim: under fcfs to one validator, as a client of a centralized sequencer does; under fair to more
                    // than the faulty stake, as the SDK does, so no single validator decides when the others first see it.
                    sent.Add(await SubmitAsync(clients, ns == Fcfs ? [FrontRunner] : [FrontRunner, 0], ns, victimSwap, receipts));
                    await Task.Delay(Pace);
                    sent.Add(await SubmitAsync(clients, [FrontRunner], ns, frontRun, receipts));
                    sent.Add(await SubmitAsync(clients, [(round + 1) % 3], ns, Encoding.UTF8.GetBytes($"honest {ns} {round} b {Guid.NewGuid():N}"), receipts));
                    if (ns == Fcfs)
                    {
                        frontRuns.Add(sent[3]);
                    }

                    var firmAt = 0UL;
                    foreach (var hash in sent)
                    {
                        var status = await clients[0].WaitForAsync(hash, Commitment.Firm, TimeSpan.FromSeconds(60));
                        firmAt = Math.Max(firmAt, status.Height ?? 0);
                    }

                    // A few heights between rounds, so one round's front-run is not next to the following round's victim.
                    await cluster.WaitForHeightAsync(All, firmAt + 4);
                }
            }

            var to = (await cluster.MinHeightAsync(All)) - 2;
            var receiptsFile = Path.Combine(cluster.Directory, "receipts.jsonl");
            await File.WriteAllLinesAsync(receiptsFile, receipts);

            var fcfs = await AuditAsync(cluster, genesis, receiptsFile, Fcfs, from, to);
            Assert.Equal(0, fcfs.ExitCode);
            var fcfsSummary = fcfs.Report["summary"]!;
            Assert.True(fcfsSummary["reordering"]!.GetValue<int>() >= frontRuns.Count, fcfs.Text);
            Assert.True(fcfsSummary["sandwich"]!.GetValue<int>() >= 1, fcfs.Text);
            var reorderedTxs = fcfs.Report["findings"]!.AsArray().Where(f => f!["kind"]!.GetValue<string>() == "reordering").Select(f => f!["tx"]!.GetValue<string>()).ToHashSet();
            foreach (var frontRun in frontRuns)
            {
                Assert.Contains(frontRun.ToHex(), reorderedTxs);
            }

            Assert.All(fcfs.Report["findings"]!.AsArray().Where(f => f!["kind"]!.GetValue<string>() == "reordering"),
                f => Assert.Equal([FrontRunner], f!["validators"]!.AsArray().Select(v => v!.GetValue<int>())));

            var fair = await AuditAsync(cluster, genesis, receiptsFile, Fair, from, to);
            Assert.Equal(0, fair.ExitCode);
            Assert.Empty(fair.Report["findings"]!.AsArray());
            Assert.True(fair.Report["transactions_with_evidence"]!.GetValue<int>() >= 15, fair.Text);

            // --fail-on-findings: 1 where there are findings, 0 where there are none.
            Assert.Equal(1, (await AuditAsync(cluster, genesis, receiptsFile, Fcfs, from, to, "--fail-on-findings")).ExitCode);
            Assert.Equal(0, (await AuditAsync(cluster, genesis, receiptsFile, Fair, from, to, "--fail-on-findings")).ExitCode);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    [Fact]
    public async Task The_auditor_finds_a_receipt_not_followed_by_inclusion_and_not_one_that_was()
    {
        const int Censor = 3;
        const ulong DeadlineMs = 2_000;
        await using var cluster = new TestCluster();
        cluster.SetConfig(Censor, "test_censor_namespace", Fcfs);
        cluster.AllowTestSettings = true;
        cluster.StartAll();
        await cluster.WaitForHeightAsync(All, 3);

        var genesis = Path.Combine(cluster.Directory, "genesis.json");
        var trust = TrustedChain.FromGenesisFile(genesis);
        var clients = cluster.Nodes.Select(n => new FairwayClient(new Uri(n.ApiUrl), trust)).ToArray();
        try
        {
            var from = (await cluster.HeightAsync(0))!.Value + 1;
            var receipts = new List<string>();
            var censored = await SubmitAsync(clients, [Censor], Fcfs, Encoding.UTF8.GetBytes($"censored {Guid.NewGuid():N}"), receipts);
            var included = await SubmitAsync(clients, [0], Fcfs, Encoding.UTF8.GetBytes($"included {Guid.NewGuid():N}"), receipts);
            var submittedAtMs = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await clients[0].WaitForAsync(included, Commitment.Firm, TimeSpan.FromSeconds(60));

            // The audit's last height must be past the deadline: wait for a committed block stamped after it.
            ulong to = 0;
            await TestCluster.WaitUntilAsync(async () =>
            {
                to = (await cluster.MinHeightAsync(All)) - 2;
                var block = await cluster.BlockAsync(0, to);
                return block?.GetProperty("timestamp_ms").GetUInt64() >= submittedAtMs + DeadlineMs + 500;
            }, "a committed block stamped after the censorship deadline");

            var receiptsFile = Path.Combine(cluster.Directory, "receipts.jsonl");
            await File.WriteAllLinesAsync(receiptsFile, receipts);
            var audit = await AuditAsync(cluster, genesis, receiptsFile, Fcfs, from, to, "--censorship-deadline-ms", DeadlineMs.ToString(System.Globalization.CultureInfo.InvariantCulture), "--fail-on-findings");

            Assert.Equal(1, audit.ExitCode);
            var finding = Assert.Single(audit.Report["findings"]!.AsArray())!;
            Assert.Equal("censorship", finding["kind"]!.GetValue<string>());
            Assert.Equal(censored.ToHex(), finding["tx"]!.GetValue<string>());
            Assert.Equal([Censor], finding["validators"]!.AsArray().Select(v => v!.GetValue<int>()));
            Assert.NotEqual(included.ToHex(), finding["tx"]!.GetValue<string>());

            // Heights not committed yet are bad input; another chain's genesis makes every block fail verification.
            var (beyond, beyondText) = await FairwayCommand.RunAsync(
                "audit", "--url", cluster.Nodes[0].ApiUrl, "--namespace", "1", "--from", "900000", "--to", "900010", "--genesis", genesis);
            Assert.Equal(2, beyond);
            Assert.Contains("beyond the committed height", beyondText, StringComparison.Ordinal);
            await using var stranger = new TestCluster();
            var (unverified, unverifiedText) = await FairwayCommand.RunAsync(
                "audit", "--url", cluster.Nodes[0].ApiUrl, "--namespace", "1", "--from", "1", "--to", "3", "--genesis", Path.Combine(stranger.Directory, "genesis.json"));
            Assert.Equal(3, unverified);
            Assert.Contains("does not verify", unverifiedText, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    [Fact]
    public async Task The_front_runner_is_refused_without_the_test_settings_flag()
    {
        await using var cluster = new TestCluster();
        cluster.SetConfig(FrontRunner, "test_front_run_hold_ms", HoldMs);

        var (exitCode, text) = await FairwayCommand.RunAsync("node", "--config", cluster.Nodes[FrontRunner].ConfigPath);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("test_front_run_hold_ms", text, StringComparison.Ordinal);
        Assert.Contains("FAIRWAY_ALLOW_TEST_SETTINGS=1", text, StringComparison.Ordinal);
    }

    private static byte[] Swap(ulong ns, Ed25519Signer who, ulong nonce, bool sellA) =>
        RollupTransaction.Sign(ns, AmmKind.Swap, nonce, AmmState.SwapBody(sellA, 1_000, 1), who).Encode();

    /// <summary>Submits to each of <paramref name="validators"/> and keeps the receipts as a line of the receipts file.</summary>
    private static async Task<Hash> SubmitAsync(FairwayClient[] clients, int[] validators, ulong ns, byte[] payload, List<string> receipts)
    {
        var results = new List<SubmitResult>();
        foreach (var v in validators)
        {
            results.Add(await clients[v].SubmitAsync(ns, payload));
        }

        receipts.Add(new JsonObject
        {
            ["transaction"] = results[0].Hash.ToHex(),
            ["namespace"] = ns,
            ["receipts"] = new JsonArray([.. results.Select(r => (JsonNode)new JsonObject
            {
                ["validator"] = r.Validator,
                ["received_at_ms"] = r.ReceivedAtMs,
                ["signature"] = r.Signature.ToHex(),
            })]),
        }.ToJsonString());
        return results[0].Hash;
    }

    private async Task<(int ExitCode, JsonNode Report, string Text)> AuditAsync(
        TestCluster cluster, string genesis, string receiptsFile, ulong ns, ulong from, ulong to, params string[] extra)
    {
        string[] args =
        [
            "audit", "--url", cluster.Nodes[0].ApiUrl, "--namespace", ns.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--from", from.ToString(System.Globalization.CultureInfo.InvariantCulture), "--to", to.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--genesis", genesis, "--receipts", receiptsFile, "--delta-ms", "100", "--json", .. extra,
        ];
        var (exitCode, text) = await FairwayCommand.RunAsync(args);
        output.WriteLine($"audit of namespace {ns} ({string.Join(' ', extra)}): exit {exitCode}\n{text}");
        var start = text.IndexOf('{', StringComparison.Ordinal);
        Assert.True(start >= 0, text);
        return (exitCode, JsonNode.Parse(text[start..])!, text);
    }
}

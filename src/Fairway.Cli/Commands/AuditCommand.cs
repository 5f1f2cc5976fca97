using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fairway.Cli.Audit;
using Fairway.Client;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Cli.Commands;

/// <summary>
/// <c>fairway audit</c>: reads a namespace's certified output over a range of heights from a running network, verifying
/// every block against genesis, and reports what contradicts the receive evidence (docs/FAIRNESS.md, "Auditing a
/// network"). Exit 0, or 1 with <c>--fail-on-findings</c> when there are findings, 2 on bad input, 3 when the network
/// could not be read or what it served did not verify.
/// </summary>
internal static class AuditCommand
{
    /// <summary>Heights per run at most: the whole range is held in memory and its transactions compared pairwise.</summary>
    public const ulong HeightsMax = 10_000;

    /// <summary>Transactions looked up by hash at most, to tell censored ones from ones committed outside the range.</summary>
    private const int LookupsMax = 1_000;

    /// <summary>Transactions per run at most: their payloads are held until the run ends.</summary>
    private const long TransactionsMax = 200_000;

    /// <summary>Heights per request: the API's range limit.</summary>
    private const ulong HeightsPerRequest = 100;

    /// <summary>The newest heights may not have a certified output yet: by default the audit stops this far below the tip.</summary>
    private const ulong TipMargin = 2;

    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "a validator's API, e.g. http://127.0.0.1:27100", Required = true };
        var ns = new Option<ulong>("--namespace") { Description = "the namespace to audit", Required = true };
        var from = new Option<ulong>("--from") { Description = "first height to audit (1 or more)", Required = true };
        var to = new Option<ulong?>("--to") { Description = $"last height to audit (default: the committed height less {TipMargin}); at most {HeightsMax} heights per run" };
        var genesis = new Option<string>("--genesis") { Description = "the chain's genesis file: every block read is verified against its validator set", DefaultValueFactory = _ => ".devnet/genesis.json" };
        var receipts = new Option<string?>("--receipts") { Description = "receipts users hold, JSON Lines: {\"transaction\", \"namespace\", \"receipts\": [{\"validator\", \"received_at_ms\", \"signature\"}]}" };
        var delta = new Option<ulong>("--delta-ms") { Description = "a reordering counts when every witness received the overtaken transaction at least this much earlier", DefaultValueFactory = _ => 1_000 };
        var deadline = new Option<ulong>("--censorship-deadline-ms") { Description = "a receipt this much older than the last audited block, with no inclusion, is censorship", DefaultValueFactory = _ => 10_000 };
        var json = new Option<bool>("--json") { Description = "print the report as JSON" };
        var failOnFindings = new Option<bool>("--fail-on-findings") { Description = "exit 1 when there are findings" };
        var command = new Command("audit", "audit a namespace's certified output for reorderings against receive evidence, sandwiches and censorship")
        {
            url, ns, from, to, genesis, receipts, delta, deadline, json, failOnFindings,
        };
        command.SetAction(async (result, ct) =>
        {
            var first = result.GetValue(from);
            var last = result.GetValue(to);
            var usage = !Uri.TryCreate(result.GetValue(url), UriKind.Absolute, out var api) || api.Scheme is not ("http" or "https") ? "--url must be an http(s) URL"
                : first == 0 ? "--from must be 1 or more (height 0 is genesis and orders nothing)"
                : last is { } l && l < first ? "--to must not be below --from"
                : last is { } m && m - first + 1 > HeightsMax ? $"at most {HeightsMax} heights per run: narrow --from/--to"
                : result.GetValue(delta) > 3_600_000 ? "--delta-ms must be at most 3600000"
                : null;
            if (usage is not null)
            {
                return Fail(2, usage);
            }

            TrustedChain trust;
            List<HeldReceipt> held;
            try
            {
                trust = TrustedChain.FromGenesisFile(result.GetValue(genesis)!);
                var verifier = new ResponseVerifier(trust);
                held = result.GetValue(receipts) is { } path
                    ? ReceiptFile.Parse(File.ReadLines(path), verifier.VerifyReceipt)
                    : [];
            }
            catch (Exception e) when (e is IOException or InvalidDataException or JsonException or Core.Encoding.EncodingException or ReceiptFileException
                or KeyNotFoundException or FormatException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                return Fail(2, e.Message);
            }

            var options = new AuditOptions { DeltaMs = result.GetValue(delta), CensorshipDeadlineMs = result.GetValue(deadline) };
            var @namespace = result.GetValue(ns);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            using var client = new FairwayClient(api!, trust, http);
            try
            {
                var policy = (await client.GetNamespaceAsync(@namespace, ct).ConfigureAwait(false)).Policy;
                using var height = JsonDocument.Parse(await http.GetStringAsync(new Uri(api!, "/v1/node/block-height"), ct).ConfigureAwait(false));
                var tip = height.RootElement.GetUInt64();
                if (last > tip)
                {
                    return Fail(2, $"--to {last} is beyond the committed height {tip}");
                }

                if (last is null)
                {
                    if (tip < first + TipMargin)
                    {
                        return Fail(2, $"the committed height is {tip}: nothing to audit from height {first} yet (the newest {TipMargin} heights are left for their outputs to be certified)");
                    }

                    last = Math.Min(tip - TipMargin, first + HeightsMax - 1);
                }

                var blocks = await ReadBlocksAsync(http, api!, new ResponseVerifier(trust), @namespace, first, last.Value, ct).ConfigureAwait(false);
                var elsewhere = new HashSet<Hash>();
                foreach (var hash in CensorshipCheck.Candidates(blocks, held, @namespace, options).Take(LookupsMax))
                {
                    if (await CommittedAtOrBeforeAsync(client, hash, last.Value, ct).ConfigureAwait(false))
                    {
                        elsewhere.Add(hash);
                    }
                }

                var report = FairnessAuditor.Audit(blocks, held, @namespace, elsewhere, options);
                Console.WriteLine(result.GetValue(json)
                    ? ToJson(report, @namespace, policy, first, last.Value, held.Count, options).ToJsonString(new JsonSerializerOptions { WriteIndented = true })
                    : ToTable(report, @namespace, policy, first, last.Value, held.Count, options));
                return result.GetValue(failOnFindings) && report.Findings.Count > 0 ? 1 : 0;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return Fail(130, "interrupted");
            }
            catch (AuditRangeException e)
            {
                return Fail(2, e.Message);
            }
            catch (VerificationException e)
            {
                return Fail(3, $"what {api} served does not verify against genesis: {e.Message}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
            {
                return Fail(3, $"could not read {api}: {e.Message}");
            }
        });
        return command;
    }

    private static int Fail(int code, string message)
    {
        Console.Error.WriteLine($"fairway audit: {message}");
        return code;
    }

    /// <summary>
    /// Every height of the range, verified: its certified header (carrying the candidate lists) and the namespace's part
    /// of its certified output. A height whose output is not certified yet is asked for again for a few seconds.
    /// </summary>
    private static async Task<List<AuditedBlock>> ReadBlocksAsync(HttpClient http, Uri api, ResponseVerifier verifier, ulong @namespace, ulong first, ulong last, CancellationToken ct)
    {
        var blocks = new List<AuditedBlock>();
        var transactions = 0L;
        for (var start = first; start <= last; start += HeightsPerRequest)
        {
            var until = Math.Min(last + 1, start + HeightsPerRequest);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    using var response = await http.GetAsync(new Uri(api, $"/v1/availability/block/{start}/{until}/namespace/{@namespace}"), ct).ConfigureAwait(false);
                    var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                    if (!response.IsSuccessStatusCode)
                    {
                        throw new HttpRequestException($"{(int)response.StatusCode}: {body}", null, response.StatusCode);
                    }

                    using var document = JsonDocument.Parse(body);
                    var read = new List<AuditedBlock>();
                    var expected = start;
                    foreach (var item in document.RootElement.GetProperty("blocks").EnumerateArray())
                    {
                        var verified = verifier.VerifyNamespace(item, @namespace, expected);
                        var (block, _) = verifier.VerifyHeader(item, expected);
                        read.Add(AuditedBlock.Of(verified.Height, block.TimestampMs, verified.Transactions, block.CandidateLists));
                        expected++;
                    }

                    if (expected != until)
                    {
                        throw new VerificationException($"asked for heights {start} to {until - 1}, got {expected - start}");
                    }

                    blocks.AddRange(read);
                    transactions += read.Sum(b => b.Transactions.Count);
                    if (transactions > TransactionsMax)
                    {
                        throw new AuditRangeException($"more than {TransactionsMax} transactions in namespace {@namespace} from height {first} to {until - 1}: audit a narrower range");
                    }

                    break;
                }
                catch (Exception e) when (attempt < 10 && e is VerificationException or HttpRequestException { StatusCode: HttpStatusCode.NotFound })
                {
                    await Task.Delay(500, ct).ConfigureAwait(false);
                }
            }
        }

        return blocks;
    }

    private static async Task<bool> CommittedAtOrBeforeAsync(FairwayClient client, Hash hash, ulong last, CancellationToken ct)
    {
        try
        {
            return (await client.GetTransactionAsync(hash, ct).ConfigureAwait(false)).Height <= last;
        }
        catch (HttpRequestException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    internal static JsonObject ToJson(AuditReport report, ulong @namespace, string policy, ulong from, ulong to, int receipts, AuditOptions options)
    {
        var findings = new JsonArray();
        foreach (var f in report.Findings)
        {
            var item = new JsonObject { ["kind"] = f.Kind, ["height"] = f.Height, ["tx"] = f.Tx.ToHex() };
            Put(item, "ahead_of", f.AheadOf?.ToHex());
            Put(item, "ahead_of_height", f.AheadOfHeight);
            Put(item, "ahead_of_count", f.AheadOfCount);
            Put(item, "gap_ms", f.GapMs);
            Put(item, "victim", f.Victim?.ToHex());
            Put(item, "back_run", f.BackRun?.ToHex());
            Put(item, "back_run_height", f.BackRunHeight);
            Put(item, "sender", f.Sender);
            Put(item, "received_at_ms", f.ReceivedAtMs);
            Put(item, "age_ms", f.AgeMs);
            if (f.Validators is { } validators)
            {
                item["validators"] = new JsonArray([.. validators.Select(v => (JsonNode)v)]);
            }

            findings.Add(item);
        }

        var summary = new JsonObject();
        foreach (var (kind, count) in report.Summary)
        {
            summary[kind] = count;
        }

        return new JsonObject
        {
            ["namespace"] = @namespace,
            ["policy"] = policy,
            ["from"] = from,
            ["to"] = to,
            ["blocks_checked"] = report.BlocksChecked,
            ["transactions_checked"] = report.TransactionsChecked,
            ["transactions_with_evidence"] = report.TransactionsWithEvidence,
            ["receipts"] = receipts,
            ["delta_ms"] = options.DeltaMs,
            ["censorship_deadline_ms"] = options.CensorshipDeadlineMs,
            ["findings"] = findings,
            ["summary"] = summary,
        };
    }

    private static void Put(JsonObject item, string name, JsonNode? value)
    {
        if (value is not null)
        {
            item[name] = value;
        }
    }

    internal static string ToTable(AuditReport report, ulong @namespace, string policy, ulong from, ulong to, int receipts, AuditOptions options)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"namespace {@namespace} ({policy}), heights {from} to {to}: {report.BlocksChecked} blocks, {report.TransactionsChecked} transactions, "
            + $"{report.TransactionsWithEvidence} with receive evidence, {receipts} receipts held; delta {options.DeltaMs} ms, censorship deadline {options.CensorshipDeadlineMs} ms");
        text.AppendLine(string.Join(", ", report.Summary.Select(s => $"{s.Key}: {s.Value}")));
        if (report.Findings.Count == 0)
        {
            text.Append("no findings");
            return text.ToString();
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"{"kind",-11} {"height",8}  {"tx",-16}  detail");
        foreach (var f in report.Findings)
        {
            var detail = f.Kind switch
            {
                FindingKind.Reordering => $"ahead of {f.AheadOfCount} received earlier, e.g. {f.AheadOf?.ToHex()[..16]} at height {f.AheadOfHeight} ({f.GapMs} ms earlier by validators {string.Join(",", f.Validators ?? [])})",
                FindingKind.Sandwich => $"victim {f.Victim?.ToHex()[..16]}, back-run {f.BackRun?.ToHex()[..16]} at height {f.BackRunHeight}, sender {f.Sender?[..16]}",
                _ => $"receipted by validators {string.Join(",", f.Validators ?? [])} {f.AgeMs} ms before the last block, not included",
            };
            text.AppendLine(CultureInfo.InvariantCulture, $"{f.Kind,-11} {f.Height,8}  {f.Tx.ToHex()[..16]}  {detail}");
        }

        return text.ToString().TrimEnd();
    }
}

/// <summary>The range asked for holds more than one run may read.</summary>
internal sealed class AuditRangeException(string message) : Exception(message);
